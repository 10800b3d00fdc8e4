"""--output-format text|json|sarif|github for check and apply --dry-run, and the exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from typer.testing import CliRunner

from cdkfix.cli import app
from cdkfix.registry import all_rules
from cdkfix.report.github import annotation

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
SARIF_SCHEMA = json.loads((DATA / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
_SCRIPT = Path(sys.executable).with_name("cdkfix")
CDKFIX = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "cdkfix.cli"]

APP = """\
from aws_cdk import aws_s3 as s3, aws_ecs as ecs

bucket = s3.Bucket(self, "B")
cluster = ecs.Cluster(
    self,
    "C",
)
quiet = ecs.Cluster(self, "Q")  # cdkfix: ignore[B12] reviewed
done = ecs.Cluster(self, "D", container_insights_v2=ecs.ContainerInsights.ENABLED)  # cdkfix: ignore[B12]
"""


# The rules the expectations below are about: the bucket also has real findings (CDK-B1, CDK-B2).
UNDER_TEST = ("--select", "CDK-B12,TEST-S1,TEST-U1")


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def project(tmp_path, monkeypatch, test_rules):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "stack.py").write_text(APP)
    return tmp_path


# --- SARIF --------------------------------------------------------------------------------


def github_problems(log: dict, repo: Path) -> list[str]:
    """What GitHub code scanning requires beyond the schema (docs: "SARIF support for code scanning")."""
    problems = []
    if log.get("version") != "2.1.0":
        problems.append("version must be 2.1.0")
    runs = log.get("runs", [])
    if not 1 <= len(runs) <= 20:
        problems.append("1 to 20 runs")
    for run in runs:
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            problems.append("tool.driver.name missing")
        rules = driver.get("rules", [])
        ids = [rule["id"] for rule in rules]
        if len(ids) != len(set(ids)):
            problems.append("duplicate rule ids")
        for rule in rules:
            for key in ("name", "shortDescription", "fullDescription", "help"):
                value = rule.get(key)
                text = value if isinstance(value, str) else (value or {}).get("text")
                if not text:
                    problems.append(f"rule {rule['id']}: {key} missing")
        if len(run.get("results", [])) > 25000:
            problems.append("over 25,000 results")
        for result in run.get("results", []):
            where = result.get("ruleId")
            if result.get("ruleId") not in ids:
                problems.append(f"{where}: ruleId not in tool.driver.rules")
            elif ids[result["ruleIndex"]] != result["ruleId"]:
                problems.append(f"{where}: ruleIndex points at another rule")
            if not result.get("message", {}).get("text"):
                problems.append(f"{where}: message.text missing")
            if not result.get("partialFingerprints"):
                problems.append(f"{where}: partialFingerprints missing")
            locations = result.get("locations", [])
            if not 1 <= len(locations) <= 10:
                problems.append(f"{where}: needs 1 to 10 locations")
            for location in locations:
                physical = location["physicalLocation"]
                uri = physical["artifactLocation"]["uri"]
                if ":" in uri.split("/")[0] or uri.startswith("/") or ".." in uri.split("/"):
                    problems.append(f"{where}: uri {uri!r} is not repository-relative")
                elif not (repo / unquote(uri)).is_file():
                    problems.append(f"{where}: uri {uri!r} is not a file in the repository")
                region = physical.get("region", {})
                start, end = region.get("startLine", 0), region.get("endLine", region.get("startLine", 0))
                if start < 1 or end < start:
                    problems.append(f"{where}: bad lines {start}-{end}")
                if "startColumn" in region and region["startColumn"] < 1:
                    problems.append(f"{where}: bad startColumn")
                if "endColumn" in region and end == start and region["endColumn"] <= region.get("startColumn", 1):
                    problems.append(f"{where}: endColumn before startColumn")
    return problems


def validate_sarif(text: str, repo: Path) -> dict:
    log = json.loads(text)
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(error.absolute_path)}: {error.message}" for error in errors)
    assert github_problems(log, repo) == []
    return log


def test_the_validator_catches_invalid_sarif(tmp_path):
    # The checks above must be able to fail: a result without message, an absolute uri.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "rules": [{"id": "R"}]}}, "results": [
        {"ruleId": "R", "ruleIndex": 0, "message": {},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "/etc/passwd"}, "region": {"startLine": 0}}}]}
    ]}]}
    assert list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(bad))  # message needs text, startLine >= 1
    problems = github_problems(bad, tmp_path)
    assert any("not repository-relative" in problem for problem in problems)
    assert any("message.text" in problem for problem in problems)
    assert any("partialFingerprints" in problem for problem in problems)


def test_sarif_of_the_seed_app_is_valid_for_github():
    """`cdkfix check examples/seed_app --output-format sarif`, as CI runs it, from the repository root."""
    done = subprocess.run([*CDKFIX, "check", "examples/seed_app", "--output-format", "sarif"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # fixes pending
    log = validate_sarif(done.stdout, ROOT)
    run = log["runs"][0]
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} >= {rule.code for rule in all_rules()}
    assert run["results"], "the seed app has flaws"
    found = {(result["ruleId"], result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for result in run["results"]}
    assert ("CDK-B12", "examples/seed_app/lib/ecs_stack.py") in found
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_uris_are_relative_to_the_repository_not_the_cwd(project):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    sub = project / "lib"
    result = subprocess.run([*CDKFIX, "check", ".", "--output-format", "sarif", "--isolated"],
                            cwd=sub, capture_output=True, text=True, timeout=300)
    log = validate_sarif(result.stdout, project)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"lib/stack.py"}


def test_sarif_results_regions_levels_and_suppressions(project):
    result = cli("check", "lib", "--output-format", "sarif", *UNDER_TEST)
    assert result.exit_code == 1
    log = validate_sarif(result.stdout, project)
    run = log["runs"][0]
    by_rule = {}
    for item in run["results"]:
        by_rule.setdefault(item["ruleId"], []).append(item)
    # The suppressed cluster is not a result; the unused suppression is.
    assert set(by_rule) == {"CDK-B12", "TEST-S1", "TEST-U1", "unused-suppression"}
    assert len(by_rule["CDK-B12"]) == 1
    cluster = by_rule["CDK-B12"][0]
    assert cluster["level"] == "warning"
    assert cluster["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4, "startColumn": 11, "endLine": 7, "endColumn": 2
    }
    unsafe = by_rule["TEST-U1"][0]
    assert unsafe["level"] == "error" and unsafe["properties"]["safety"] == "unsafe"
    assert "held back" in unsafe["message"]["text"]
    assert by_rule["TEST-S1"][0]["properties"]["safety"] == "safe"
    unused = by_rule["unused-suppression"][0]
    assert unused["locations"][0]["physicalLocation"]["region"]["startLine"] == 9
    assert unused["message"]["text"] == "unused suppression ignore[CDK-B12]"


def test_sarif_fingerprints_survive_lines_added_above(project):
    first = json.loads(cli("check", "lib", "--output-format", "sarif").stdout)["runs"][0]["results"]
    path = project / "lib" / "stack.py"
    path.write_text("# a new header comment\n\n" + path.read_text())
    second = json.loads(cli("check", "lib", "--output-format", "sarif").stdout)["runs"][0]["results"]
    key = lambda results: {r["partialFingerprints"]["primaryLocationLineHash"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}
    before, after = key(first), key(second)
    assert set(before) == set(after)
    assert all(after[fingerprint] == before[fingerprint] + 2 for fingerprint in before)
    assert len(before) == len(first)  # distinct per finding


def test_sarif_after_apply_lists_what_is_left(project):
    result = cli("apply", "lib", "--output-format", "sarif", *UNDER_TEST)
    assert result.exit_code == 1  # an unsafe fix held back
    log = validate_sarif(result.stdout, project)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["TEST-U1"]


def test_sarif_reports_unprocessable_files(project):
    (project / "lib" / "broken.py").write_text("from aws_cdk import aws_s3 as s3\ndef (:\n")
    result = cli("check", "lib", "--output-format", "sarif")
    assert result.exit_code == 2
    log = validate_sarif(result.stdout, project)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notification = invocation["toolExecutionNotifications"][0]
    assert notification["level"] == "error" and "syntax error" in notification["message"]["text"]
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "lib/broken.py"


# --- JSON ----------------------------------------------------------------------------------


def test_json_lists_each_fix_with_its_own_diff(project):
    result = cli("check", "lib", "--output-format", "json", *UNDER_TEST)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["mode"] == "check"
    fixes = {fix["code"]: fix for fix in data["fixes"] if fix["status"] != "suppressed"}
    assert set(fixes) == {"CDK-B12", "TEST-S1", "TEST-U1"}
    assert [fix["status"] for fix in data["fixes"] if fix["code"] == "CDK-B12"] == ["pending", "suppressed"]
    for code, safety, status in [("TEST-S1", "safe", "pending"), ("TEST-U1", "unsafe", "unsafe")]:
        fix = fixes[code]
        assert (fix["path"], fix["safety"], fix["status"]) == ("lib/stack.py", safety, status)
        assert (fix["start_line"], fix["end_line"], fix["line"]) == (3, 3, 3)
        assert fix["diff"].startswith("--- a/lib/stack.py\n+++ b/lib/stack.py\n@@ -1,")
    assert fixes["CDK-B12"]["start_line"] == 4 and fixes["CDK-B12"]["end_line"] == 7
    assert "+    container_insights_v2=ecs.ContainerInsights.ENABLED" in fixes["CDK-B12"]["diff"]
    assert data["unused_suppressions"] == [
        {"path": "lib/stack.py", "line": 9, "column": 85, "message": "unused suppression ignore[CDK-B12]",
         "code": "CDK-B12", "kind": "unused-suppression"}
    ]
    assert data["summary"]["fixes"] == {"pending": 2, "suppressed": 1, "unsafe": 1}


def test_json_diff_hunks_apply_with_git(project):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    data = json.loads(cli("apply", "lib", "--dry-run", "--output-format", "json").stdout)
    assert data["mode"] == "dry-run"
    for fix in data["fixes"]:
        if fix["status"] == "suppressed":
            continue
        work = project / f"apply-{fix['code']}"
        (work / "lib").mkdir(parents=True)
        shutil.copy(project / "lib" / "stack.py", work / "lib" / "stack.py")
        subprocess.run(["git", "apply", "-"], cwd=work, input=fix["diff"], text=True, check=True)
        changed = (work / "lib" / "stack.py").read_text()
        assert changed != APP and fix["after"].splitlines()[-1].strip() in changed


# --- github ---------------------------------------------------------------------------------


def test_github_annotations(project):
    result = cli("check", "lib", "--output-format", "github", *UNDER_TEST)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "::warning file=lib/stack.py,line=4,endLine=7,col=11,title=CDK-B12 ECS Cluster Without Container Insights" \
           "::ECS cluster without Container Insights (run `cdkfix apply` to fix)" in lines
    assert any(line.startswith("::error file=lib/stack.py,line=3,endLine=3,col=10,endColumn=30,title=TEST-U1") for line in lines)
    assert any("unsafe fix: applied only with --unsafe-fixes" in line for line in lines if "TEST-U1" in line)
    assert "::warning file=lib/stack.py,line=9,col=85,title=cdkfix unused-suppression::unused suppression ignore[CDK-B12]" in lines
    assert len(lines) == 4


def test_github_escaping():
    assert annotation("error", "50% done\nnext", file="a,b:c.py", line=3, title="x: y") == \
        "::error file=a%2Cb%3Ac.py,line=3,title=x%3A y::50%25 done%0Anext"


# --- text -------------------------------------------------------------------------------------


def test_text_check_lines(project):
    result = cli("check", "lib", *UNDER_TEST)
    assert result.stdout.splitlines() == [
        "lib/stack.py:3:10: TEST-S1 Bucket Without SSL Enforcement: bucket without enforce_ssl",
        "lib/stack.py:3:10: TEST-U1 Bucket Kept After Stack Deletion [unsafe]: bucket objects are not deleted with the stack",
        "lib/stack.py:4:11: CDK-B12 ECS Cluster Without Container Insights: ECS cluster without Container Insights",
        "lib/stack.py:9: unused suppression ignore[CDK-B12]",
    ]
    assert "2 fixes pending in 1 file; 1 unsafe fix held back (use --unsafe-fixes); 1 suppressed" in result.stderr


def test_check_shows_before_and_after_code_wherever_an_output_prints_it(project):
    # check's text output leaves the snippets out (RunConfig.snippets); JSON and reports keep them.
    data = json.loads(cli("check", "lib", "--output-format", "json", *UNDER_TEST).stdout)
    fix = next(fix for fix in data["fixes"] if fix["code"] == "TEST-S1")
    assert (fix["before"], fix["after"]) == ('bucket = s3.Bucket(self, "B")', 'bucket = s3.Bucket(self, "B", enforce_ssl=True)')
    result = cli("check", "lib", "--report", "report.md", *UNDER_TEST)
    assert result.exit_code == 1
    assert 'bucket = s3.Bucket(self, "B", enforce_ssl=True)' in (project / "report.md").read_text()


def test_text_dry_run_is_a_diff(project):
    result = cli("apply", "--dry-run", "lib", *UNDER_TEST)
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/lib/stack.py\n+++ b/lib/stack.py\n")
    assert "+bucket = s3.Bucket(self, \"B\", enforce_ssl=True)" in result.stdout
    assert (project / "lib" / "stack.py").read_text() == APP


def test_output_format_from_the_environment(project, monkeypatch):
    monkeypatch.setenv("CDKFIX_OUTPUT_FORMAT", "github")
    assert cli("check", "lib").stdout.startswith("::")


def test_unknown_output_format_is_a_usage_error(project):
    result = cli("check", "lib", "--output-format", "xml")
    assert result.exit_code == 2 and "unknown output format 'xml'" in result.stderr


# --- exit codes ---------------------------------------------------------------------------------

CLEAN = 'from aws_cdk import aws_s3 as s3\n\nbucket = s3.Bucket(self, "B", enforce_ssl=True, auto_delete_objects=True)\n'
SAFE_ONLY = 'from aws_cdk import aws_s3 as s3\n\nbucket = s3.Bucket(self, "B", auto_delete_objects=True)\n'
UNSAFE_ONLY = 'from aws_cdk import aws_s3 as s3\n\nbucket = s3.Bucket(self, "B", enforce_ssl=True)\n'


@pytest.mark.parametrize(
    "source, args, expected",
    [
        (CLEAN, ["check"], 0),
        (CLEAN, ["apply", "--dry-run"], 0),
        (CLEAN, ["apply"], 0),
        (SAFE_ONLY, ["check"], 1),
        (SAFE_ONLY, ["diff"], 1),
        (SAFE_ONLY, ["apply", "--dry-run"], 1),
        (SAFE_ONLY, ["apply"], 0),  # everything applied
        (UNSAFE_ONLY, ["check"], 1),
        (UNSAFE_ONLY, ["apply"], 1),  # unsafe fix held back
        (UNSAFE_ONLY, ["apply", "--unsafe-fixes"], 0),
        (UNSAFE_ONLY, ["check", "--output-format", "sarif"], 1),
        ("from aws_cdk import aws_s3\ndef (:\n", ["check"], 2),  # cannot be parsed
        ("from aws_cdk import aws_s3\ndef (:\n", ["apply"], 2),
        (CLEAN, ["check", "--select", "NOPE9"], 2),  # usage error
    ],
)
def test_exit_codes(tmp_path, monkeypatch, test_rules, source, args, expected):
    monkeypatch.chdir(tmp_path)
    Path("stack.py").write_text(source)
    if "--select" not in args:
        args = [*args, "--select", "TEST-S1,TEST-U1"]  # the samples are named for these two rules
    result = cli(*args, "stack.py")
    assert result.exit_code == expected, result.output


def test_missing_path_is_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("check", "nowhere")
    assert result.exit_code == 2 and "nowhere: no such file or folder" in result.stderr
