"""tests/kernel_env.py: a folder's kernels get their variables, and the worker gets its own back."""

import os

from tests.kernel_env import KernelEnvironment, kernel_environment_hooks


def test_apply_then_restore_leaves_the_environment_as_it_was(monkeypatch):
    monkeypatch.setenv("CONVLAB_TEST_SET", "before")
    monkeypatch.delenv("CONVLAB_TEST_UNSET", raising=False)
    environment = KernelEnvironment({"CONVLAB_TEST_SET": "during", "CONVLAB_TEST_UNSET": "during"})
    for _cell in range(2):  # once per cell: the second apply must not save "during" as the original
        environment.apply()
        environment.apply()
        assert os.environ["CONVLAB_TEST_SET"] == os.environ["CONVLAB_TEST_UNSET"] == "during"
        environment.restore()
        assert os.environ["CONVLAB_TEST_SET"] == "before" and "CONVLAB_TEST_UNSET" not in os.environ


def test_the_conftest_hooks_set_before_the_test_and_restore_after(monkeypatch):
    monkeypatch.delenv("CONVLAB_TEST_UNSET", raising=False)
    setup, teardown = kernel_environment_hooks({"CONVLAB_TEST_UNSET": "on"})
    setup(None)
    assert os.environ["CONVLAB_TEST_UNSET"] == "on"
    teardown(None, None)
    assert "CONVLAB_TEST_UNSET" not in os.environ
