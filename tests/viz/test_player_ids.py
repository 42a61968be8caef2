"""Player ids: the same on every CPU (not from the PNG bytes), unique on a page, stable on re-runs."""

import re

from matplotlib import pyplot as plt

from convlab.viz import player as anim

ID = re.compile(r'id="_anim_img([0-9a-f]{32})"')


def player(values):
    fig, ax = plt.subplots(figsize=(1, 1), dpi=20)
    image = ax.imshow([[0.0]], vmin=0, vmax=1)
    return anim.html_player(fig, lambda i: image.set_data([[values[i]]]), len(values)).data


def test_same_frames_same_id_other_frames_other_id(monkeypatch):
    monkeypatch.setattr(anim, "_players", {})
    first, again, other = player([0.1, 0.9]), player([0.1, 0.9]), player([0.5, 0.2])
    assert ID.search(first).group(1) == ID.search(again).group(1)
    assert ID.search(first).group(1) != ID.search(other).group(1)


def test_id_does_not_hang_on_the_png_bytes(monkeypatch):
    html = player([0.1, 0.9])
    other_cpu = re.sub(r"(data:image/png;base64,)[A-Za-z0-9+/]{8}", r"\1AAAAAAAA", html)  # other last bits
    assert other_cpu != html
    monkeypatch.setattr(anim, "_players", {})
    mine = anim._player_id(anim._RANDOM_ID.sub("", html))
    monkeypatch.setattr(anim, "_players", {})
    theirs = anim._player_id(anim._RANDOM_ID.sub("", other_cpu))
    assert mine == theirs
