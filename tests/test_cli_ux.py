"""What a new user trips over (issue 16) and the CLI/config items of issue 19, one test (or
more) per item, each reproducing the problem as it was reported."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import FIXED, FLAWED

HAS_GIT = shutil.which("git") is not None


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CDKFIX_OUTPUT_FORMAT", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def put(path: Path, text: str = FLAWED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


# --- issue 16: files skipped without a word ----------------------------------------------------


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_a_named_folder_inside_a_git_ignored_build_folder_is_checked(cli, here):
    git_init(here)
    (here / ".gitignore").write_text("build/\n")
    put(here / "build" / "app" / "stack.py")
    code, out, err = cli("check", "build/app")
    assert code == 1, err
    assert out.startswith("build/app/stack.py:5:")
    assert "(1 file checked)" in err
    # The walk from the repository still leaves the ignored folder out (and says it found nothing).
    code, out, err = cli("check", ".")
    assert code == 0 and out == ""
    assert "cdkfix: warning: no Python files found under ." in err
    # --force-exclude (pre-commit) applies .gitignore to the named path too.
    code, out, err = cli("check", "build/app", "--force-exclude")
    assert code == 0 and out == ""


def test_a_named_dist_folder_and_a_file_in_it_are_checked(cli, here):
    put(here / "dist" / "stack.py")
    assert cli("check", "dist")[0] == 1
    assert cli("check", "dist/stack.py")[0] == 1
    assert cli("check", ".")[0] == 0  # found by the walk: skipped, as a build output
    assert cli("check", "dist", "--force-exclude")[0] == 0
    assert cli("check", "dist/stack.py", "--force-exclude")[0] == 0


def test_exclude_applies_below_a_named_folder_not_to_it(cli, here):
    put(here / "pyproject.toml", '[tool.cdkfix]\nexclude = ["generated", "gen/skip.py"]\n')
    put(here / "generated" / "app" / "stack.py")
    put(here / "generated" / "app" / "generated" / "inner.py")
    put(here / "gen" / "skip.py")
    put(here / "gen" / "keep.py")
    code, out, _ = cli("check", "generated/app")
    assert [line.split(":")[0] for line in out.splitlines()] == ["generated/app/stack.py"]
    code, out, _ = cli("check", "gen")
    assert [line.split(":")[0] for line in out.splitlines()] == ["gen/keep.py"]


def test_a_run_that_finds_no_python_file_says_so(cli, here):
    (here / "docs").mkdir()
    (here / "docs" / "notes.md").write_text("# notes\n")
    code, out, err = cli("check", "docs")
    assert code == 0 and out == ""
    assert "cdkfix: warning: no Python files found under docs\n" in err


# --- issue 16: CLI conventions ------------------------------------------------------------------


def test_check_without_a_path_checks_the_current_folder(cli, here):
    put(here / "lib" / "stack.py")
    code, out, err = cli("check")
    assert code == 1
    assert out.startswith("lib/stack.py:5:")


def test_dash_h_is_help_and_usage_shows_paths(cli):
    for command in ("check", "apply", "diff"):
        code, out, _ = cli(command, "-h")
        assert code == 0
        assert f"Usage: cdkfix {command} [OPTIONS] [PATHS...]" in out
        assert "{paths}" not in out
    assert cli("-h")[0] == 0


def test_quiet_prints_only_the_results_and_errors(cli, here):
    put(here / "a.py")
    code, out, err = cli("check", "a.py", "missing.py", "-q")
    assert code == 2
    assert out.startswith("a.py:5:")
    assert err == "missing.py: no such file or folder\n"  # no summary line
    code, out, err = cli("apply", "--dry-run", "a.py", "--quiet", "--report", "r.md")
    assert out.startswith("--- a/a.py\n") and err == ""


def test_exit_zero(cli, here):
    put(here / "a.py")
    assert cli("check", "a.py")[0] == 1
    assert cli("check", "a.py", "--exit-zero")[0] == 0
    assert cli("check", "a.py", "missing.py", "--exit-zero")[0] == 2  # errors still fail


def test_statistics_counts_findings_by_rule(cli, here):
    put(here / "a.py")
    put(here / "b.py")
    code, out, _ = cli("check", ".", "--statistics", "--select", "CDK-B12")
    assert code == 1
    assert out == "2  CDK-B12  ECS Cluster Without Container Insights [fixable]\n"
    code, out, _ = cli("apply", ".", "--statistics", "--select", "CDK-B12")
    assert out == "2  CDK-B12  ECS Cluster Without Container Insights [applied]\n"
    assert cli("check", ".", "--statistics", "--output-format", "json")[0] == 2


def test_no_color_and_NO_COLOR_turn_off_the_diff_colours(cli, here, monkeypatch):
    put(here / "a.py")
    monkeypatch.setattr("cdkfix.cli._stdout_is_terminal", lambda: True)
    assert "\033[32m" in cli("diff", "a.py")[1]
    assert "\033[" not in cli("diff", "a.py", "--no-color")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in cli("diff", "a.py")[1]


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_jobs_must_be_one_or_more(cli, here, jobs):
    put(here / "a.py")
    code, out, err = cli("check", "a.py", "--jobs", jobs)
    assert code == 2 and "--jobs" in err


def test_a_missing_path_is_named_without_a_line_number(cli, here):
    code, _, err = cli("check", "nowhere")
    assert code == 2
    assert "nowhere: no such file or folder\n" in err and "nowhere:0:" not in err


def test_one_file_not_one_files(cli, here):
    put(here / "a.py")
    assert cli("check", "a.py")[2].endswith("1 fix pending in 1 file (1 file checked).\n")
    put(here / "b.py")
    assert cli("check", ".")[2].endswith("2 fixes pending in 2 files (2 files checked).\n")


def test_diff_and_report_use_paths_relative_to_the_current_folder(cli, here):
    put(here / "lib" / "stack.py")
    code, out, err = cli("apply", "--dry-run", here / "lib", "--report", here / "r.md")
    assert out.startswith("--- a/lib/stack.py\n+++ b/lib/stack.py\n")
    report = (here / "r.md").read_text()
    assert "would fix in `lib`" in report and "**File**: `lib/stack.py`" in report
    assert str(here) not in report
    assert "Report written to r.md" in err


# --- issue 16: the report says what happened ----------------------------------------------------


def test_the_score_measures_the_code_and_falls_with_open_findings(cli, here):
    from cdkfix.report.markdown import code_score

    put(here / "clean.py", FIXED)
    cli("check", "clean.py", "--report", "clean.md")
    clean = (here / "clean.md").read_text()
    assert "- **Open findings before the fixes**: 0 (0 A, 0 B, 0 I): score 10/10" in clean
    put(here / "a.py")
    cli("check", "a.py", "--report", "flawed.md", "--select", "CDK-B12")
    flawed = (here / "flawed.md").read_text()
    assert "- **Open findings before the fixes**: 1 (0 A, 1 B, 0 I): score 9.5/10" in flawed
    assert "- **Open findings if these fixes are applied**: 0 (0 A, 0 B, 0 I): score 10/10" in flawed
    assert "Score = max(0, 10 - 1.0 × A - 0.5 × B - 0.1 × I)" in flawed  # defined in the report itself
    assert "Quality Score" not in flawed

    class Finding:
        def __init__(self, category):
            self.category = category

    # More flaws, lower score: never the other way round (the old score rose with them).
    scores = [code_score([Finding("A")] * count) for count in range(12)]
    assert scores == sorted(scores, reverse=True) and scores[0] == 10 and scores[-1] == 0
    assert code_score([Finding("A")]) < code_score([Finding("B")]) < code_score([Finding("I")])


def test_section_headings_use_the_rules_own_code(cli, here):
    put(here / "a.py")
    cli("apply", "a.py", "--report", "r.md", "--select", "CDK-B12")
    headings = [line for line in (here / "r.md").read_text().splitlines() if line.startswith("### CDK")]
    assert headings == ["### CDK-B12: ECS Cluster Without Container Insights"]


def test_a_dry_run_report_says_would_be_applied_and_counts_one_thing(cli, here):
    put(here / "a.py")
    put(here / "b.py")
    cli("apply", "--dry-run", ".", "--report", "r.md", "--select", "CDK-B12")
    report = (here / "r.md").read_text()
    assert "- **Fixes that would be applied**: 2 (0 A, 2 B, 0 I) in 2 files, by 1 rule" in report
    assert "Total Issues Fixed" not in report and "Fixes applied" not in report
    assert "Dry run: no file was written." in report
    cli("apply", ".", "--report", "applied.md", "--select", "CDK-B12")
    assert "- **Fixes applied**: 2 (0 A, 2 B, 0 I) in 2 files, by 1 rule" in (here / "applied.md").read_text()


def test_json_status_is_pending_until_the_file_is_written(cli, here):
    put(here / "a.py")
    for args in (("check",), ("apply", "--dry-run"), ("diff",)):
        data = json.loads(cli(*args, "a.py", "--output-format", "json", "--select", "CDK-B12")[1])
        assert [fix["status"] for fix in data["fixes"]] == ["pending"], args
        assert data["summary"]["fixes"] == {"pending": 1}
    data = json.loads(cli("apply", "a.py", "--output-format", "json", "--select", "CDK-B12")[1])
    assert [fix["status"] for fix in data["fixes"]] == ["applied"]


def test_sarif_says_each_thing_once(cli, here, test_rules):
    put(here / "a.py", 'from aws_cdk import aws_s3 as s3\n\nbucket = s3.Bucket(self, "B")\n')
    data = json.loads(cli("check", "a.py", "--output-format", "sarif", "--select", "TEST-U1")[1])
    (result,) = data["runs"][0]["results"]
    text = result["message"]["text"]
    assert text.count("unsafe fix") == 1, text
    assert text.endswith("unsafe fix: held back (use --unsafe-fixes)).")
    data = json.loads(cli("check", "a.py", "--output-format", "sarif", "--select", "TEST-S1")[1])
    assert data["runs"][0]["results"][0]["properties"]["status"] == "pending"


def test_explain_names_the_category_once(cli):
    out = cli("explain", "CDK-A1")[1]
    assert "Category: A (Critical Security & Architecture) ·" in out
    assert "(Category A" not in out


def test_b13_impact_does_not_claim_tasks_fail_to_pull_images():
    # CDK creates the execution role whenever a container needs one: tasks do not fail without it.
    from cdkfix.registry import find_rule

    impact = find_rule("CDK-B13").impact
    assert "fail" not in impact.replace("No failure", "")
    assert "CDK creates an execution role whenever a container needs one" in impact


# --- issue 19 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("report", ["lib/stack.py", "lib/other.py", "notes.pyi"])
def test_19_4_a_report_path_that_is_source_code_is_refused_before_anything(cli, here, report):
    source = put(here / "lib" / "stack.py")
    code, _, err = cli("apply", "lib", "--report", report)
    assert code == 2 and f"--report {report}" in err
    assert source.read_text() == FLAWED  # nothing was fixed, nothing overwritten
    assert not (here / "lib" / "other.py").exists() and not (here / "notes.pyi").exists()


def test_19_4_a_report_path_that_is_a_processed_file_is_refused(cli, here):
    source = put(here / "lib" / "stack.txt")  # named explicitly: processed although not .py
    code, _, err = cli("apply", "lib/stack.txt", "--report", "lib/stack.txt")
    assert code == 2 and "is one of the files being processed" in err
    assert source.read_text() == FLAWED


def test_19_8_a_file_name_that_is_not_utf8(cli, here):
    name = os.fsdecode(b"bad\xff.py")
    put(here / name)
    code, out, err = cli("apply", ".", "--report", "r.md")
    assert code == 0, err
    assert (here / name).read_text() == FIXED
    report = (here / "r.md").read_text(encoding="utf-8")  # valid UTF-8, the name escaped
    assert "bad\\udcff.py" in report
    put(here / name)
    code, out, err = cli("check", ".", "--output-format", "sarif")
    assert code == 1
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad%FF.py"


def test_19_8_the_console_command_prints_a_non_utf8_name(here):
    put(here / os.fsdecode(b"bad\xff.py"))
    done = subprocess.run(
        [os.sys.executable, "-m", "cdkfix", "check", ".", "--output-format", "github"], cwd=here, capture_output=True,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(b"::warning file=bad\xff.py,")  # the name's own bytes, as ls prints it


@pytest.mark.parametrize("body, message", [
    ('exclude = ["[z-a].py"]\n', "pyproject.toml:2: 'exclude' pattern '[z-a].py' is not a valid glob"),
    ('[tool.cdkfix.per-file-ignores]\n"[z-a].py" = ["CDK-B12"]\n',
     "pyproject.toml:3: per-file-ignores key '[z-a].py' is not a valid glob"),
    ('[tool.cdkfix.rules.CDK-B5]\ncompute_type = "NOPE"\n',
     "pyproject.toml:3: [rules.CDK-B5] CDK-B5 option `compute_type` must be a codebuild.ComputeType member, got 'NOPE'"),
    ('[tool.cdkfix.rules.CDK-I2]\nretention = "FOREVER_AND_A_DAY"\n',
     "pyproject.toml:3: [rules.CDK-I2] CDK-I2 option `retention` must name a logs.RetentionDays member"),
])
def test_19_10_a_bad_glob_or_option_value_is_a_configuration_error(cli, here, body, message):
    put(here / "pyproject.toml", "[tool.cdkfix]\n" + body)
    put(here / "a.py")
    code, _, err = cli("apply", ".")
    assert code == 2
    assert err.startswith(message), err
    assert "internal error" not in err and "Traceback" not in err
    assert (here / "a.py").read_text() == FLAWED


def test_19_10_an_option_the_files_encoding_cannot_hold_names_the_option(cli, here):
    # I5 writes a check only with the team's command, and only as an unsafe fix (trust issue).
    put(here / "pyproject.toml", '[tool.cdkfix.rules.CDK-I5]\npath = "/santé"\ncommand = "curl -f {url} || exit 1"\n')
    source = (
        "# -*- coding: ascii -*-\nfrom aws_cdk import aws_ecs as ecs\n\n"
        'td = ecs.FargateTaskDefinition(self, "T")\n'
        'c = td.add_container("web", image=ecs.ContainerImage.from_registry("nginx"), '
        "port_mappings=[ecs.PortMapping(container_port=80)])\n"
    )
    put(here / "a.py", source)
    code, _, err = cli("apply", "a.py", "--select", "CDK-I5", "--unsafe-fixes")
    assert code == 2
    assert ("a.py: configuration error: option 'path' of [rules.CDK-I5] in pyproject.toml ('/santé') "
            "cannot be written in this file's encoding (ascii)") in err
    assert "internal error" not in err
    assert (here / "a.py").read_text() == source


@pytest.mark.parametrize("args, message", [
    (("--report-format", "xml"), "unknown report format 'xml'"),
    (("--report", "nodir/r.md"), "cannot write report nodir/r.md: no such folder nodir"),
    (("--report-format", "json"), "--report-format needs --report FILE"),
])
def test_19_11_usage_errors_come_before_any_write(cli, here, args, message):
    source = put(here / "a.py")
    if "--report" not in args and message.startswith("unknown"):
        args = (*args, "--report", "r.out")
    code, _, err = cli("apply", "a.py", *args)
    assert code == 2 and message in err
    assert source.read_text() == FLAWED


def test_19_12_the_same_file_named_three_ways_is_written_once(cli, here):
    put(here / "sub" / "a.py")
    os.symlink(here / "sub", here / "link")
    code, _, err = cli("apply", "sub", str(here / "sub" / "a.py"), "link", "link/a.py")
    assert code == 0, err
    assert "changed on disk" not in err
    assert err.endswith("1 fix applied in 1 file (1 file checked).\n")
    assert (here / "sub" / "a.py").read_text() == FIXED


@pytest.mark.parametrize("paths", [[""], ["a.py", ""], ["  "]])
def test_19_13_an_empty_path_is_a_usage_error(cli, here, paths):
    source = put(here / "a.py")
    code, _, err = cli("apply", *paths)
    assert code == 2 and "an empty path names no file or folder" in err
    assert source.read_text() == FLAWED


def test_19_14_ctrl_c_finishes_the_file_in_hand_and_reports_what_was_written(cli, here, monkeypatch):
    import cdkfix.run

    for name in ("a.py", "b.py", "c.py"):
        put(here / name)
    # What SIGINT did before the run: Python's default in a terminal, ignored in a job a
    # non-interactive shell started in the background.
    before = signal.getsignal(signal.SIGINT)
    real_write = cdkfix.run.write_atomically

    def write_then_interrupt(path, data, expected=None, **options):
        real_write(path, data, expected=expected, **options)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C right after the first file is written

    monkeypatch.setattr(cdkfix.run, "write_atomically", write_then_interrupt)
    code, _, err = cli("apply", ".", "--jobs", "1", "--report", "r.md")
    assert code == 130
    assert "cdkfix: interrupted after 1 file of 3; 1 file written:\n  a.py\n" in err
    assert [(here / name).read_text() == FIXED for name in ("a.py", "b.py", "c.py")] == [True, False, False]
    report = (here / "r.md").read_text()
    assert "Interrupted (Ctrl-C)" in report and "`a.py`" in report and "b.py" not in report
    assert signal.getsignal(signal.SIGINT) is before  # restored


CTRL_C_AFTER_FIRST_WRITE = """
import os, signal, sys
import cdkfix.run
real = cdkfix.run.write_atomically
def write_then_ctrl_c(path, data, expected=None, **options):
    real(path, data, expected=expected, **options)
    if not getattr(write_then_ctrl_c, "done", False):
        write_then_ctrl_c.done = True
        os.killpg(0, signal.SIGINT)  # what a terminal's Ctrl-C does: the parent and its workers
