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


def test_rules_refuse_a_forbidden_call_even_when_the_learner_catches_it():
    import torch
    import torch.nn.functional as nnf

    from convlab.exercises.rules import ForbiddenCall, Rule, obeying

    def sneaky(x):
        try:
            return nnf.conv2d(x, x)
        except Exception:
            return x

    original = nnf.conv2d
    with pytest.raises(ForbiddenCall, match="rule broken: no conv2d"):
        with obeying(Rule("no conv2d", calls=("torch.nn.functional.conv2d", "torch.Tensor.unfold")), sneaky):
            sneaky(torch.zeros(1, 1, 2, 2))
    assert nnf.conv2d is original and "unfold" not in vars(torch.Tensor)  # put back as it was


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


def test_check_result_carries_metadata_for_the_grader():
    result = run_check("98.1", {"double": lambda x: 2 * x})
    data, metadata = result._repr_mimebundle_()
    assert data == {"text/plain": result.line()}
    assert metadata["convlab_check"]["status"] == "passed"


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
