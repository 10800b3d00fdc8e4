"""action.yml and the example workflows: valid against SchemaStore's schemas, and the
composite action's shell steps run for real (check and fix mode) in a temporary git
repository with a local remote, the `uses:` steps (setup-python, upload-sarif) left out."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
WORKFLOWS = sorted((ROOT / "docs" / "examples").glob("*.yml"))

FLAWED = """\
from aws_cdk import aws_ecs as ecs

cluster = ecs.Cluster(self, "Cluster")
"""


def load_workflow(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text())
    if True in workflow:  # YAML 1.1 reads the key `on` as a boolean; GitHub does not
        workflow["on"] = workflow.pop(True)
    return workflow


def schema(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_action_metadata_is_valid():
    errors = list(jsonschema.Draft7Validator(schema("github-action.schema.json")).iter_errors(ACTION))
    assert not errors, [error.message for error in errors]
    assert ACTION["runs"]["using"] == "composite"
    assert {"mode", "paths", "version"} <= set(ACTION["inputs"])


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_example_workflows_are_valid(path):
    workflow = load_workflow(path)
    errors = list(jsonschema.Draft7Validator(schema("github-workflow.schema.json")).iter_errors(workflow))
    assert not errors, [error.message for error in errors]
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    uses = [step for step in steps if step.get("uses") == "./.cdkfix"]
    assert len(uses) == 1
    assert set(uses[0].get("with", {})) <= set(ACTION["inputs"])
    assert uses[0]["with"]["mode"] in ("check", "fix")


def test_there_is_an_example_for_each_mode():
    modes = {
        step["with"]["mode"]
        for path in WORKFLOWS
        for job in load_workflow(path)["jobs"].values()
        for step in job["steps"]
        if "with" in step and "mode" in step["with"]
    }
    assert modes == {"check", "fix"}


def test_every_reference_in_the_action_exists():
    text = (ROOT / "action.yml").read_text()
    inputs = set(re.findall(r"inputs\.([\w-]+)", text))
    assert inputs <= set(ACTION["inputs"]), inputs - set(ACTION["inputs"])
    step_ids = {step.get("id") for step in ACTION["runs"]["steps"]}
    assert set(re.findall(r"steps\.([\w-]+)\.outputs", text)) <= step_ids
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step.get("shell") == "bash", step["name"]
            # Inputs reach scripts through env only, never spliced into the script text.
            assert "${{" not in step["run"], step["name"]


# --- running the composite action's shell steps -------------------------------------------------


def _expression(text: str, inputs: dict, outputs: dict, failed: bool) -> str:
    """Evaluate the small subset of GitHub expressions action.yml uses."""
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2].strip()
    python = re.sub(r"steps\.([\w-]+)\.outputs\.([\w-]+)", lambda m: repr(outputs.get(m[1], {}).get(m[2], "")), text)
    python = re.sub(r"inputs\.([\w-]+)", lambda m: repr(inputs[m[1]]), python)
    python = python.replace("&&", " and ").replace("||", " or ").replace("!=", " __NE__ ")
    python = python.replace("!", " not ").replace("__NE__", "!=")
    python = python.replace("cancelled()", "False").replace("always()", "True")
    python = python.replace("success()", repr(not failed)).replace("failure()", repr(failed))
    return eval(python, {"__builtins__": {}}, {})  # only literals are left


def _substitute(value: str, inputs: dict, outputs: dict) -> str:
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: str(_expression(m[1], inputs, outputs, False)), str(value))


def run_action(repo: Path, tmp_path: Path, **given) -> tuple[dict, list[subprocess.CompletedProcess], bool]:
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update(given)
    outputs: dict[str, dict] = {}
    runs, failed = [], False
    for step in ACTION["runs"]["steps"]:
        if "uses" in step or step.get("id") == "install":  # setup-python / upload-sarif / pip: not here
            continue
        condition = step.get("if", "success()")
        if failed and "always()" not in condition and "cancelled()" not in condition:
            continue
        if not _expression(f"success() && ({condition})" if "cancelled()" not in condition else condition,
                           inputs, outputs, failed):
            continue
        output_file = tmp_path / f"output-{step.get('id', 'step')}"
        output_file.write_text("")
        env = {**os.environ, "GITHUB_OUTPUT": str(output_file), "GITHUB_ACTION_PATH": str(ROOT),
               "GITHUB_HEAD_REF": "feature", "GITHUB_REF_NAME": "7/merge",
               "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        env.pop("CDKFIX_OUTPUT_FORMAT", None)
        env.update({key: _substitute(value, inputs, outputs) for key, value in step.get("env", {}).items()})
        done = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=300)
        runs.append(done)
        outputs[step.get("id", "")] = dict(
            line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
        )
        failed = failed or done.returncode != 0
    action_outputs = {name: _substitute(spec["value"], inputs, outputs) for name, spec in ACTION["outputs"].items()}
    return action_outputs, runs, failed


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if shutil.which("cdkfix", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the cdkfix script is not installed next to this Python")
    remote = tmp_path / "remote.git"
    work = tmp_path / "work"
    env = {**os.environ, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args, cwd=work):
        return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)

    git("init", "-q", "--bare", str(remote), cwd=tmp_path)
    work.mkdir()
    git("init", "-q", "-b", "feature")
    (work / "lib").mkdir()
    (work / "lib" / "stack.py").write_text(FLAWED)
    git("add", "-A")
    git("-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-q", "-m", "flawed")
    git("remote", "add", "origin", str(remote))
    git("push", "-q", "origin", "feature")
    return work, remote, git


def test_check_mode_writes_sarif_and_fails_on_findings(repo, tmp_path):
    work, _, _ = repo
    outputs, runs, failed = run_action(work, tmp_path, mode="check", paths="lib")
    assert failed, "pending fixes must fail the job by default"
    assert outputs["exit-code"] == "1" and outputs["sarif-file"] == "cdkfix.sarif"
    log = json.loads((work / "cdkfix.sarif").read_text())
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["CDK-B12"]
    assert any(line.startswith("::warning file=lib/stack.py,line=3") for run in runs for line in run.stdout.splitlines())
    assert "fixes are pending" in runs[-1].stdout
    assert (work / "lib" / "stack.py").read_text() == FLAWED


def test_check_mode_can_report_without_failing(repo, tmp_path):
    work, _, _ = repo
    outputs, runs, failed = run_action(work, tmp_path, mode="check", paths="lib", **{"fail-on-findings": "false"})
    assert not failed and outputs["exit-code"] == "1"


def test_check_mode_fails_on_errors_whatever_the_setting(repo, tmp_path):
    work, _, _ = repo
    (work / "lib" / "broken.py").write_text("import aws_cdk\ndef (:\n")
    outputs, _, failed = run_action(work, tmp_path, mode="check", paths="lib", **{"fail-on-findings": "false"})
    assert failed and outputs["exit-code"] == "2"


def test_fix_mode_commits_and_pushes_to_the_branch(repo, tmp_path):
    work, remote, git = repo
    outputs, runs, failed = run_action(work, tmp_path, mode="fix", paths="lib")
    assert not failed, [run.stdout + run.stderr for run in runs]
    assert outputs["changed"] == "true" and outputs["exit-code"] == "0"
    assert "container_insights_v2" in (work / "lib" / "stack.py").read_text()
    pushed = git("log", "-1", "--format=%an <%ae>|%s", "feature", cwd=remote).stdout.strip()
    assert pushed == "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>|cdkfix: apply safe fixes"
    # Second run: nothing left to fix, nothing committed.
    outputs, _, failed = run_action(work, tmp_path, mode="fix", paths="lib")
    assert not failed and outputs["changed"] == "false"
    assert git("rev-list", "--count", "feature", cwd=remote).stdout.strip() == "2"


def test_fix_mode_without_push(repo, tmp_path):
    work, remote, git = repo
    outputs, _, failed = run_action(work, tmp_path, mode="fix", paths="lib", push="false")
    assert not failed and outputs["changed"] == "true"
    assert git("rev-list", "--count", "feature", cwd=remote).stdout.strip() == "1"
    assert git("rev-list", "--count", "HEAD").stdout.strip() == "2"


def test_unknown_mode_fails(repo, tmp_path):
    work, _, _ = repo
    _, runs, failed = run_action(work, tmp_path, mode="lint")
    assert failed and "must be check or fix" in runs[0].stdout


# --- the install step: no package index needed --------------------------------------------------


def _run_install(tmp_path: Path, version: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """The install step's script with a stand-in `python` and `cdkfix` that record their
    arguments (pip itself is not run: the point is what it is asked to install)."""
    step = next(step for step in ACTION["runs"]["steps"] if step.get("id") == "install")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    for name in ("python", "cdkfix"):
        stub = bin_dir / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n')
        stub.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "GITHUB_ACTION_PATH": str(ROOT), "CDKFIX_VERSION": version}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
                          env=env, capture_output=True, text=True, timeout=60)
    return done, log.read_text().splitlines() if log.exists() else []


def test_install_defaults_to_the_actions_own_source(tmp_path):
    done, calls = _run_install(tmp_path, "")
    assert done.returncode == 0, done.stderr
    assert calls == [f"python -m pip install --disable-pip-version-check {ROOT}", "cdkfix --version"]


@pytest.mark.parametrize("requirement", [
    "dist/cdkfix-0.1.0-py3-none-any.whl",
    "cdkfix[verify] @ git+https://github.com/example-org/cdkfix@0123456789abcdef0123456789abcdef01234567",
    "cdkfix==0.1.0",
])
def test_install_takes_a_pip_requirement(tmp_path, requirement):
    done, calls = _run_install(tmp_path, requirement)
    assert done.returncode == 0, done.stderr
    assert calls == [f"python -m pip install --disable-pip-version-check {requirement}", "cdkfix --version"]


@pytest.mark.parametrize("version", ["0.1.0", "v0.1.0"])
def test_install_refuses_a_bare_version_no_public_index_has(tmp_path, version):
    # "cdkfix==0.1.0" from PyPI would fail at the pip step with a confusing message.
    done, calls = _run_install(tmp_path, version)
    assert done.returncode == 2 and calls == []
    assert "cdkfix is not on PyPI" in done.stdout


def test_the_examples_take_the_action_from_a_pinned_checkout_not_a_made_up_tag():
    # No `OWNER/` placeholder and no `v0.1.0` tag that does not exist: the action comes from a
    # checkout of the cdkfix repository at a commit the user's repository variables name.
    for path in [*WORKFLOWS, ROOT / "docs" / "ci.md"]:
        text = path.read_text()
        assert "OWNER/" not in text and "@v0.1.0" not in text and "rev: v0.1.0" not in text, path
    for path in WORKFLOWS:
        steps = next(iter(load_workflow(path)["jobs"].values()))["steps"]
        uses = [step.get("uses") for step in steps]
        assert "./.cdkfix" in uses, path
        checkout = steps[uses.index("./.cdkfix") - 1]
        assert checkout["with"] == {"repository": "${{ vars.CDKFIX_REPOSITORY }}", "ref": "${{ vars.CDKFIX_COMMIT }}",
                                    "path": ".cdkfix"}


def test_cdkfix_does_not_walk_into_the_checkout_of_itself(tmp_path):
    from cdkfix.discover import discover

    (tmp_path / ".cdkfix" / "examples").mkdir(parents=True)
    (tmp_path / ".cdkfix" / "examples" / "flawed.py").write_text(FLAWED)
    (tmp_path / "stack.py").write_text(FLAWED)
    assert discover([tmp_path])[0] == [tmp_path / "stack.py"]
