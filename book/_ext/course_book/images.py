"""Lighter pictures: the notebooks' PNG outputs, stored as palette PNGs in the built book.

A matplotlib figure has few colours (a few hundred with anti-aliasing), so 256 hold it with no
visible change, at about a third of the bytes of the RGBA PNG that Jupyter stores. A picture is
kept as it was where the palette one would not be smaller.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from sphinx.application import Sphinx


def palette_png(data: bytes) -> bytes:
    """``data`` (a PNG) with its colours cut to a 256-colour palette, undithered."""
    image = Image.open(io.BytesIO(data))
    image.load()
    if image.mode == "P":
        return data
    if image.mode in ("LA", "RGBA") and image.getextrema()[-1][0] == 255:
        image = image.convert("RGB")  # opaque: no alpha to keep
    elif image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    method = Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT
    out = io.BytesIO()
    image.quantize(colors=256, method=method, dither=Image.Dither.NONE).save(out, format="PNG", optimize=True)
    return out.getvalue()


def lighten_images(app: Sphinx, exception: Exception | None) -> None:
    """Store every PNG the build copied into ``_images`` as a palette PNG, when that is smaller."""
    if exception is not None or app.builder.format != "html":
        return
    for path in sorted((Path(app.outdir) / "_images").glob("*.png")):
        data = path.read_bytes()
        lighter = palette_png(data)
        if len(lighter) < len(data):
            path.write_bytes(lighter)


def setup(app: Sphinx) -> None:
    app.connect("build-finished", lighten_images)
