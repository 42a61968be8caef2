"""Player frames: palette PNGs, drawn at the dpi asked, and the size of their smallest text recorded."""

import base64
import io
import re

import pytest
from matplotlib import pyplot as plt
from PIL import Image

from convlab.viz import player as anim

PNG = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=\\\s]+)")


def frames_of(html: str) -> list[Image.Image]:
    return [Image.open(io.BytesIO(base64.b64decode(re.sub(r"[\\\s]", "", data)))) for data in PNG.findall(html)]


def two_frame_player(dpi=None, title_size=9.0, label_size=14.0):
    fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
    ax.set_title("title", fontsize=title_size)
    label = ax.text(0.5, 0.5, "", fontsize=label_size)
    ax.set_xticks([])
    ax.set_yticks([])
    return anim.html_player(fig, lambda i: label.set_text(f"frame {i}"), 2, dpi=dpi).data


def test_frames_are_palette_pngs_at_the_dpi_asked():
    frames = frames_of(two_frame_player(dpi=80))
    assert len(frames) == 2
    assert all(frame.mode == "P" and frame.size == (160, 80) for frame in frames)


def test_the_smallest_text_is_recorded_in_frame_pixels():
    html = two_frame_player(dpi=80, title_size=9.0)
    assert 'data-min-text-px="10.0"' in html  # 9 pt at 80 dpi
    html = two_frame_player(dpi=144, title_size=20.0, label_size=12.0)
    assert 'data-min-text-px="24.0"' in html  # the label, 12 pt at 144 dpi


def test_hidden_texts_and_axes_turned_off_do_not_count():
    fig, ax = plt.subplots(figsize=(2, 1), dpi=72)
    ax.text(0, 0, "hidden", fontsize=3).set_visible(False)
    ax.set_title("shown", fontsize=11)
    ax.tick_params(labelsize=4)
    ax.axis("off")
    html = anim.html_player(fig, lambda i: None, 1).data
    assert 'data-min-text-px="11.0"' in html


def test_legible_raises_only_the_small_texts():
    fig, ax = plt.subplots()
    small, large = ax.text(0, 0, "a", fontsize=6), ax.text(0, 0, "b", fontsize=20)
    anim.legible(fig, 12)
    assert (small.get_fontsize(), large.get_fontsize()) == (12, 20)
    plt.close(fig)


def test_a_bad_dpi_is_refused():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="dpi"):
        anim.html_player(fig, lambda i: None, 1, dpi=0)
