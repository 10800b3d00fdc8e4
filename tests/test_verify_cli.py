"""The --verify options of the CLI, where no synthesis is needed."""

import json
import re

from typer.testing import CliRunner

from cdkfix.cli import app
from verify_support import make_app

runner = CliRunner()
CLUSTER_APP = "from aws_cdk import aws_ecs as ecs\n\necs.Cluster(self, 'Cluster')\n"


def _plain(text: str) -> str:
    return " ".join(re.sub(r"\x1b\[[0-9;]*m|[│╭╮╰╯─]", " ", text).split())


def test_help_says_verify_runs_the_apps_code():
    for command in ("apply", "diff", "check"):
        text = _plain(runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).output)
        assert "--verify" in text and "RUNS THE APPS' OWN CODE" in text and "never runs it" in text
        assert "--python" in text and "--timeout" in text and "--force" in text


def test_verify_only_options_need_verify(tmp_path):
    result = runner.invoke(app, ["check", "--force", str(tmp_path)])
    assert result.exit_code == 2 and "--python and --force only apply with --verify" in result.stderr


def test_dry_run_holds_back_an_app_that_cannot_be_verified(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_app(tmp_path / "ts", CLUSTER_APP, command="npx ts-node bin/app.ts")
    (tmp_path / "loose.py").write_text(CLUSTER_APP)
    result = runner.invoke(app, ["diff", "--verify", "--report", "r.json", "ts", "loose.py"])
    assert result.exit_code == 2
    assert "+++ b/loose.py" in result.stdout and "ts/app.py" not in result.stdout  # the app's fix is held back
    assert "does not run Python" in result.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    checked = data["verification"]["apps"][0]
    assert checked["status"] == "not-verified" and not checked["written"] and not checked["synths"]
    assert "CDK-B12" in [item["code"] for item in checked["held_back"]]  # other rules may fix the line too
    assert data["verification"]["files_outside_apps"] == ["loose.py"]
    # A dry run writes nothing: the fix found in loose.py is "pending", as in check.
    assert {(fix["path"], fix["status"]) for fix in data["fixes"]} == {("loose.py", "pending"), ("ts/app.py", "skipped")}
