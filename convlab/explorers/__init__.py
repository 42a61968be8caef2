"""Data the book's explorers draw: every setting of an explorer's controls, computed in Python at build
time for the notebook and the book, and drawn by the book's scripts."""
