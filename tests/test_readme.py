"""The README's commands and rules table stay true."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

README = (ROOT / "README.md").read_text()
TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e '.[dev,verify]' && .venv/bin/python -m pytest -q"


def test_ci_runs_the_readme_test_command():
    assert TEST_COMMAND in README
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert TEST_COMMAND in ci


def test_readme_rules_table_is_the_registry():
    table = subprocess.run(
        [sys.executable, "-m", "cdkfix", "rules", "--format", "markdown"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert table in README
