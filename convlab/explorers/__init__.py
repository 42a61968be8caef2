"""Data the book's explorers draw: computed in Python at build time, drawn by the book's scripts."""
