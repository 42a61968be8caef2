"""convlab.checking: statuses, messages, and that a check never raises."""

import pytest

from convlab.exercises.checking import CheckFailed, check, exercise, get_exercise, run_check
from convlab.exercises.expect import expect_close, expect_equal, expect_shape


@exercise("98.1", "double a number", answers=["double"], points=2)
def _check_double(double):
    for x in (0, 3, -4):
        expect_equal(double(x), 2 * x, f"double({x})", hint="multiply by two")


def test_passed_scores_the_points():
    result = run_check("98.1", {"double": lambda x: 2 * x})
    assert (result.status, result.points, result.max_points) == ("passed", 2.0, 2.0)
    assert result.line().startswith("✅ Exercise 98.1 passed")


def test_wrong_answer_says_what_it_gave_and_a_hint_never_the_expected_value():
    result = run_check("98.1", {"double": lambda x: x + 2})
    assert result.status == "failed" and result.points == 0
    assert "your answer gave 2" in result.feedback and "Hint: multiply by two" in result.feedback
    assert "expected" not in result.feedback and "0" not in result.feedback.replace("double(0)", "")


def test_a_known_mistake_is_diagnosed_instead_of_the_generic_hint():
    with pytest.raises(CheckFailed, match="you counted bits") as failure:
        expect_equal(64, 8, "the bytes", hint="generic", mistakes=[(64, "you counted bits")])
    assert "generic" not in failure.value.feedback() and "8" not in failure.value.feedback().replace("64", "")


_ESCAPES = {  # every alias of a convolution ends in ATen's one convolution operator
    "F.conv2d": "def corr(x, k):\n    return nnf.conv2d(x, k)\n",
    "torch.ops.aten.convolution": "def corr(x, k):\n"
    "    return torch.ops.aten.convolution(x, k, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)\n",
    "torch._C._VariableFunctions.conv2d": "def corr(x, k):\n    return torch._C._VariableFunctions.conv2d(x, k)\n",
    "a conv2d captured earlier": "_c = getattr(nnf, 'con' + 'v2d')\ndef corr(x, k):\n    return _c(x, k)\n",
    "a caught call": "def corr(x, k):\n    try:\n        nnf.conv2d(x, k)\n    finally:\n        return x\n",
}


@pytest.mark.parametrize("escape", list(_ESCAPES))
def test_rules_are_traced_whatever_the_alias(escape):
    import torch
    import torch.nn.functional as nnf

    from convlab.exercises.rules import ForbiddenCall, Rule, obeying

    space = {"torch": torch, "nnf": nnf}
    exec(_ESCAPES[escape], space)  # noqa: S102 - a learner's answer, as a kernel would run it
    with pytest.raises(ForbiddenCall, match="rule broken: no conv2d — your code used convolution"):
        with obeying(Rule("no conv2d", ops=("convolution",)), space["corr"]):
            space["corr"](torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 2, 2))
    assert torch._C._len_torch_dispatch_stack() == 0  # the trace is gone after the block


def test_missing_name_and_stub_are_not_attempted():
    assert run_check("98.1", {}).status == "not attempted"

    def stub(x):
        raise NotImplementedError("Exercise 98.1: replace this line with your answer")

    assert run_check("98.1", {"double": stub}).status == "not attempted"


def test_error_names_the_exception():
    result = run_check("98.1", {"double": lambda x: 1 / x})
    assert result.status == "error"
    assert result.feedback.startswith("ZeroDivisionError")


def test_check_displays_one_line_and_never_raises(capsys):
    check("98.1")  # answers are looked up in the caller's globals: no `double` here

    check("no.such")
    check(42)
    out = capsys.readouterr().out
    assert "⏳ Exercise 98.1 not attempted" in out
    assert "💥" in out and "no.such" in out


def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(ValueError, match="no exercise"):
        get_exercise("97.5")
    with pytest.raises(ValueError, match="look like"):
        get_exercise("one")


def test_expect_helpers_fail_with_messages():
    import torch

    with pytest.raises(CheckFailed, match="should be an integer"):
        expect_equal(2.0, 2, "the count")
    with pytest.raises(CheckFailed, match="wrong shape"):
        expect_shape(torch.zeros(2, 3), (3, 2), "the output")
    with pytest.raises(CheckFailed, match="not right"):
        expect_close(torch.ones(2), torch.zeros(2), "the output")
    expect_close(torch.ones(2) + 1e-7, torch.ones(2), "the output")
    expect_close(0.1 + 0.2, 0.3, "the sum")
