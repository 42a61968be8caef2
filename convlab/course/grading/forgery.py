"""Spot answers that tamper with the checks, before trusting what the checks reported.

A check runs in the learner's kernel, so an answer cell can change what it reports: rebind
``check``, patch ``convlab.checking`` or ``convlab.exercises``, swap entries of ``sys.modules``,
hook IPython's output, or write the result metadata key itself. :func:`suspicious` reads a
cell's code (its syntax tree, without running it) and names what it touches; :func:`review`
marks every exercise checked after such a cell "needs review", with zero points, until an
instructor has looked.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from convlab.course.grading.assemble import Slot
from convlab.course.grading.report import ExerciseResult
from convlab.exercises.catalog import RESULT_KEY as _RESULT_KEY  # the catalog imports no torch

NEEDS_REVIEW = "needs review"
_CHECK_NAMES = {"check", "run_check", "get_exercise", "CheckResult", "_REGISTRY"}
_MODULES = ("convlab.checking", "convlab.exercises")
_HOOKS = {"events", "display_pub", "displayhook", "display_formatter", "ast_transformers", "input_transformers_post"}
_HARMLESS_IMPORT = {"check"}  # `from convlab.checking import check`, as the set-up cell does


def suspicious(source: str) -> list[str]:
    """What in ``source`` could forge a check's result; empty for ordinary answers."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # it cannot run either
    _link_parents(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        found.extend(_node_findings(node))
    return list(dict.fromkeys(found))


def _node_findings(node: ast.AST) -> list[str]:
    found = []
    if isinstance(node, ast.Name) and node.id in _CHECK_NAMES and isinstance(node.ctx, ast.Store | ast.Del):
        found.append(f"rebinds `{node.id}`")
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name in _CHECK_NAMES:
        found.append(f"redefines `{node.name}`")
    elif isinstance(node, ast.Global | ast.Nonlocal) and _CHECK_NAMES & set(node.names):
        found.append("declares `check` global")
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.startswith(_MODULES) or alias.name == "convlab" and alias.asname:
                found.append(f"imports {alias.name}")
            if (alias.asname or "") in _CHECK_NAMES:
                found.append(f"rebinds `{alias.asname}`")
    elif isinstance(node, ast.ImportFrom):
        module = node.module or ""
        names = {alias.name for alias in node.names}
        if module.startswith(_MODULES) and not names <= _HARMLESS_IMPORT:
            found.append(f"imports from {module}")
        if module == "convlab" and names & {"checking", "exercises"}:
            found.append("imports convlab.checking or convlab.exercises")
        if any((alias.asname or alias.name) in _CHECK_NAMES - _HARMLESS_IMPORT for alias in node.names):
            found.append("rebinds a checking name")
        if any(alias.asname == "check" for alias in node.names if alias.name != "check"):
            found.append("rebinds `check`")
    elif isinstance(node, ast.Attribute):
        if node.attr == "modules" and isinstance(node.value, ast.Name) and node.value.id == "sys":
            found.append("touches sys.modules")
        elif node.attr in ("checking", "exercises") and isinstance(node.value, ast.Name) and node.value.id == "convlab":
            found.append(f"touches convlab.{node.attr}")
        elif node.attr in _HOOKS:
            found.append(f"hooks IPython's `{node.attr}`")
        elif node.attr in _CHECK_NAMES and isinstance(node.ctx, ast.Store | ast.Del):
            found.append(f"replaces `.{node.attr}`")
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        if _RESULT_KEY in node.value:
            found.append(f"writes the result key `{_RESULT_KEY}`")
        elif any(module in node.value for module in _MODULES) or node.value in _CHECK_NAMES - {"check"}:
            found.append(f"names {node.value!r}")
        elif node.value == "check" and _is_namespace_key(node):
            found.append("rebinds `check` by name")
    return found


def _is_namespace_key(node: ast.Constant) -> bool:
    """``globals()["check"] = …`` and ``setattr(…, "check", …)`` both carry a parent link we add."""
    parent = getattr(node, "_convlab_parent", None)
    return isinstance(parent, ast.Subscript | ast.Call)


def _link_parents(tree: ast.AST) -> None:
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            child._convlab_parent = parent


def review(slots: list[Slot], results: list[ExerciseResult]) -> list[ExerciseResult]:
    """Mark "needs review" each exercise whose check ran after a suspicious learner cell."""
    reasons: list[str] = []
    flagged: dict[str, list[str]] = {}
    for slot in slots:
        if slot.role in ("answer", "extra"):
            reasons.extend(finding for finding in suspicious(slot.source) if finding not in reasons)
        elif slot.role == "check" and reasons and slot.exercise:
            flagged[slot.exercise] = list(reasons)
    return [_needs_review(result, flagged[result.id]) if result.id in flagged else result for result in results]


def _needs_review(result: ExerciseResult, reasons: list[str]) -> ExerciseResult:
    feedback = (
        f"an answer cell {'; '.join(reasons)}, which can change what the checks report: zero points until an "
        f"instructor has looked (the check said: {result.status})."
    )
    return replace(result, status=NEEDS_REVIEW, points=0.0, feedback=feedback)
