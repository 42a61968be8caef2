"""The one adapter between a drawing and the reader: an HTML player, or a live widget.

* :func:`html_player` — frames drawn into one figure, as a JavaScript player the reader scrubs
  in the HTML book, where no Python kernel runs (at most :data:`MAX_FRAMES` frames).
* :func:`live_widget` — ``ipywidgets.interactive`` around an update function: each move of a
  control calls it, shows the figures it drew and closes them (Jupyter only).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable

from IPython.display import HTML
from matplotlib import pyplot as plt
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure

__all__ = ["MAX_FRAMES", "html_player", "live_widget"]

MAX_FRAMES = 16  # every frame is a PNG embedded in the page: the one limit for every player

_RANDOM_ID = re.compile(r"[0-9a-f]{32}")  # to_jshtml names its elements with uuid4().hex
# Frames are embedded PNGs; their bytes hang on the last bits of float maths, so they vary by CPU.
_PNG_DATA = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=\\\s]+")
_players: dict[str, list[str]] = {}  # layout digest -> frame digests, in the order first drawn
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


def html_player(fig: Figure, draw_frame: Callable[[int], object], frames: int, *, interval: int = 700) -> HTML:
    """Render ``draw_frame(0) … draw_frame(frames - 1)`` as a JavaScript player with a slider.

    The player is plain HTML and JavaScript (matplotlib's ``to_jshtml``), so it works in the
    built book and in Jupyter alike, offline too: its buttons show plain characters instead of
    icons from a CDN. Its element ids are not random, so re-running a notebook gives the same
    output (nbval compares it), and they do not come from the frames' PNG bytes, which differ
    from one CPU to the next: they number the players of one layout in the order they are first
    drawn (the same frames again get the same ids). The figure is closed.
    Keep frames few and small: every frame is a PNG embedded in the page, so more than
    :data:`MAX_FRAMES` raise ``ValueError``.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 1:
        raise ValueError(f"frames must be a positive int, got {frames!r}")
    if frames > MAX_FRAMES:
        plt.close(fig)
        raise ValueError(f"a player shows at most {MAX_FRAMES} frames, got frames={frames}: use a smaller example")
    animation = FuncAnimation(fig, draw_frame, frames=frames, interval=interval, blit=False)
    html = animation.to_jshtml(default_mode="once")
    plt.close(fig)
    html = _ICON.sub(lambda m: _ICONS[m.group(1)], _CDN_LINK.sub("", html))
    return HTML(_RANDOM_ID.sub(_player_id(_RANDOM_ID.sub("", html)), html))


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _player_id(html: str) -> str:
    """A 32-hex-digit id from the player's layout (its HTML without the PNG bytes) and its rank
    among this process's players of that layout: unique on a page, equal across CPUs."""
    layout, frames = _digest(_PNG_DATA.sub("", html)), _digest("".join(_PNG_DATA.findall(html)))
    seen = _players.setdefault(layout, [])
    if frames not in seen:
        seen.append(frames)
    return _digest(f"{layout} {seen.index(frames)}")[:32]


def live_widget(update: Callable[..., object], **controls):
    """``ipywidgets.interactive(update, **controls)``, showing and closing the figures ``update`` draws.

    ``update`` draws with pyplot (new figures) and may print; its return value becomes the
    widget's ``result``, so code and tests can set a control's ``value`` and read it.
    """
    import ipywidgets  # imported here: the players work without it

    @functools.wraps(update)
    def run(*args, **kwargs):
        before = set(plt.get_fignums())
        result = update(*args, **kwargs)
        plt.show()
        for number in set(plt.get_fignums()) - before:
            plt.close(number)
        return result

    return ipywidgets.interactive(run, **controls)
