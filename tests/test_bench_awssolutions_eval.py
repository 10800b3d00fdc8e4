"""bench/awssolutions_eval.py: the dummy environment an app that reads CDK_DEFAULT_ACCOUNT is
retried with stays that app's (found on the evalnew6a list: a skipped app kept it, and the next
app that reads the variable became environment-specific and was skipped for its look-ups)."""

from __future__ import annotations

import importlib.util
import os
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "awssolutions_eval.py"


@pytest.fixture
def evaluation(monkeypatch):
    spec = importlib.util.spec_from_file_location("awssolutions_eval_under_test", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in ("CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    # Stand-ins for the copy and the synthesis: what the app would do is the test's to say.
    monkeypatch.setattr(module, "copy_app", lambda root, destination: destination)
    seen = []

    def synth(folder, python, timeout, workdir):
        seen.append(os.environ.get("CDK_DEFAULT_ACCOUNT"))
        return SimpleNamespace(ok=False, error="KeyError: 'ENV'"), Counter()

    monkeypatch.setattr(module, "_synth", synth)
    return module, seen


def test_a_skipped_app_leaves_no_dummy_environment(evaluation):
    module, seen = evaluation
    row = module.evaluate(Path("some-app"), "python", 10.0, "AwsSolutions")
    assert row["status"] == "skipped" and row["dummy_env"] is True
    assert seen == [None, "123456789012"]  # retried once with the dummy account
    assert "CDK_DEFAULT_ACCOUNT" not in os.environ and "CDK_DEFAULT_REGION" not in os.environ
    module.evaluate(Path("next-app"), "python", 10.0, "AwsSolutions")
    assert seen[2] is None  # the next app starts without it


def test_the_users_own_environment_is_restored(evaluation, monkeypatch):
    module, seen = evaluation
    monkeypatch.setenv("CDK_DEFAULT_ACCOUNT", "111111111111")
    module.evaluate(Path("some-app"), "python", 10.0, "AwsSolutions")
    assert seen == ["111111111111", "123456789012"]
    assert os.environ["CDK_DEFAULT_ACCOUNT"] == "111111111111"  # the user's, not the dummy
    assert "CDK_DEFAULT_REGION" not in os.environ
