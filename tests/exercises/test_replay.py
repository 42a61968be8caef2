"""Replaying recorded public cases (the instructor's release): plain data, tolerance, salted hashes
(convlab.exercises.plain), and feedback that diagnoses a known mistake but never shows the expected value."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from convlab.exercises import plain, replay
from convlab.exercises.checking import _checks_left_out

SALT = "test-salt"


def test_plain_data_round_trips_with_dtype_and_shape():
    value = (3, 2.5, None, [torch.arange(6, dtype=torch.int64).reshape(2, 3)], {"a": np.ones((2, 1), np.float32)})
    back = plain.from_plain(plain.to_plain(value))
    assert back[:3] == (3, 2.5, None) and isinstance(back, tuple)
    assert back[3][0].dtype == torch.int64 and torch.equal(back[3][0], value[3][0])
    assert back[4]["a"].dtype == np.float32 and back[4]["a"].shape == (2, 1)
    with pytest.raises(plain.NotPlain, match="SGD"):
        plain.to_plain(torch.optim.SGD([nn.Parameter(torch.ones(1))], lr=0.1))


def test_a_layer_is_its_configuration_and_weights_a_model_its_layers_and_shapes():
    layer = nn.Conv2d(2, 3, (3, 1), stride=2, bias=False)
    back = plain.from_plain(plain.to_plain(layer))
    assert isinstance(back, nn.Conv2d) and repr(back) == repr(layer) and torch.equal(back.weight, layer.weight)
    assert plain.matches(layer, back) and not plain.matches(nn.Conv2d(2, 3, (3, 1), stride=2, bias=False), back)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten())
    recorded = plain.from_plain(plain.to_plain(model))
    assert isinstance(recorded, plain.RecordedModule) and recorded.state["0.weight"] == (2, 1, 3, 3)
    assert plain.matches(nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten()), recorded)
    assert not plain.matches(nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten()), recorded)


def test_integers_match_exactly_floats_within_tolerance():
    assert plain.matches(10**12 + 10**6, 10**12 + 10**6) and not plain.matches(10**12, 10**12 + 1)
    assert plain.matches(78500.0, 78500) and not plain.matches(True, 1)
    assert plain.matches(0.30000001, 0.3) and not plain.matches(0.31, 0.3)
    assert plain.matches([1, (2, 3)], (1, [2, 3])) and plain.matches(torch.Size([2, 3]), (2, 3))
    assert plain.matches(torch.tensor([[1.0, 2.0]]), [[1, 2]]) and not plain.matches(torch.ones(2), torch.ones(3))
    assert plain.matches({"a": None}, {"a": None}) and not plain.matches({"a": 1}, {"b": 1})
    assert plain.matches(torch.ones(2), torch.ones(2, dtype=torch.float64))
    assert not plain.matches(torch.ones(2), torch.ones(2, dtype=torch.float64), same_dtype=True)


def test_a_value_is_hashed_after_rounding_and_salted():
    ints, floats = torch.tensor([[3, -2], [6, 3]]), [[3.00001, -2.0], [6.0, 3.0]]
    assert plain.canonical_hash((ints,), SALT, "2.1") == plain.canonical_hash((floats,), SALT, "2.1")
    assert plain.canonical_hash((ints,), SALT, "2.1") != plain.canonical_hash((ints,), "other", "2.1")
    assert plain.canonical_hash((ints,), SALT, "2.1") != plain.canonical_hash((ints + 1,), SALT, "2.1")
    assert plain.canonical_hash(((2, (2, 1)),), SALT, "4.4") == plain.canonical_hash(([2, [2, 1]],), SALT, "4.4")
    assert plain.canonical_hash((torch.tensor(3),), SALT, "x") == plain.canonical_hash((3.0,), SALT, "x")


def _calls_record(kind="calls"):
    call = {"answer": 0, "args": plain.to_plain([28, 28, 1, 100]), "kwargs": plain.to_plain({}), "output": 78500}
    return {"salt": SALT, "exercises": {"1.1": {
        "kind": kind, "answers": ["fc_params"], "calls": [call], "hint": "count the biases", "reason": "a test",
        "wrong": [{"diverges": 0, "outputs": [78400], "feedback": "fc_params(…) is wrong: you left out the biases"}],
    }}}


@pytest.mark.parametrize(("answer", "status", "words"), [
    (lambda h, w, c, n: h * w * c * n + n, "passed", "parameters of a fully-connected layer"),
    (lambda h, w, c, n: h * w * c * n, "failed", "you left out the biases"),
    (lambda h, w, c, n: 5, "failed", "fc_params(28, 28, 1, 100) returned 5, which does not match the course's answer "
                                     "— Hint: count the biases"),
    (lambda h, w, c, n: 1 / 0, "error", "ZeroDivisionError"),
    (lambda *args: (_ for _ in ()).throw(NotImplementedError), "not attempted", "replace the stub"),
    (7, "failed", "fc_params should be a function"),
])
def test_a_function_answer_is_replayed_on_the_recorded_calls(answer, status, words):
    result = replay.replay("1.1", {"fc_params": answer}, _calls_record())
    assert (result.status, words in result.feedback) == (status, True), result.feedback
    assert "78500" not in result.feedback


def test_missing_answers_and_unrecorded_exercises_say_so():
    assert replay.replay("1.1", {}, _calls_record()).status == "not attempted"
    unchecked = replay.replay("1.1", {"fc_params": len}, _calls_record(kind="none"))
    assert unchecked.line().startswith("ℹ️ Exercise 1.1: this release has no instant feedback for it (a test)")
    assert replay.replay("1.1", {"fc_params": len}, {"salt": SALT, "exercises": {}}).status == "error"


def test_a_value_answer_is_known_only_by_its_hash():
    right, wrong = torch.tensor([[3, -2, 5], [6, 3, 4]]), torch.tensor([[1, 0, 1], [6, 3, 4]])
    data = {"salt": SALT, "exercises": {"2.1": {
        "kind": "values", "answers": ["hand_output"], "hint": "slide the kernel",
        "solution": plain.canonical_hash((right,), SALT, "2.1"),
        "wrong": {plain.canonical_hash((wrong,), SALT, "2.1"): "hand_output is not right: the kernel is flipped"},
    }}}
    assert replay.replay("2.1", {"hand_output": right.double()}, data).status == "passed"
    assert replay.replay("2.1", {"hand_output": wrong}, data).feedback.endswith("the kernel is flipped")
    other = replay.replay("2.1", {"hand_output": right + 1}, data)
    assert other.status == "failed" and other.feedback.endswith("Hint: slide the kernel")
    assert "[3, -2, 5]" not in str(data)


def test_the_full_course_runs_its_real_checks():
    assert not _checks_left_out("1.1") and not _checks_left_out("97.1") and not _checks_left_out(1.1)
