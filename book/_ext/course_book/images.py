"""Lighter pictures: the notebooks' PNG outputs, stored as palette PNGs in the built book
(:func:`convlab.viz.png.palette_png`, as the players' frames are), about a third of the bytes.
A picture is kept as it was where the palette one would not be smaller.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from .metadata import extension_metadata


def lighten_images(app: Sphinx, exception: Exception | None) -> None:
    """Store every PNG the build copied into ``_images`` as a palette PNG, when that is smaller."""
    if exception is not None or app.builder.format != "html":
        return
    from convlab.viz.png import palette_png  # this course's convlab (``explorer`` puts it first on sys.path)

    for path in sorted((Path(app.outdir) / "_images").glob("*.png")):
        data = path.read_bytes()
        lighter = palette_png(data)
        if len(lighter) < len(data):
            path.write_bytes(lighter)


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", lighten_images)
    return extension_metadata()
