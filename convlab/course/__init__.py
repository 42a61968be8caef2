"""Contributor and instructor tools: generate exercises, re-execute notebooks, grade.

Imports neither torch nor matplotlib (a contract in ``pyproject.toml``), so grading starts fast.
"""
