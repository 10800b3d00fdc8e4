"""Findings without an automatic fix (ruff's "no fix available"): shown, counted as open, never written."""

from __future__ import annotations

import json

from cdkfix.rule import Example
from cdkfix.testing import check_example

SPLAT = '''from aws_cdk import aws_sqs as sqs


def build(self, props):
    return sqs.Queue(self, "Queue", **props)
'''


def test_check_lists_it_with_the_reason_and_exits_1(cli, test_rules, tmp_path):
    (tmp_path / "queue.py").write_text(SPLAT)
    code, out, err = cli("check", "--select", "TEST-N1", tmp_path)
    assert code == 1
    assert out.endswith(
        "queue.py:5:12: TEST-N1 Queue Options Unknown [no-fix]: queue built from a splat "
        "(its options come from `**` at run time)\n"
    )
    assert "1 finding without an automatic fix" in err


def test_apply_writes_nothing_and_keeps_exit_1(cli, test_rules, tmp_path):
    (tmp_path / "queue.py").write_text(SPLAT)
    code, out, err = cli("apply", "--select", "TEST-N1", "--report", tmp_path / "r.md", tmp_path)
    assert code == 1
    assert (tmp_path / "queue.py").read_text() == SPLAT
    report = (tmp_path / "r.md").read_text()
    assert "## Findings Without an Automatic Fix" in report
    assert "TEST-N1 queue built from a splat: its options come from `**` at run time" in report


def test_json_says_no_fix(cli, test_rules, tmp_path):
    (tmp_path / "queue.py").write_text(SPLAT)
    code, out, err = cli("check", "--select", "TEST-N1", "--output-format", "json", tmp_path)
    data = json.loads(out)
    fixes = data["fixes"] if isinstance(data, dict) else data
    assert [(fix["code"], fix["status"], fix["before"] == fix["after"]) for fix in fixes] == [("TEST-N1", "no-fix", True)]


def test_a_flagged_example_must_be_reported_without_a_fix(test_rules):
    from rulekit import QueueName, QueueSplat

    check_example(QueueSplat, Example(before=SPLAT, flagged=True))
    try:
        check_example(QueueName, Example(before=SPLAT.replace("**props", "queue_name='q'"), flagged=True))
    except AssertionError:
        pass
    else:
        raise AssertionError("a flagged example that nothing reports must fail")
