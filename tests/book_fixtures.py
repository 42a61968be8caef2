"""The built book and a browser, shared by every test module of the session (``pytest_plugins``
in tests/conftest.py): one build per test run, one Chromium per worker (Playwright allows one
sync session per process)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

from tests import browser

ROOT = Path(__file__).resolve().parent.parent


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [ch["file"] for part in toc["parts"] for ch in part["chapters"]]


def config_with_stored_outputs(folder: Path) -> Path:
    """``_config.yml`` with notebook execution off, written to ``folder``; returns its path.

    The suite's nbval pass already proves that every stored output equals a fresh run, so the
    book is built from the stored outputs instead of executing every notebook a second time.
    """
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["execute"]["execute_notebooks"] = "off"
    extensions = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in extensions.items():  # Jupyter Book resolves these next to the config file
        extensions[name] = str(ROOT / path)
    path = folder / "_config.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, worker_id) -> Path:
    """A clean ``jupyter-book build . -W -n --keep-going`` into a fresh folder, from the
    notebooks' stored outputs (see :func:`config_with_stored_outputs`).

    Made once per test run: the first xdist worker that asks builds it under a file lock, and
    any other worker (or module) that asks later gets the same build, or the same failure.
    For working on these tests only, ``CONVLAB_BUILT_BOOK=path/to/_build/html`` reuses a build.
    """
    if os.environ.get("CONVLAB_BUILT_BOOK"):
        return Path(os.environ["CONVLAB_BUILT_BOOK"])
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # the folder all workers of this run share
    out, verdict = shared / "book", shared / "book-verdict.txt"
    with FileLock(str(shared / "book.lock")):
        if not verdict.exists():
            verdict.write_text(_build_book(out, shared / "book-config"), encoding="utf-8")
    problems = verdict.read_text(encoding="utf-8")
    assert problems == "", problems
    return out / "_build" / "html"


def _build_book(out: Path, config_folder: Path) -> str:
    """Build the book into ``out``; return its warnings (or the log's end on failure), "" if clean."""
    config_folder.mkdir(parents=True, exist_ok=True)
    config = config_with_stored_outputs(config_folder)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [jupyter_book, "build", str(ROOT), "--path-output", str(out), "--config", str(config)]
    command += ["-W", "-n", "--keep-going"]
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, timeout=900)
    print(f"clean book build: {time.perf_counter() - start:.0f} s")
    log = run.stdout + run.stderr
    # Sphinx's warnings, not the kernels' own start-up chatter ("[IPKernelApp] WARNING | ...").
    warnings = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL):", line)]
    if run.returncode == 0 and not warnings:
        return ""
    return "\n".join(warnings) or log[-3000:]


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (Playwright allows one sync session at a time)."""
    if not Path(browser.CHROMIUM).exists():
        message = f"the browser tests need Chromium at {browser.CHROMIUM} (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it in .ci/run: a missing browser is a broken CI
        pytest.skip(message)
    with browser.browser() as running:
        yield running


@pytest.fixture(scope="session")
def phone_tab(chromium):
    """One tab at phone width for the tests that visit a page or two (a new tab per page costs
    Chromium a renderer's start); each visit is a fresh navigation (``browser.watching``)."""
    context = chromium.new_context(viewport=browser.PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def site(built_book, chromium):
    with browser.serve(built_book) as base:
        yield base, chromium
