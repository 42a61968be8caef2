"""What each module of the book's Sphinx extension tells Sphinx about itself."""

from __future__ import annotations

VERSION = "1.0"


def extension_metadata() -> dict:
    """Sphinx's extension metadata: the version, and that parallel reading and writing are safe
    (every handler works on its own document or page, or runs before the builder forks)."""
    return {"version": VERSION, "parallel_read_safe": True, "parallel_write_safe": True}
