"""`cdkfix apply --interactive`: a diff per fix, accept / skip / quit, only accepted fixes written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdkfix.cli import app
from cdkfix.config import RunConfig
from cdkfix.interactive import write_accepted
from cdkfix.run import run
from rulekit import BucketAutoDelete, BucketSsl

SOURCE = """\
from aws_cdk import aws_s3 as s3, aws_ecs as ecs

bucket = s3.Bucket(self, "B")
cluster = ecs.Cluster(self, "C")
"""
SSL = 'bucket = s3.Bucket(self, "B", enforce_ssl=True)'
INSIGHTS = 'cluster = ecs.Cluster(self, "C", container_insights_v2=ecs.ContainerInsights.ENABLED)'


@pytest.fixture
def project(tmp_path, monkeypatch, test_rules):
    monkeypatch.chdir(tmp_path)
    Path("stack.py").write_text(SOURCE)
    return tmp_path


def interact(answers: str, *args: str):
    return CliRunner().invoke(app, ["apply", "--interactive", "stack.py", "--select", "TEST-S1,B12", *args], input=answers)


def test_accept_one_skip_the_other(project):
    result = interact("a\ns\n")
    assert result.exit_code == 0, result.output
    text = Path("stack.py").read_text()
    assert SSL in text and "container_insights" not in text
    # Each fix was shown as its own diff, with its place and safety, before the question.
    out = result.stdout
    assert "[1/2] stack.py:3: TEST-S1 Bucket Without SSL Enforcement (safe fix)" in out
    assert "[2/2] stack.py:4: CDK-B12 ECS Cluster Without Container Insights (safe fix)" in out
    first, second = out.split("[2/2]")
    assert '-bucket = s3.Bucket(self, "B")\n+' + SSL in first and "container_insights" not in first
    assert "+" + INSIGHTS in second
    assert out.count("Apply this fix? [a]ccept, [s]kip, [q]uit") == 2
    assert "1 fix applied in 1 file; 1 skipped" in result.stderr


def test_skip_one_accept_the_other(project):
    assert interact("skip\naccept\n").exit_code == 0
    text = Path("stack.py").read_text()
    assert INSIGHTS in text and "enforce_ssl" not in text


def test_quit_writes_what_was_accepted_and_asks_no_more(project):
    result = interact("a\nq\n")
    assert result.exit_code == 0
    assert SSL in Path("stack.py").read_text() and "container_insights" not in Path("stack.py").read_text()
    assert "1 skipped" in result.stderr


def test_quit_first_writes_nothing(project):
    result = interact("q\n")
    assert result.exit_code == 0
    assert Path("stack.py").read_text() == SOURCE
    assert result.stdout.count("Apply this fix?") == 1
    assert "0 fixes applied in 0 files; 2 skipped" in result.stderr


def test_end_of_input_is_quit(project):
    result = interact("a\n")
    assert result.exit_code == 0
    assert SSL in Path("stack.py").read_text()


def test_unclear_answer_is_asked_again(project):
    result = interact("maybe\na\na\n")
    assert "Please answer a (accept), s (skip) or q (quit)." in result.stdout
    assert SSL in Path("stack.py").read_text() and INSIGHTS in Path("stack.py").read_text()


def test_several_files(project):
    Path("other.py").write_text(SOURCE)
    result = CliRunner().invoke(app, ["apply", "-i", "stack.py", "other.py", "--select", "TEST-S1"], input="s\na\n")
    assert result.exit_code == 0
    # Asked in file order: other.py first (skipped), then stack.py (accepted).
    assert result.stdout.index("[1/2] other.py:3") < result.stdout.index("[2/2] stack.py:3")
    assert Path("other.py").read_text() == SOURCE
    assert SSL in Path("stack.py").read_text()


def test_unsafe_fixes_are_not_offered_without_unsafe_fixes(project):
    result = CliRunner().invoke(app, ["apply", "-i", "stack.py", "--select", "TEST-U1,TEST-S1"], input="a\n")
    assert result.stdout.count("Apply this fix?") == 1  # only the safe one
    assert result.exit_code == 1  # the unsafe one is held back
    with_unsafe = CliRunner().invoke(app, ["apply", "-i", "stack.py", "--select", "TEST-U1", "--unsafe-fixes"], input="a\n")
    assert "(unsafe fix)" in with_unsafe.stdout and with_unsafe.exit_code == 0
    assert "auto_delete_objects=True" in Path("stack.py").read_text()


def test_interactive_with_dry_run_or_other_format_is_a_usage_error(project):
    assert interact("", "--dry-run").exit_code == 2
    assert interact("", "--output-format", "json").exit_code == 2
    assert Path("stack.py").read_text() == SOURCE


def test_a_file_changed_while_choosing_is_not_written(project):
    config = RunConfig(rules=(BucketSsl, BucketAutoDelete), fix_hunks=True)
    outcome = run(["stack.py"], config)
    Path("stack.py").write_text(SOURCE + "# edited meanwhile\n")
    written, errors = write_accepted(outcome, outcome.fixes, config)
    assert written == [] and "changed on disk while you chose" in errors[0].message
    assert Path("stack.py").read_text().endswith("# edited meanwhile\n")
