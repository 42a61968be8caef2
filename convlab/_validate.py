"""Argument checks shared by the helpers: one clear message naming the bad argument."""

from __future__ import annotations

from numbers import Integral


def integer(name: str, value, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int, or raise naming ``name``.

    Bools are rejected although they are ints in Python: ``stride=True`` is a bug, not a 1.
    """
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        expected = "positive" if minimum == 1 else f"at least {minimum}"
        raise ValueError(f"{name} must be {expected}, got {value}")
    return value


def pair(name: str, value, *, minimum: int | None = None) -> tuple[int, int]:
    """Return an ``(h, w)`` pair from an int or a pair of ints, checking each like :func:`integer`."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or an (h, w) pair, got {value!r}")
        return (
            integer(f"{name}[0]", value[0], minimum=minimum),
            integer(f"{name}[1]", value[1], minimum=minimum),
        )
    number = integer(name, value, minimum=minimum)
    return number, number
