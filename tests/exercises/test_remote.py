"""The trust boundary without a kernel: the harness serves requests in this process, on a
notebook's namespace, and the checks judge the plain data it sends back.

Every plausible wrong answer fails with the diagnosis it gets when checked directly,
and every rule breaker is caught (the solutions pass through a real kernel in
tests/graded_solutions/); what crosses the boundary is only data (lying
numbers arrive as their value, objects of unknown types as opaque stand-ins).
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest
import torch
from torch import nn

from convlab.exercises import harness
from convlab.exercises.checking import get_exercise, grading
from convlab.exercises.judge import judge
from convlab.exercises.remote import Opaque
from tests import grading_helpers as nb
from tests.exercises.notebook_namespace import namespace, run_source

NAMES = nb.names()
BREAKERS = [(name, ex) for name in NAMES for ex in nb.rule_breakers(name)]
WRONG = [(name, ex, i) for name in NAMES for ex, items in nb.wrong_answer_list(name).items() for i in range(len(items))]


def kernel(space: dict):
    """``ask(request) -> reply`` answered by the harness on ``space``, as in a learner's kernel:
    the request and the reply go through JSON, as they do between the processes."""

    def ask(request: dict) -> dict:
        published = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("IPython.display.publish_display_data", published.append)
            harness.serve(json.dumps({**request, "nonce": "n"}), space)
        (reply,) = published
        return json.loads(json.dumps(reply[harness.MIME]))

    return ask


@functools.cache
def _solved(name: str) -> dict:
    return namespace(name, solved=True)




@pytest.mark.parametrize(("name", "exercise_id"), BREAKERS, ids=[b[1] for b in BREAKERS])
def test_a_broken_rule_is_caught_across_the_boundary(name, exercise_id):
    """The kernel traces the call and sends the operators back; the grader reads the cell's text."""
    source = nb.rule_breakers(name)[exercise_id]
    space = dict(_solved(name))
    run_source(source, space)
    answers = get_exercise(exercise_id).answers
    with grading(fresh=False):
        status, feedback = judge(exercise_id, kernel(space), {answer: source for answer in answers})
    assert status == "failed" and "rule broken" in feedback, feedback


@pytest.mark.parametrize(("name", "exercise_id", "index"), WRONG, ids=["-".join(map(str, w[1:])) for w in WRONG])
def test_a_wrong_answer_gets_the_same_diagnosis_across_the_boundary(name, exercise_id, index):
    source, diagnosis = nb.wrong_answer_list(name)[exercise_id][index]
    space = dict(_solved(name))
    run_source(source, space)
    with grading(fresh=False):
        status, feedback = judge(exercise_id, kernel(space))
    assert status == "failed" and (diagnosis or "") in feedback, feedback  # as tests/exercises/test_feedback.py


def test_only_plain_data_crosses():
    class Liar(int):
        def __eq__(self, other):
            return True

    class Always:
        def __eq__(self, other):
            return True

    class Shady(torch.Tensor):
        def __eq__(self, other):
            return True

    sent = {"n": Liar(3), "obj": Always(), "t": torch.ones(2).as_subclass(Shady), "a": np.arange(3, dtype=np.uint8),
            "size": torch.Size([2, 3]), "nested": [(1, 2.5), {"k": None}], "nan": float("nan")}
    back = harness.decode(json.loads(json.dumps(harness.encode(sent))), lambda data: Opaque(data["type"]))
    assert type(back["n"]) is int and back["n"] == 3
    assert isinstance(back["obj"], Opaque) and back["obj"] != back["obj"].__class__("Always")
    assert type(back["t"]) is torch.Tensor and torch.equal(back["t"], torch.ones(2))
    assert back["a"].dtype == np.uint8 and back["size"] == torch.Size([2, 3])
    assert back["nested"] == [(1, 2.5), {"k": None}] and back["nan"] != back["nan"]


def test_a_module_of_standard_layers_is_rebuilt_from_its_description():
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(32, 4))
    rebuilt = harness.decode(json.loads(json.dumps(harness.encode(model))))
    x = torch.randn(2, 1, 4, 4)
    assert type(rebuilt) is nn.Sequential and [type(m) for m in rebuilt] == [type(m) for m in model]
    assert torch.equal(rebuilt(x), model(x))


def test_a_module_of_ones_own_class_stays_in_the_kernel():
    class Doubler(nn.Module):
        def forward(self, x):
            return 2 * x

    handles: dict = {}
    data = harness.encode(Doubler(), handles)
    assert data["t"] == "handle" and data["kind"] == "module" and handles[data["h"]].__class__ is Doubler
