"""The grader takes one reply per request: display data of the harness's type with this
request's nonce. A missing, a forged (wrong nonce) or a doubled reply is no reply. No kernel."""

import re

import pytest

from convlab.course.grading.kernel import MIME, KernelChannel, Unanswered
from convlab.exercises import harness


class FakeClient:
    """Executes a request cell by publishing ``replies(nonce)`` as display data."""

    timeout = 60

    def __init__(self, replies):
        self.replies = replies

    def execute_cell(self, cell, index, store_history=True):
        nonce = re.search(r'"nonce": "([0-9a-f]+)"', cell.source)
        cell.outputs = [{"output_type": "display_data", "data": {MIME: reply}, "metadata": {}}
                        for reply in self.replies(nonce.group(1) if nonce else None)]


def channel(replies) -> KernelChannel:
    made = KernelChannel(FakeClient(replies), wait_until_idle=lambda client: None)
    made.started = True
    return made


def test_the_reply_with_the_nonce_counts():
    assert channel(lambda nonce: [{"nonce": "forged", "value": 1}, {"nonce": nonce, "value": 2}]).ask({})["value"] == 2


@pytest.mark.parametrize("replies", [lambda nonce: [], lambda nonce: [{"nonce": "forged"}],
                                     lambda nonce: [{"nonce": nonce, "v": 1}, {"nonce": nonce, "v": 2}]],
                         ids=["none", "forged", "two"])
def test_no_clear_reply_is_an_error(replies):
    with pytest.raises(Unanswered) as problem:
        channel(replies).ask({})
    assert problem.value.status == "error" and "no clear reply" in problem.value.feedback


def test_the_harness_and_the_grader_agree_on_the_reply_type():
    assert harness.MIME == MIME
