"""Every picture test starts with no open figure: a figure left open by one test must not be
counted against the next one (pyplot's figure list is global to the worker process)."""

import pytest
from matplotlib import pyplot as plt


@pytest.fixture(autouse=True)
def no_open_figures():
    plt.close("all")
    yield
    plt.close("all")
