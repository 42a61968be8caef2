"""Animations that a reader scrubs in the HTML book, where no Python kernel runs."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from IPython.display import HTML
from matplotlib import pyplot as plt
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure

__all__ = ["scrubber"]

_RANDOM_ID = re.compile(r"[0-9a-f]{32}")  # to_jshtml names its elements with uuid4().hex
# to_jshtml links Font Awesome 4 from a CDN for its button icons; plain characters need nothing.
_CDN_LINK = re.compile(r"<link[^>]*font-awesome[^>]*>\s*")
_ICONS = {  # characters every common font has (the media-control block ⏮⏸⏭ often is missing)
    "fa-minus": "−",
    "fa-fast-backward": "«",
    "fa-step-backward": "‹",
    "fa-play fa-flip-horizontal": "◀",
    "fa-pause": "||",
    "fa-play": "▶",
    "fa-step-forward": "›",
    "fa-fast-forward": "»",
    "fa-plus": "+",
}
_ICON = re.compile(r'<i class="fa (' + "|".join(map(re.escape, _ICONS)) + r')"></i>')


def scrubber(fig: Figure, draw_frame: Callable[[int], object], frames: int, *, interval: int = 700) -> HTML:
    """Render ``draw_frame(0) … draw_frame(frames - 1)`` as a JavaScript player with a slider.

    The player is plain HTML and JavaScript (matplotlib's ``to_jshtml``), so it works in the
    built book and in Jupyter alike, offline too: its buttons show plain characters instead of
    icons from a CDN. Its element ids are derived from the frames, not random,
    so re-running a notebook gives the same output (nbval compares it). The figure is closed.
    Keep frames few and small: every frame is a PNG embedded in the page.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 1:
        raise ValueError(f"frames must be a positive int, got {frames!r}")
    animation = FuncAnimation(fig, draw_frame, frames=frames, interval=interval, blit=False)
    html = animation.to_jshtml(default_mode="once")
    plt.close(fig)
    html = _ICON.sub(lambda m: _ICONS[m.group(1)], _CDN_LINK.sub("", html))
    stable = hashlib.sha1(_RANDOM_ID.sub("", html).encode()).hexdigest()[:32]
    return HTML(_RANDOM_ID.sub(stable, html))
