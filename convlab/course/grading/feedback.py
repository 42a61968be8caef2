"""Feedback to hand back: one self-contained HTML page per learner, ``<out>/feedback/<learner>.html``.

Each notebook gets a heading and a table (with a caption) of its exercises: status, points and
the grader's message, like nbgrader's ``generate_feedback``. The page needs nothing from the
course (no scripts, no external style sheet); a status is always written as a word, never only
as a colour. Everything that comes from a submission — learner names, file names, messages that
quote the learner's code or output — is escaped, so a learner's output cannot add markup.
"""

from __future__ import annotations

import html
from pathlib import Path

FOLDER = "feedback"

_STYLE = """
body { font-family: system-ui, sans-serif; line-height: 1.5; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; background: #fff; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #767676; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
td.points { white-space: nowrap; text-align: right; }
.status { font-weight: bold; white-space: nowrap; }
.passed { color: #0a5c2b; } .failed, .error, .timed-out { color: #8f1d14; } .not-attempted { color: #5c4500; }
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _points(value: float) -> str:
    return f"{value:g}"


def learner_page(learner) -> str:
    """The feedback page of one :class:`~convlab.course.grading.classroom.LearnerResult`, as HTML text."""
    score = sum(nb.score for nb in learner.notebooks)
    maximum = sum(nb.max_score for nb in learner.notebooks)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Feedback for {_e(learner.learner)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>Feedback for {_e(learner.learner)}</h1>",
        f"<p>Total: <strong>{_points(score)} of {_points(maximum)} points</strong> over "
        f"{len(learner.notebooks)} notebook{'s' if len(learner.notebooks) != 1 else ''}.</p>",
    ]
    if not learner.notebooks:
        parts.append("<p>No exercise notebooks were found in this folder.</p>")
    for notebook in learner.notebooks:
        parts += _notebook_section(notebook)
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _notebook_section(notebook) -> list[str]:
    name = Path(notebook.path).name
    parts = ["<section>", f"<h2>{_e(name)}</h2>"]
    if notebook.problem:
        parts.append(f"<p><strong>Note:</strong> {_e(notebook.problem)}</p>")
    parts += [
        "<table>",
        f"<caption>{_e(name)}: {_points(notebook.score)} of {_points(notebook.max_score)} points</caption>",
        '<thead><tr><th scope="col">Exercise</th><th scope="col">Status</th><th scope="col">Points</th>'
        '<th scope="col">Feedback</th></tr></thead>',
        "<tbody>",
    ]
    for ex in notebook.exercises:
        css = _e(ex.status.replace(" ", "-"))
        parts.append(
            f'<tr><th scope="row">{_e(ex.id)}</th><td class="status {css}">{_e(ex.status)}</td>'
            f'<td class="points">{_points(ex.points)} / {_points(ex.max_points)}</td><td>{_e(ex.feedback)}</td></tr>'
        )
    parts += ["</tbody>", "</table>", "</section>"]
    return parts


def write(learners, out_dir: Path) -> list[Path]:
    """Write every learner's page into ``out_dir/feedback/`` (one file each); return their paths."""
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for learner in learners:
        path = folder / f"{learner.learner}.html"
        path.write_text(learner_page(learner), encoding="utf-8")
        written.append(path)
    return written
