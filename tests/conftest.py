from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# A CDK file with one flaw every rule set has (CDK-B12), used where the rule does not matter.
FLAWED = '''from aws_cdk import aws_ecs as ecs


def build(self, vpc):
    cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
    return cluster
'''
FIXED = '''from aws_cdk import aws_ecs as ecs


def build(self, vpc):
    cluster = ecs.Cluster(self, "Cluster", vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)
    return cluster
'''


@pytest.fixture
def cli():
    """Runs the cdkfix CLI in-process; returns (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from cdkfix.cli import app

    runner = CliRunner()

    def invoke(*args, input=None):
        result = runner.invoke(app, [str(arg) for arg in args], input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.stdout, result.stderr

    return invoke


def run_cdkfix(*args, cwd=None, env=None, timeout=120):
    """Runs the installed `cdkfix` in a subprocess (for what CliRunner cannot show)."""
    return subprocess.run(
        [sys.executable, "-m", "cdkfix", *map(str, args)],
        cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def test_rules(monkeypatch):
    """The registry as the real rules plus the tiny rules of tests/rulekit.py (for CLI tests)."""
    from cdkfix import registry
    from rulekit import TEST_RULES

    rules = (*registry.all_rules(), *TEST_RULES)
    monkeypatch.setattr(registry, "all_rules", lambda: rules)
    return rules


@pytest.fixture(autouse=True)
def _strict_fast_path(monkeypatch):
    """A bug in the engine's fast text path fails the test instead of being worked around."""
    from cdkfix import statement_text

    monkeypatch.setattr(statement_text, "STRICT", True)


@pytest.fixture(autouse=True)
def _synthesis_only_in_synth_tests(request, monkeypatch):
    """`pytest -m "not synth"` must not synthesize: a test that starts a CDK synthesis (a
    process with CDK_OUTDIR set, as every synthesis here does: the tests' own and --verify's)
    without the `synth` mark fails, instead of silently costing its seconds."""
    if request.node.get_closest_marker("synth") is not None:
        return
    real_init = subprocess.Popen.__init__

    def guarded(self, args, *rest, **options):
        env = options.get("env")
        if env is None and len(rest) >= 10:  # Popen(args, bufsize, executable, stdin, stdout, stderr, preexec_fn, close_fds, shell, cwd, env)
            env = rest[9]
        if env and "CDK_OUTDIR" in env:
            pytest.fail("this test synthesizes a CDK app: mark it @pytest.mark.synth (README: -m 'not synth' leaves synthesis out)",
                        pytrace=False)
        real_init(self, args, *rest, **options)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Every test gets an empty cache of its own: never the user's, never another test's."""
    monkeypatch.setenv("CDKFIX_CACHE_DIR", str(tmp_path_factory.mktemp("cdkfix-cache")))


def fixed_example_cases():
    """Every rule's fixed examples as fix-effect cases, id `<code>-<index among the rule's examples>`."""
    from cdkfix.effects import Case
    from cdkfix.registry import all_rules

    return [
        Case(f"{rule.code}-{index}", example.before, example.after)
        for rule in all_rules()
        for index, example in enumerate(rule.examples)
        if example.after is not None
    ]


@pytest.fixture(scope="session")
def fix_effect_proofs():
    """Every fixed example synthesized before and after, once per test session (one subprocess,
    cdk-nag AwsSolutions as a validation plugin): tests/test_fix_effects.py and
    tests/test_awssolutions_proof.py assert on the same proofs, so CI synthesizes them once."""
    from cdkfix.effects import prove

    return prove(fixed_example_cases())
