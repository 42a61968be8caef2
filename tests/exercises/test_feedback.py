"""Every exercise, checked in-process on its notebook's namespace (no kernel): the solution
passes (public and hidden cases), the stub is "not attempted", each plausible wrong answer
fails with its diagnosis and without the expected value, a broken rule is refused with the rule
named, and an answer that only copies the public cases' results fails the hidden cases."""

from __future__ import annotations

import functools
import inspect
import json

import numpy as np
import pytest
import torch

from convlab.exercises.checking import grading as grading_mode
from convlab.exercises.checking import recording_secrets, run_check
from tests import grading_helpers as nb
from tests.exercises.notebook_namespace import exercise_ids, namespace, run_source

NAMES = nb.names()
EXERCISES = [(name, ex) for name in NAMES for ex in exercise_ids(name)]
WRONG = [
    (name, ex, index)
    for name in NAMES
    for ex, items in nb.wrong_answer_list(name).items()
    for index in range(len(items))
]
BREAKERS = [(name, ex) for name in NAMES for ex in nb.rule_breakers(name)]


@functools.cache
def _solved(name: str) -> dict:
    return namespace(name, solved=True)


@pytest.fixture(params=[False, True], ids=["notebook", "grading"])
def grading(request):
    """The checks as in a notebook (public cases), or as the grader runs them (hidden cases too,
    from the checks' fixed seeds, so that a failure can be repeated)."""
    if request.param:
        with grading_mode(fresh=False):
            yield True
    else:
        yield False


def _ids(params):
    return "-".join(str(p) for p in params)


@pytest.mark.parametrize(("name", "exercise_id"), EXERCISES, ids=[e for _, e in EXERCISES])
def test_solution_passes(name, exercise_id, grading):
    result = run_check(exercise_id, dict(_solved(name)))
    assert result.status == "passed", result.feedback
    assert result.points == result.max_points > 0


@pytest.mark.parametrize(("name", "exercise_id"), EXERCISES, ids=[e for _, e in EXERCISES])
def test_stub_is_not_attempted(name, exercise_id):
    result = run_check(exercise_id, namespace(name, solved=False))
    assert result.status == "not attempted", result.feedback


def test_every_exercise_has_wrong_answers():
    for name in NAMES:
        assert set(nb.wrong_answer_list(name)) == set(exercise_ids(name)), name


def renderings(value) -> list[str]:
    """Ways an expected value could be written in feedback, distinctive enough to search for."""
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    if isinstance(value, torch.Tensor):
        if value.numel() == 1:
            return renderings(value.item())
        if value.numel() > 64:
            return []
        numbers = value.detach().to(torch.float64).numpy()
        texts = [str(numbers.round(4).tolist())]
        if np.all(numbers == numbers.round()):
            texts.append(str(numbers.astype(int).tolist()))
        return texts
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, (int, np.integer)):
        return [str(int(value)), f"{int(value):,}"] if abs(int(value)) >= 100 else []
    if isinstance(value, (float, np.floating)):
        return renderings(int(value)) if float(value).is_integer() else [f"{value:.4g}", repr(float(value))]
    if isinstance(value, (tuple, list, torch.Size)):
        items = list(value)
        if len(items) < 2:
            return [text for item in items for text in renderings(item)]
        return [str(tuple(items)), str(items), ", ".join(map(str, items))]
    if isinstance(value, dict):
        return [str(value)] if len(value) > 1 else []
    if isinstance(value, (set, frozenset)):
        return [str(value), str(sorted(value))] if len(value) > 1 else []
    if isinstance(value, str):
        return [value] if len(value) > 3 else []
    return []


def assert_reveals_nothing(result, secrets):
    shown = result.line() + "\n" + json.dumps(result.feedback, ensure_ascii=False)
    for value in secrets:
        for text in renderings(value):
            assert text not in shown, f"the feedback shows the expected {text!r}: {result.feedback}"


