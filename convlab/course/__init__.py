"""Contributor and instructor tools: generate exercises, re-execute notebooks, grade.

Imports neither torch nor matplotlib (a contract in ``pyproject.toml``), so grading starts fast.
"""

import sys

# nbformat validates with jsonschema, which imports the optional `rfc3987_syntax` when it is
# installed (jupyter-events pulls it in) and compiles its grammar for seconds on every start.
# Notebook schemas never check IRI formats, so these tools go without it.
sys.modules.setdefault("rfc3987_syntax", None)
