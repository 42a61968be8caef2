"""convlab.threads: one CPU thread inside, the number of threads as before afterwards."""

import pytest
import torch

from convlab.threads import one_cpu_thread


def test_one_thread_inside_and_as_many_as_before_after_even_on_an_error():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        with pytest.raises(RuntimeError), one_cpu_thread():
            assert torch.get_num_threads() == 1
            raise RuntimeError("a learner's answer failed")
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_as_a_decorator_each_call_is_pinned_and_keeps_the_name():
    @one_cpu_thread()
    def threads_inside(answer):
        """A check."""
        return torch.get_num_threads(), answer

    before = torch.get_num_threads()
    assert threads_inside("a") == (1, "a") and threads_inside("b") == (1, "b")
    assert torch.get_num_threads() == before and threads_inside.__name__ == "threads_inside"
