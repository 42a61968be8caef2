"""The book builds from a clean output folder with no warning, and every page is there."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """A clean ``jupyter-book build . -W --keep-going`` into a fresh folder (notebooks executed)."""
    out = tmp_path_factory.mktemp("book")
    command = [Path(sys.executable).with_name("jupyter-book"), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    print(f"clean book build: {seconds:.0f} s")
    log = run.stdout + run.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert run.returncode == 0 and not warnings, "\n".join(warnings) or log[-3000:]
    return out / "_build" / "html"


def test_every_toc_entry_has_a_page(built_book):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    missing = [f for f in files if not (built_book / f"{f}.html").is_file()]
    assert missing == []
    assert (built_book / "index.html").is_file()


def test_pages_show_fresh_outputs_and_no_errors(built_book):
    for page in sorted((built_book / "chapters").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in html or "raises-exception" in html, page.name
        assert "This page is being written" not in html, f"{page.name} is a placeholder"
