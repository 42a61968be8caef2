"""Kept for learners' exercise notebooks of chapter 6; see :mod:`convlab.probes`."""

from convlab.probes import measured_receptive_field

__all__ = ["measured_receptive_field"]
