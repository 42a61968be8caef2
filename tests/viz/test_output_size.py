"""The explorer, driven from Python: sliders in, sizes and drawings out, checked against PyTorch."""

from __future__ import annotations

import random
import re

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from matplotlib import pyplot as plt

from convlab.arith import conv_output_size
from convlab.viz import output_size as ex


def _sliders(widget) -> dict[str, object]:
    return {w._kwarg: w for w in widget.kwargs_widgets}


def _set(widget, **values) -> ex.View:
    sliders = _sliders(widget)
    for name, value in values.items():
        sliders[name].value = value  # each change redraws, as a reader's drag would
    return widget.result


def _panels(view: ex.View):
    return view.figure.axes  # input, output, coverage


def _cells(ax, gid: str = "cell") -> int:
    return sum(1 for p in ax.patches if p.get_gid() == gid)


def _real_conv_shape(H, W, F, F_h, P, S, D) -> tuple[int, int]:
    with torch.no_grad():
        conv = torch.nn.Conv2d(1, 1, (F_h, F), stride=S, padding=P, dilation=D)
        return tuple(conv(torch.zeros(1, 1, H, W)).shape[-2:])


SLIDER_CASES = [
    dict(W=5, H=5, F=3, F_h=3, P=1, S=1, D=1),  # the notes' example: 5×5 stays 5×5
    dict(W=6, H=6, F=3, F_h=3, P=0, S=2, D=1),  # the floor drops the last column and row
    dict(W=9, H=6, F=3, F_h=5, P=2, S=2, D=1),  # non-square input and kernel
    dict(W=7, H=7, F=3, F_h=3, P=0, S=1, D=2),  # dilation
    dict(W=12, H=3, F=1, F_h=2, P=4, S=5, D=3),  # extremes of the sliders
]


@pytest.mark.parametrize("case", SLIDER_CASES)
def test_sliders_show_the_size_of_arith_and_a_real_conv(case, capsys):
    widget = ex.output_size_widget()
    view = _set(widget, **case)
    H, W, F, F_h, P, S, D = (case[k] for k in ("H", "W", "F", "F_h", "P", "S", "D"))
    expected = (conv_output_size(H, F_h, S, P, D), conv_output_size(W, F, S, P, D))
    assert view.possible
    assert view.output_shape == expected == _real_conv_shape(H, W, F, F_h, P, S, D)
    assert view.torch_shape == expected
    shown = capsys.readouterr().out
    assert f"output {expected[0]}×{expected[1]}; nn.Conv2d gives {expected[0]}×{expected[1]}: agrees" in shown
    # the drawing: the padded input, one dot per window, the output grid, the coverage map
    ax_in, ax_out, ax_cov = _panels(view)
    assert _cells(ax_in) == H * W
    assert _cells(ax_in, "pad") == (H + 2 * P) * (W + 2 * P) - H * W
    dots = [c for c in ax_in.collections if c.get_gid() == "centre"]
    assert len(dots) == 1 and len(dots[0].get_offsets()) == expected[0] * expected[1]
    assert _cells(ax_out) == expected[0] * expected[1]
    assert ax_out.get_title() == f"output {expected[0]}×{expected[1]}"
    assert _cells(ax_cov) == H * W


def test_formula_text_matches_the_size_on_random_settings():
    rng = random.Random(1)
    for _ in range(60):
        n, k, s, p, d = rng.randint(1, 20), rng.randint(1, 7), rng.randint(1, 5), rng.randint(0, 3), rng.randint(1, 3)
        text = ex.formula(n, k, stride=s, padding=p, dilation=d)
        if d * (k - 1) + 1 > n + 2 * p:
            assert text.endswith("impossible")
            continue
        assert int(re.search(r"= (\d+)$", text).group(1)) == conv_output_size(n, k, s, p, d)
        with torch.no_grad():
            real = torch.nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)(torch.zeros(1, 1, n, n))
        assert real.shape[-1] == conv_output_size(n, k, s, p, d)


def test_notes_formula_flags_a_fraction_and_agrees_when_whole():
    assert ex.notes_formula(5, 3, stride=1, padding=1).endswith("= 5")
    assert "2.5 — not a whole number" in ex.notes_formula(6, 3, stride=2)
    assert ex.describe(ex.Setting.make(6, 3, stride=2)).output_shape == (2, 2)


def test_an_impossible_setting_shows_a_message_not_a_traceback(capsys):
    widget = ex.output_size_widget()
    view = _set(widget, W=3, H=3, F=7, F_h=7, P=0, S=1, D=1)
    assert not view.possible
    assert view.output_shape is None and view.torch_shape is None
    shown = capsys.readouterr().out
    assert "Impossible setting" in shown and "spans 7 pixels" in shown
    assert "nn.Conv2d refuses too" in shown
    assert "Traceback" not in shown
    assert not view.figure.axes  # no panels, only the message
    assert any("impossible" in t.get_text() for t in view.figure.texts)
    view = _set(widget, P=2)  # 3 + 2·2 = 7: the kernel fits again
    assert view.possible and view.output_shape == (1, 1)


def test_dilation_makes_a_setting_impossible():
    view = ex.describe(ex.Setting.make(5, 3, dilation=3))
    assert not view.possible and "dilation 3 spans 7" in view.message
    with pytest.raises(RuntimeError):
        ex.torch_output_shape(view.setting)


def test_show_reports_bad_values_instead_of_raising(capsys):
    view = ex.show_output_size(W=0)
    assert not view.possible
    assert "size" in capsys.readouterr().out


def test_torch_output_shape_leaves_the_random_state_alone():
    torch.manual_seed(3)
    state = torch.get_rng_state()
    ex.torch_output_shape(ex.Setting.make((6, 9), (5, 3), 2, (2, 1)))
    assert torch.equal(torch.get_rng_state(), state)


def test_setting_validates_its_arguments():
    with pytest.raises(ValueError, match="stride"):
        ex.Setting.make(5, 3, stride=0)
    with pytest.raises(TypeError, match="padding"):
        ex.Setting.make(5, 3, padding=0.5)
    with pytest.raises(TypeError, match="setting"):
        ex.describe((5, 3))
    with pytest.raises(TypeError, match="fig"):
        ex.draw_output_size(None, ex.Setting.make(5, 3))


def test_player_has_one_frame_per_value_and_stays_small():
    html = ex.output_size_player("stride", [1, 2, 3], size=7, kernel_size=3).data
    assert len(re.findall(r"data:image/png;base64", html)) == 3
    assert len(html) < 350_000
    assert html == ex.output_size_player("stride", [1, 2, 3], size=7, kernel_size=3).data  # deterministic
    assert not plt.get_fignums()  # the figure was closed


def test_player_survives_an_impossible_frame():
    html = ex.output_size_player("padding", [0, 1], size=3, kernel_size=5).data
    assert len(re.findall(r"data:image/png;base64", html)) == 2


def test_player_rejects_bad_arguments():
    with pytest.raises(ValueError, match="vary"):
        ex.output_size_player("colour", [1, 2])
    with pytest.raises(ValueError, match="values"):
        ex.output_size_player("stride", range(1, 20))
    with pytest.raises(ValueError, match="stride"):
        ex.output_size_player("stride", [0, 1])
