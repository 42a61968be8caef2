"""Feedback pages handed back to learners: self-contained, accessible, and a learner's text stays text."""

from html.parser import HTMLParser

from convlab.course.grading import feedback
from convlab.course.grading.classroom import LearnerResult
from convlab.course.grading.report import ExerciseResult, NotebookResult

INJECTION = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes" \'too\''


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text, of a page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def names(self) -> list[str]:
        return [tag for tag, _ in self.tags]


def learner(name: str = "alice", message: str = "try a smaller kernel") -> LearnerResult:
    notebook = NotebookResult(
        f"/class/{name}/01-why-not-fully-connected.ipynb",
        [
            ExerciseResult("1.1", "passed", 1.0, 1.0, "correct"),
            ExerciseResult("1.2", "failed", 0.0, 2.0, message),
            ExerciseResult("1.3", "not attempted", 0.0, 1.0, "the answer cell still raises NotImplementedError"),
        ],
        problem="",
    )
    return LearnerResult(name, [notebook])


def test_a_page_has_headings_a_captioned_table_and_every_status_in_words():
    page = feedback.learner_page(learner())
    elements = Elements(page)
    names = elements.names()
    assert names[:2] == ["html", "head"] and ("html", {"lang": "en"}) in elements.tags
    assert names.count("h1") == 1 and names.count("h2") == 1 and names.count("caption") == 1
    assert ("th", {"scope": "col"}) in elements.tags and ("th", {"scope": "row"}) in elements.tags
    text = " ".join(elements.text)
    for word in ("passed", "failed", "not attempted", "1 of 4 points", "try a smaller kernel", "1 / 1", "0 / 2"):
        assert word in text, word
    assert not {"script", "link", "img", "iframe"} & set(names)  # nothing to fetch, nothing to run
    assert "http" not in page


def test_text_from_a_submission_cannot_add_markup():
    page = feedback.learner_page(learner(name=INJECTION, message=INJECTION))
    elements = Elements(page)
    assert not {"script", "img"} & set(elements.names())
    assert all(not any(name.startswith("on") for name in attrs) for _, attrs in elements.tags)
    assert INJECTION in "".join(elements.text)  # shown as the text it is


def test_a_problem_with_the_notebook_is_shown_escaped():
    result = learner()
    result.notebooks[0].problem = "graded as <b>02-convolution-operation</b>"
    page = feedback.learner_page(result)
    assert "Note:" in page and "&lt;b&gt;02-convolution-operation&lt;/b&gt;" in page


def test_every_learner_gets_a_page(tmp_path):
    learners = [learner("alice"), learner("bob"), LearnerResult("carol", [])]
    written = feedback.write(learners, tmp_path)
    assert [path.name for path in written] == ["alice.html", "bob.html", "carol.html"]
    assert all(path.parent == tmp_path / "feedback" for path in written)
    assert "No exercise notebooks were found" in written[2].read_text(encoding="utf-8")
