"""Small whole numbers as one character each: how the explorers' tables stay small in the page."""

from __future__ import annotations

__all__ = ["DIGITS", "decode", "encode"]

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/"


def encode(values) -> str:
    """One character of :data:`DIGITS` per number, each in ``0 … 63``.

    >>> encode([0, 9, 10, 63])
    '09a/'
    """
    values = [int(v) for v in values]
    if any(not 0 <= v < len(DIGITS) for v in values):
        raise ValueError(f"cannot encode {values} with one character each (0 to {len(DIGITS) - 1})")
    return "".join(DIGITS[v] for v in values)


def decode(text: str) -> list[int]:
    """The numbers :func:`encode` wrote (as the book's scripts read them)."""
    return [DIGITS.index(c) for c in text]