@pytest.mark.parametrize(("name", "exercise_id", "index"), WRONG, ids=[_ids(w[1:]) for w in WRONG])
def test_wrong_answer_is_diagnosed_without_the_answer(name, exercise_id, index, grading):
    source, diagnosis = nb.wrong_answer_list(name)[exercise_id][index]
    space = dict(_solved(name))
    run_source(source, space)
    with recording_secrets() as secrets:
        result = run_check(exercise_id, space)
    assert result.status == "failed", (result.status, result.feedback)
    assert "Traceback" not in result.feedback and 10 < len(result.feedback) < 400, result.feedback
    if diagnosis is not None:
        assert diagnosis in result.feedback, result.feedback
    assert secrets, "the check compared against no expected value: mark it with secret()"
    assert_reveals_nothing(result, secrets)


@pytest.mark.parametrize(("name", "exercise_id"), EXERCISES, ids=[e for _, e in EXERCISES])
def test_every_enforced_rule_has_a_rule_breaker_in_the_tests(name, exercise_id, monkeypatch):
    from convlab.exercises.rules import recording_rules

    with grading_mode(fresh=False), recording_rules() as rules:
        assert run_check(exercise_id, dict(_solved(name))).status == "passed"
    assert bool(rules) == (exercise_id in nb.rule_breakers(name)), (
        f"{exercise_id} enforces {set(rules)}: add an answer that breaks it to RULE_BREAKERS in tests/wrong_answers"
        if rules else f"{exercise_id} has a rule breaker but its check enforces no rule"
    )


@pytest.mark.parametrize(("name", "exercise_id"), BREAKERS, ids=[b[1] for b in BREAKERS])
def test_broken_rule_is_refused_and_named(name, exercise_id, grading):
    space = dict(_solved(name))
    run_source(nb.rule_breakers(name)[exercise_id], space)
    result = run_check(exercise_id, space)
    assert result.status == "failed" and "rule broken" in result.feedback, result.feedback


def _key(args) -> str:
    def one(value):
        if isinstance(value, torch.Tensor):
            return ("tensor", tuple(value.shape), value.detach().double().numpy().round(6).tobytes())
        if isinstance(value, np.ndarray):
            return ("array", value.shape, str(value.dtype), value.tobytes())
        return repr(value)

    return repr([one(a) for a in args])


class Copier:
    """An answer that learnt the public cases' results by heart: it returns the recorded result for
    an input it has seen, and the first recorded result (a copied number) for any other."""

    def __init__(self, solution):
        self.solution, self.seen, self.learning = solution, {}, True

    def __call__(self, *args, **kwargs):
        key = _key(args)
        if self.learning:
            self.seen.setdefault(key, self.solution(*args, **kwargs))
        if key in self.seen:
            return self.seen[key]
        return next(iter(self.seen.values()))


# Function answers whose result cannot be learnt from the public cases' inputs.
NOTHING_TO_COPY = {
    "9.1": "lenet5() takes no input: there is no other input to copy a result to",
    "9.3": "train_step acts on the model it is given: its result is not a function of the arguments",
}

FUNCTION_EXERCISES = [(name, ex) for name, ex in EXERCISES]


@pytest.mark.parametrize(("name", "exercise_id"), FUNCTION_EXERCISES, ids=[e for _, e in FUNCTION_EXERCISES])
def test_copied_public_results_fail_the_hidden_cases(name, exercise_id, monkeypatch):
    from convlab.exercises.checking import get_exercise

    if exercise_id in NOTHING_TO_COPY:
        pytest.skip(NOTHING_TO_COPY[exercise_id])
    answers = get_exercise(exercise_id).answers
    space = dict(_solved(name))
    functions = [answer for answer in answers if inspect.isfunction(space[answer])]
    if not functions:
        pytest.skip("not a function answer: its hidden-case defence is asking it as a function")
    copiers = {answer: Copier(space[answer]) for answer in functions}
    space.update(copiers)
    assert run_check(exercise_id, space).status == "passed"  # it learnt the notebook's cases
    for copier in copiers.values():
        copier.learning = False
    with grading_mode():  # fresh hidden cases, as when graded
        result = run_check(exercise_id, space)
    assert result.status == "failed" and "hidden case" in result.feedback, result.feedback
