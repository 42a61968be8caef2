"""The one adapter between a drawing and the reader: an HTML player, or a live widget.

* :func:`html_player` — frames drawn into one figure, as a JavaScript player the reader scrubs
  in the HTML book, where no Python kernel runs (at most :data:`MAX_FRAMES` frames).
* :func:`live_widget` — ``ipywidgets.interactive`` around an update function: each move of a
  control calls it, shows the figures it drew and closes them (Jupyter only).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from IPython.display import HTML
from matplotlib import pyplot as plt
from matplotlib.animation import HTMLWriter
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.spines import Spine
from matplotlib.text import Text

from convlab.viz.png import palette_png

__all__ = ["FRAME_DPI", "MAX_FRAMES", "MIN_TEXT_PT", "PLAYER_WIDTH", "html_player", "legible", "live_widget"]

MAX_FRAMES = 16  # every frame is a PNG embedded in the page: the one limit for every player
# A player's frames are drawn for a phone first: a figure PLAYER_WIDTH inches wide whose
# smallest text is MIN_TEXT_PT points stays at least 14.4 px (the book's small print) when a
# 390 px phone shows it 358 px wide; on a desktop its FRAME_DPI frames are shown at 400 px.
PLAYER_WIDTH = 4.0
MIN_TEXT_PT = 12.0
FRAME_DPI = 100

_RANDOM_ID = re.compile(r"[0-9a-f]{32}")  # HTMLWriter names its elements with uuid4().hex
# Frames are embedded PNGs; their bytes hang on the last bits of float maths, so they vary by CPU.
_PNG_DATA = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=\\\s]+")
_players: dict[str, list[str]] = {}  # layout digest -> frame digests, in the order first drawn
# HTMLWriter links Font Awesome 4 from a CDN for its button icons; plain characters need nothing.
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


def html_player(
    fig: Figure,
    draw_frame: Callable[[int], object],
    frames: int,
    *,
    interval: int = 700,
    dpi: float | None = None,
    colors: int = 256,
) -> HTML:
    """Render ``draw_frame(0) … draw_frame(frames - 1)`` as a JavaScript player with a slider.

    The player is plain HTML and JavaScript (matplotlib's ``HTMLWriter``, as ``to_jshtml`` uses
    it), so it works in the built book and in Jupyter alike, offline too: its buttons show plain
    characters instead of icons from a CDN. Its element ids are not random, so re-running a
    notebook gives the same output (nbval compares it), and they do not come from the frames'
    PNG bytes, which differ from one CPU to the next: they number the players of one layout in
    the order they are first drawn (the same frames again get the same ids). The figure is closed.
    Keep frames few and small: every frame is a PNG embedded in the page, so more than
    :data:`MAX_FRAMES` raise ``ValueError``. Frames are drawn at ``dpi`` (the figure's own by
    default) and stored as palette PNGs of ``colors`` colours (2 to 256; a figure has few
    colours: a third of the bytes; photographs and grey maps need fewer bytes with fewer).

    The player's box records, in ``data-min-text-px``, the size of the smallest text any frame
    shows, in pixels of the frame image: the book checks that text stays legible at the width
    the frames are shown at.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 1:
        raise ValueError(f"frames must be a positive int, got {frames!r}")
    if frames > MAX_FRAMES:
        plt.close(fig)
        raise ValueError(f"a player shows at most {MAX_FRAMES} frames, got frames={frames}: use a smaller example")
    if isinstance(colors, bool) or not isinstance(colors, int) or not 2 <= colors <= 256:
        plt.close(fig)
        raise ValueError(f"colors must be an int from 2 to 256, got {colors!r}")
    if dpi is not None:
        if isinstance(dpi, bool) or not isinstance(dpi, int | float) or dpi <= 0:
            plt.close(fig)
            raise ValueError(f"dpi must be a positive number, got {dpi!r}")
        fig.set_dpi(dpi)
    html, smallest = _render_frames(fig, draw_frame, frames, interval)
    text_px = smallest * fig.dpi / 72
    plt.close(fig)
    html = _ICON.sub(lambda m: _ICONS[m.group(1)], _CDN_LINK.sub("", html))
    html = _PNG_DATA.sub(lambda m: "data:image/png;base64," + _palette_frame(m.group(0), colors), html)
    html = f'<div class="course-player" data-min-text-px="{text_px:.1f}">\n{html}\n</div>'
    return HTML(_RANDOM_ID.sub(_player_id(_RANDOM_ID.sub("", html)), html))


def _render_frames(fig: Figure, draw_frame: Callable[[int], object], frames: int, interval: int) -> tuple[str, float]:
    """The player's HTML (``to_jshtml``'s, with mode "once") and the smallest font size drawn, in points.

    Each frame is drawn once and rendered once: ``FuncAnimation.to_jshtml`` draws the first
    frame twice and renders every frame twice (its canvas redraw, then the saved PNG).
    """
    smallest = float("inf")
    writer = HTMLWriter(fps=1000 / interval, embed_frames=True, default_mode="once")
    facecolor = plt.rcParams["savefig.facecolor"]
    facecolor = fig.get_facecolor() if facecolor == "auto" else facecolor
    white = _composited_on_white(facecolor)  # as Animation.save does for a writer without alpha
    with tempfile.TemporaryDirectory() as folder, plt.rc_context({"savefig.bbox": None}):
        path = Path(folder, "player.html")
        with writer.saving(fig, path, fig.dpi):
            for index in range(frames):
                draw_frame(index)
                smallest = min([smallest, *(text.get_fontsize() for text in drawn_texts(fig))])
                writer.grab_frame(facecolor=white, transparent=False)
        return path.read_text(), smallest


def _composited_on_white(color) -> tuple[float, float, float]:
    red, green, blue, alpha = to_rgba(color)
    return tuple(alpha * channel + 1 - alpha for channel in (red, green, blue))


def legible(fig: Figure, minimum: float = MIN_TEXT_PT) -> Figure:
    """Raise every text of ``fig`` (shown now or by a later frame) to at least ``minimum`` points."""
    for text in fig.findobj(Text):
        if text.get_fontsize() < minimum:
            text.set_fontsize(minimum)
    return fig


def drawn_texts(artist: Artist) -> Iterator[Text]:
    """The non-empty texts under ``artist`` that a draw shows (not hidden, nor on an axis turned off)."""
    if not artist.get_visible():
        return
    if isinstance(artist, Text) and artist.get_text().strip():
        yield artist
    children = artist.get_children()
    if isinstance(artist, Axes) and not artist.axison:
        children = [child for child in children if not isinstance(child, Axis | Spine)]
    for child in children:
        yield from drawn_texts(child)


def _palette_frame(encoded: str, colors: int) -> str:
    """A base64 PNG (as ``HTMLWriter`` writes it, lines continued with backslashes) as a base64 palette PNG."""
    data = base64.b64decode(re.sub(r"[\\\s]", "", encoded.partition(",")[2]))
    return base64.b64encode(palette_png(data, colors)).decode("ascii")


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
