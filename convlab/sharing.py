"""Kept for learners' exercise notebooks of chapter 6; see :mod:`convlab.probes`."""

from convlab.probes import shifted

__all__ = ["shifted"]
