"""Kept for learners' exercise notebooks of chapter 6; see :mod:`convlab.probes`."""

from convlab.probes import roll as shifted

__all__ = ["shifted"]
