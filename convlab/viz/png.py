"""Lighter PNGs: a picture's colours cut to a palette, for the players' frames and the book's figures.

A matplotlib figure has few colours (a few hundred with anti-aliasing), so 256 hold it with no
visible change, at about a third of the bytes of the RGBA PNG that Jupyter stores.
"""

from __future__ import annotations

import io

from PIL import Image


def palette_png(data: bytes, colors: int = 256) -> bytes:
    """``data`` (a PNG) with its colours cut to a palette of ``colors`` colours, undithered.

    An opaque picture loses its alpha channel first; a picture that already has a palette is
    returned as it is.
    """
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
    image.quantize(colors=colors, method=method, dither=Image.Dither.NONE).save(out, format="PNG", optimize=True)
    return out.getvalue()
