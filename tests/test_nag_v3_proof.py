"""The proof of the cdk-nag v2 -> v3 migration: `cdkfix apply --select cdk-nag-v3` on apps
written for cdk-nag 2, synthesized with aws-cdk-lib 2.275 + cdk-nag 3, leaves exactly the
findings cdk-nag 2 left unsuppressed: same finding IDs (granular ones included), on the same
resources, so the same count per rule.

The cdk-nag 2 side is data (tests/data/nag_v3/v2_findings.json, made by
bench/nag_v3_proof.py in a throwaway cdk-nag 2 environment): cdk-nag 2 cannot live in this
environment, and installing it in CI costs a minute. Set NAG_V3_V2_PYTHON to a Python with
cdk-nag 2 to re-derive it here too.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("nag_v3_proof", ROOT / "bench" / "nag_v3_proof.py")
proof = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(proof)

V2 = json.loads(proof.V2_DATA.read_text())
APPS = sorted(V2["apps"])
# Apps only the synthesis mode (transforms/nag_v3/granular.py) migrates exactly.
SYNTHESIS_MODE = {"granular"}


def _node_available() -> bool:
    return shutil.which(os.environ.get("JSII_NODE", "node")) is not None


needs_node = pytest.mark.skipif(not _node_available(), reason="Node.js is needed to synthesize")
needs_nag3 = pytest.mark.skipif(importlib.util.find_spec("cdk_nag") is None, reason="needs the verify extra (cdk-nag 3)")


def test_the_v2_data_is_of_these_apps():
    """The committed cdk-nag 2 findings were made from the apps as they are now."""
    assert V2["versions"]["cdk-nag"].startswith("2.")
    assert V2["versions"]["aws-cdk-lib"].startswith("2.275.")
    for name in APPS:
        assert V2["apps"][name]["sha256"] == proof.app_digest(proof.APPS / name), (
            f"tests/data/nag_v3/{name}/app.py changed: run bench/nag_v3_proof.py again"
        )


class _Migrated(dict):
    """Each app copied and migrated by the CLI on first use, as a user would: apply --select cdk-nag-v3."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def __missing__(self, name: str):
        from typer.testing import CliRunner

        from cdkfix.cli import app as cli_app

        root = self.root
        shutil.copytree(proof.APPS / name, root / name)
        if name in SYNTHESIS_MODE:
            # The synthesis mode first: the granular IDs the v2 whole-rule and regex suppressions covered.
            from cdkfix.transforms.nag_v3.granular import find_granular

            data = root / f"{name}_granular.json"
            data.write_text(json.dumps(find_granular(root / name)))
            (root / name / "cdkfix.toml").write_text(f'[rules.NAG3-2]\ngranular-findings = "{data}"\n')
        report = root / f"{name}.json"
        result = CliRunner().invoke(
            cli_app, ["apply", "--select", "cdk-nag-v3", "--report", str(report), str(root / name)]
        )
        self[name] = (root / name, result, json.loads(report.read_text()))
        return self[name]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    return _Migrated(tmp_path_factory.mktemp("nag_v3"))


SYNTH_MARKS = [pytest.mark.synth, needs_node, needs_nag3]
# The apps whose migration itself synthesizes (the synthesis mode) are synth tests throughout.
APP_PARAMS = [pytest.param(name, marks=SYNTH_MARKS) if name in SYNTHESIS_MODE else name for name in APPS]


@pytest.mark.parametrize("name", APP_PARAMS)
def test_every_call_is_migrated(migrated, name):
    folder, result, report = migrated[name]
    assert result.exit_code == 0, result.output
    assert report["fixes"] and {fix["status"] for fix in report["fixes"]} == {"applied"}
    source = (folder / "app.py").read_text()
    compile(source, "app.py", "exec")
    if name in SYNTHESIS_MODE:  # the report says what the synthesis found
        assert any("granular IDs found by synthesis: AwsSolutions-IAM5[" in fix["message"] for fix in report["fixes"])
    # Nothing of the v2 API is left: no import of it, no use of a pack as an Aspect.
    names = {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
    names |= {alias.asname or alias.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)
              for alias in node.names}
    attributes = {node.attr for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Attribute)}
    for gone in ("NagSuppressions", "NagPackSuppression", "RegexAppliesTo", "Aspects"):
        assert gone not in names | attributes, f"{gone} left in the migrated {name}"


@pytest.mark.synth
@needs_node
@needs_nag3
@pytest.mark.parametrize("name", APPS)
def test_the_same_findings_are_acknowledged(migrated, name, tmp_path):
    folder, _result, _report = migrated[name]
    done = proof.synthesize(sys.executable, folder, tmp_path / "out")
    findings = proof.v3_findings(tmp_path / "out")
    assert (tmp_path / "out" / "manifest.json").exists(), done.stderr[-3000:]
    expected = V2["apps"][name]
    assert proof.per_rule(findings) == expected["per_rule"]
    assert [list(finding) for finding in findings] == expected["findings"]


@pytest.mark.synth
@needs_node
@needs_nag3
def test_a_naive_migration_is_seen(migrated, tmp_path):
    """The comparison can fail: acknowledging the whole rule `AwsSolutions-IAM5` (what a hand
    migration of a v2 `applies_to` easily writes) leaves the granular finding reported."""
    folder, _result, _report = migrated["basic"]
    naive = tmp_path / "basic"
    shutil.copytree(folder, naive)
    source = (naive / "app.py").read_text()
    assert source.count('id="AwsSolutions-IAM5[Resource::*]"') == 1
    (naive / "app.py").write_text(source.replace('id="AwsSolutions-IAM5[Resource::*]"', 'id="AwsSolutions-IAM5"'))
    proof.synthesize(sys.executable, naive, tmp_path / "out")
    left = proof.per_rule(proof.v3_findings(tmp_path / "out"))
    assert left == {**V2["apps"]["basic"]["per_rule"], "AwsSolutions-IAM5[Resource::*]": 1}


@pytest.mark.skipif(not os.environ.get("NAG_V3_V2_PYTHON"), reason="set NAG_V3_V2_PYTHON to a Python with cdk-nag 2")
@pytest.mark.synth
def test_the_v2_data_rederived():
    fresh = proof.run_v2(os.environ["NAG_V3_V2_PYTHON"])
    assert fresh == V2["apps"]
