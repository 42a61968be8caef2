"""Plain-text tables and byte counts, formatted one way for every chapter."""

from __future__ import annotations

from collections.abc import Sequence

from convlab._validate import integer

__all__ = ["format_bytes", "format_cell", "format_table", "text_table"]


def format_cell(value) -> str:
    """Ints with thousands separators, floats to two decimals, anything else as ``str``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def text_table(
    header: Sequence[str], rows: Sequence[Sequence], *, footer: Sequence | None = None, align: str | None = None
) -> str:
    """A plain-text table; ``align`` has one ``l`` or ``r`` per column (default: ``l`` then ``r``s).

    Cells that are not strings go through :func:`format_cell`. A rule of dashes follows the
    header, and another precedes ``footer`` (a total row) when one is given.
    """
    header = [str(cell) for cell in header]
    body = [[cell if isinstance(cell, str) else format_cell(cell) for cell in row] for row in rows]
    tail = [] if footer is None else [[cell if isinstance(cell, str) else format_cell(cell) for cell in footer]]
    lines = [header, *body, *tail]
    for line in lines:
        if len(line) != len(header):
            raise ValueError(f"every row must have {len(header)} cells like the header, got {line!r}")
    align = align or "l" + "r" * (len(header) - 1)
    if len(align) != len(header) or set(align) - {"l", "r"}:
        raise ValueError(f"align must hold one 'l' or 'r' per column ({len(header)}), got {align!r}")
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]

    def render(line: list[str]) -> str:
        cells = zip(line, widths, align, strict=True)
        return "  ".join(cell.ljust(w) if side == "l" else cell.rjust(w) for cell, w, side in cells)

    rule = "  ".join("-" * w for w in widths)
    out = [render(header), rule, *(render(line) for line in body)]
    if tail:
        out += [rule, render(tail[0])]
    return "\n".join(out)


def format_bytes(n: int) -> str:
    """``n`` bytes in decimal (SI) units: ``format_bytes(4 * 10**12) == '4 TB'``."""
    n = integer("n", n, minimum=0)
    value, unit = float(n), "B"
    for bigger in ("kB", "MB", "GB", "TB", "PB", "EB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{value:.3g} {unit}"


def format_table(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """:func:`text_table` of ``rows`` (dicts), showing ``columns`` in that order."""
    return text_table(columns, [[row[column] for column in columns] for row in rows])
