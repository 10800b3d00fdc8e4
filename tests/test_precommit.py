"""The pre-commit hooks, run by the real `pre-commit` against a temporary git repository.

The hooks come from this repository's .pre-commit-hooks.yaml (checked with pre-commit's
own manifest schema), run as `language: system` with the cdkfix installed next to this
Python, so the test needs no network; users get `language: python`, which installs the
same package and runs the same entry.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FLAWED = """\
from aws_cdk import Stack, aws_ecs as ecs


class AppStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.cluster = ecs.Cluster(self, "Cluster")
"""


def cdkfix_command() -> str:
    script = Path(sys.executable).with_name("cdkfix")
    if script.exists():
        return str(script)
    return f"{sys.executable} -m cdkfix.cli"


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("CDKFIX_OUTPUT_FORMAT", None)

    def sh(*args, check=True):
        done = subprocess.run(list(args), cwd=root, env=env, capture_output=True, text=True, timeout=300)
        if check and done.returncode != 0:
            raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    sh("git", "init", "-q")
    sh("git", "config", "commit.gpgsign", "false")
    hooks = []
    for hook in yaml.safe_load(MANIFEST.read_text()):
        program, *rest = hook["entry"].split(" ", 1)
        assert program == "cdkfix"
        hooks.append({**hook, "language": "system", "entry": " ".join([cdkfix_command(), *rest])})
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}))
    (root / "stacks").mkdir()
    (root / "stacks" / "app_stack.py").write_text(FLAWED)
    (root / "README.md").write_text("not python\n")
    sh("git", "add", "-A")
    sh("git", "commit", "-q", "-m", "flawed stack", "--no-verify")
    return root, sh


def pre_commit(sh, *args):
    return sh(sys.executable, "-m", "pre_commit", *args, check=False)


def test_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(MANIFEST))}
    assert set(hooks) == {"cdkfix", "cdkfix-check"}
    # --force-exclude: pre-commit names each staged file, and a named path is otherwise always processed.
    assert hooks["cdkfix"]["entry"] == "cdkfix apply --exit-non-zero-on-fix --force-exclude"
    assert hooks["cdkfix-check"]["entry"] == "cdkfix check --force-exclude"
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types"] == ["python"]


def test_check_hook_fails_and_changes_nothing(repo):
    root, sh = repo
    done = pre_commit(sh, "run", "cdkfix-check", "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "stacks/app_stack.py:7:" in done.stdout and "CDK-B12" in done.stdout
    assert (root / "stacks" / "app_stack.py").read_text() == FLAWED


def test_fix_hook_applies_safe_fixes_fails_once_then_passes(repo):
    root, sh = repo
    first = pre_commit(sh, "run", "cdkfix", "--all-files")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    fixed = (root / "stacks" / "app_stack.py").read_text()
    assert "container_insights_v2=ecs.ContainerInsights.ENABLED" in fixed
    second = pre_commit(sh, "run", "cdkfix", "--all-files")
    assert second.returncode == 0, second.stdout + second.stderr
    assert pre_commit(sh, "run", "cdkfix-check", "--all-files").returncode == 0
    assert (root / "stacks" / "app_stack.py").read_text() == fixed


def test_installed_hook_on_git_commit(repo):
    root, sh = repo
    assert pre_commit(sh, "install").returncode == 0
    (root / "stacks" / "more.py").write_text(FLAWED.replace("AppStack", "MoreStack"))
    sh("git", "add", "stacks/more.py")
    refused = sh("git", "commit", "-q", "-m", "add more", check=False)
    assert refused.returncode != 0, "the commit must be stopped while cdkfix changes files"
    assert "container_insights_v2" in (root / "stacks" / "more.py").read_text()
    # The fix hook only touches the staged file, not the other flawed one.
    assert (root / "stacks" / "app_stack.py").read_text() == FLAWED
    sh("git", "add", "stacks/more.py")
    committed = sh("git", "commit", "-q", "-m", "add more", check=False)
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert "more.py" in sh("git", "show", "--stat", "HEAD").stdout


def test_hooks_respect_the_project_configuration(repo):
    root, sh = repo
    (root / "pyproject.toml").write_text('[tool.cdkfix]\nexclude = ["stacks/app_stack.py"]\n')
    sh("git", "add", "pyproject.toml")
    done = pre_commit(sh, "run", "cdkfix-check", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr  # pre-commit named the file; --force-exclude applies exclude
    (root / "pyproject.toml").write_text('[tool.cdkfix]\nselct = []\n')
    broken = pre_commit(sh, "run", "cdkfix-check", "--all-files")
    assert broken.returncode == 1 and "unknown key 'selct'" in broken.stdout  # exit 2 shows as a failure


def test_suppressed_finding_passes_the_check_hook(repo):
    root, sh = repo
    # Only the rule whose finding is suppressed (the stack also lacks outputs: CDK-I1).
    (root / "pyproject.toml").write_text('[tool.cdkfix]\nselect = ["CDK-B12"]\n')
    sh("git", "add", "pyproject.toml")
    flagged = pre_commit(sh, "run", "cdkfix-check", "--all-files")
    assert flagged.returncode == 1 and "CDK-B12" in flagged.stdout, flagged.stdout + flagged.stderr
    path = root / "stacks" / "app_stack.py"
    path.write_text(FLAWED.replace('"Cluster")', '"Cluster")  # cdkfix: ignore[B12] cost'))
    done = pre_commit(sh, "run", "cdkfix-check", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_documented_local_hooks_run_the_manifests_entries():
    # docs/ci.md shows `repo: local` hooks (cdkfix is on no index): the same entries as the manifest.
    text = (ROOT / "docs" / "ci.md").read_text()
    section = text[text.index("## pre-commit"):text.index("## GitHub Action")]
    block = section.split("```yaml", 1)[1].split("```", 1)[0]
    (repo,) = yaml.safe_load(block)["repos"]
    assert repo["repo"] == "local"
    manifest = {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text())}
    for hook in repo["hooks"]:
        assert hook["entry"] == manifest[hook["id"]]["entry"]
        assert hook["types"] == manifest[hook["id"]]["types"] and hook["language"] == "system"
    commented = [line.strip().lstrip("# ") for line in block.splitlines() if "entry: cdkfix check" in line]
    assert commented == [f"entry: {manifest['cdkfix-check']['entry']}"]
