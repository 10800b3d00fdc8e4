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


def test_readme_installs_without_a_package_index():
    assert "pip install 'cdkfix[verify]'" not in README
    assert "pip wheel --no-deps -w dist ." in README and "git+https://" in README


def test_readme_verify_example_is_an_app_that_synthesizes():
    assert "cdkfix check --verify --unsafe-fixes examples/verify_app" in README and "without `--force`" in README
    assert (ROOT / "examples" / "verify_app" / "app.py").is_file()


def test_readme_names_the_node_versions_jsii_supports():
    assert "Node.js 22 and 24" in README


def test_readme_states_how_long_the_tests_take():
    import re

    assert re.search(r"\d+ min \d+ s", README)


def test_readme_documents_every_group():
    from cdkfix.registry import all_rules

    groups = {group for rule in all_rules() for group in rule.groups}
    assert groups == {"destroyable", "AwsSolutions", "cdk-nag-v3"}
    for group in groups:
        assert f"`{group}`" in README, group