cdkfix.run.write_atomically = write_then_ctrl_c
sys.argv = ["cdkfix", *sys.argv[1:]]
from cdkfix.__main__ import run
run()
"""


def test_19_14_ctrl_c_with_worker_processes_loses_no_written_file(here):
    for number in range(200):
        put(here / f"f{number:03}.py")
    script = here / "ctrl_c.py"
    script.write_text(CTRL_C_AFTER_FIRST_WRITE)
    done = subprocess.run(
        [os.sys.executable, str(script), "apply", ".", "--jobs", "2", "--report", "r.md"],
        cwd=here, capture_output=True, text=True, timeout=300, start_new_session=True,
    )
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr  # workers ignore it
    listed = [line.strip() for line in done.stderr.splitlines() if line.startswith("  f")]
    fixed = sorted(path.name for path in here.glob("f*.py") if path.read_text() == FIXED)
    assert listed == fixed and 1 <= len(fixed) < 200
    assert "checked before the interruption" in done.stderr
    assert "Interrupted (Ctrl-C)" in (here / "r.md").read_text()


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_19_16_a_config_above_the_repository_root_does_not_apply(cli, here):
    put(here / "cdkfix.toml", "unsafe-fixes = true\n")  # above the repository: never chosen by it
    repo = here / "repo"
    git_init(repo)
    put(repo / "a.py")
    code, out, err = cli("check", "repo/a.py", "--show-settings")
    assert code == 0
    assert "configuration file: none" in out and "unsafe-fixes: false" in out
    (here / "pyproject.toml").write_text("this is [not toml\n")  # malformed, above the root
    assert cli("check", "repo")[0] == 1
    put(repo / "pyproject.toml", "[tool.cdkfix]\nunsafe-fixes = true\nline-length = 100\n")
    out = cli("check", "repo/a.py", "--show-settings")[1]
    assert "configuration file: repo/pyproject.toml" in out and "unsafe-fixes: true" in out
    assert "line-length: 100" in out


# --- issue 16: the README's --verify example runs on an app that synthesizes -------------------


@pytest.mark.synth
def test_the_verify_example_app_synthesizes_before_and_after_its_fixes(cli, here, monkeypatch):
    pytest.importorskip("aws_cdk", reason="needs the verify extra (aws-cdk-lib)")
    if shutil.which("node") is None:
        pytest.skip("synthesis needs Node.js")
    from conftest import EXAMPLES

    app = here / "verify_app"
    shutil.copytree(EXAMPLES / "verify_app", app)
    original = (app / "app.py").read_text()
    monkeypatch.delenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", raising=False)
    code, _, err = cli("apply", "--verify", "--unsafe-fixes", "--report", "r.md", "verify_app")  # B2 is unsafe
    # jsii's Node.js end-of-life warning is silenced in cdkfix's own syntheses only, never for
    # the user's later runs: the variable stays out of the environment cdkfix leaves behind.
    assert "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION" not in os.environ
    assert code == 0, err
    assert "verified: synthesizes before and after the 3 fixes" in err
    fixed = (app / "app.py").read_text()
    assert fixed != original and "container_insights_v2=ecs.ContainerInsights.ENABLED" in fixed
    report = (here / "r.md").read_text()
    assert "**Result** (`verified`)" in report
    assert "- **Fixes applied**: 3 (0 A, 2 B, 1 I) in 1 file, by 3 rules" in report


def test_verify_names_the_node_versions_jsii_supports(cli, here, monkeypatch):
    # Nothing is synthesized: the note comes before the run, and the folder has no app.
    monkeypatch.setattr("cdkfix.verify.synth.node_major_version", lambda: "20")
    code, _, err = cli("check", "--verify", ".")
    assert "cdkfix: note: Node.js 20 is end-of-life for jsii (supported: 22, 24)" in err
    monkeypatch.setattr("cdkfix.verify.synth.node_major_version", lambda: "22")
    assert "end-of-life" not in cli("check", "--verify", ".")[2]
