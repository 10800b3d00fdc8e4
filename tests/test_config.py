"""[tool.cdkfix] / cdkfix.toml: every key, discovery, CLI precedence, and usage errors (exit 2)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdkfix.cli import app
from cdkfix.config import ConfigError, RunConfig, build_run_config, find_config_file, glob_matches, load_settings
from cdkfix.run import run
from rulekit import TEST_RULES, BucketAutoDelete, BucketSsl, QueueName

# Flagged by TEST-S1, TEST-U1 (the bucket), TEST-O1 (the queue) and CDK-B12 (the cluster) only:
# the bucket states its encryption and takes its removal policy from a variable, so the real
# bucket rules (CDK-B1, CDK-B2) have nothing to say about it.
APP = """\
from aws_cdk import aws_s3 as s3, aws_sqs as sqs, aws_ecs as ecs

bucket = s3.Bucket(self, "B", encryption=s3.BucketEncryption.S3_MANAGED, removal_policy=removal_policy)
queue = sqs.Queue(self, "Q")
cluster = ecs.Cluster(self, "C")
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def codes_found(outcome) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for fix in outcome.fixes:
        found.setdefault(Path(fix.path).name, set()).add(fix.code)
    return found


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def project(tmp_path, monkeypatch, test_rules):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "app.py", APP)
    return tmp_path


def pyproject(root: Path, body: str) -> Path:
    return write(root / "pyproject.toml", "[project]\nname = 'x'\n\n[tool.cdkfix]\n" + textwrap.dedent(body))


def check_json(*args: str) -> tuple[int, set[str]]:
    result = cli("check", *args, "--report", "out.json", "--jobs", "1")
    data = json.loads(Path("out.json").read_text())
    # check writes nothing: a fix found is "pending" (the JSON says "applied" only after apply).
    return result.exit_code, {fix["code"] for fix in data["fixes"] if fix["status"] == "pending"}


# --- keys --------------------------------------------------------------------------------


def test_no_config_runs_every_rule(project):
    code, found = check_json("app.py")
    assert code == 1
    assert found == {"CDK-B12", "TEST-S1", "TEST-O1"}  # TEST-U1 is unsafe: held back


def test_select_key(project):
    pyproject(project, 'select = ["TEST-S1", "CDK-B"]\n')
    assert check_json("app.py")[1] == {"TEST-S1", "CDK-B12"}


def test_extend_select_key_adds_to_select(project):
    pyproject(project, 'select = ["TEST-S1"]\nextend-select = ["TEST-O1"]\n')
    assert check_json("app.py")[1] == {"TEST-S1", "TEST-O1"}


def test_ignore_key(project):
    pyproject(project, 'ignore = ["CDK-B12", "test-queue-name"]\n')
    assert check_json("app.py")[1] == {"TEST-S1"}


def test_per_file_ignores_key(project):
    write(project / "lib" / "legacy_stack.py", APP)
    write(project / "lib" / "new_stack.py", APP)
    pyproject(project, """
        [tool.cdkfix.per-file-ignores]
        "lib/legacy_*.py" = ["CDK-B12", "TEST-S1"]
        "app.py" = ["TEST-O1"]
    """)
    config = build_run_config()
    outcome = run([str(project)], config)
    assert codes_found(outcome) == {
        "legacy_stack.py": {"TEST-O1", "TEST-U1"},
        "new_stack.py": {"CDK-B12", "TEST-S1", "TEST-O1", "TEST-U1"},
        "app.py": {"CDK-B12", "TEST-S1", "TEST-U1"},
    }


def test_unsafe_fixes_key_applies_unsafe_fixes(project):
    pyproject(project, "unsafe-fixes = true\n")
    result = cli("apply", "app.py", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "auto_delete_objects=True" in (project / "app.py").read_text()


def test_unsafe_fixes_default_holds_them_back(project):
    result = cli("apply", "app.py", "--jobs", "1")
    assert result.exit_code == 1  # unsafe fixes held back
    text = (project / "app.py").read_text()
    assert "enforce_ssl=True" in text and "auto_delete_objects" not in text
    assert "1 unsafe fix held back" in result.stderr


def test_cli_no_unsafe_fixes_overrides_the_file(project):
    pyproject(project, "unsafe-fixes = true\n")
    result = cli("apply", "app.py", "--no-unsafe-fixes", "--jobs", "1")
    assert result.exit_code == 1
    assert "auto_delete_objects" not in (project / "app.py").read_text()


def test_cli_unsafe_fixes_overrides_the_file(project):
    pyproject(project, "unsafe-fixes = false\n")
    assert cli("apply", "app.py", "--unsafe-fixes", "--jobs", "1").exit_code == 0
    assert "auto_delete_objects=True" in (project / "app.py").read_text()


def test_exclude_key(project):
    write(project / "generated" / "stack.py", APP)
    write(project / "lib" / "fixtures" / "flawed.py", APP)
    write(project / "lib" / "real.py", APP)
    pyproject(project, 'exclude = ["generated", "lib/fixtures/**", "app.py"]\n')
    outcome = run([str(project)], build_run_config())
    assert set(codes_found(outcome)) == {"real.py"}
    assert outcome.files_seen == 1


def test_a_file_named_on_the_command_line_is_processed_even_if_excluded(project):
    # As ruff: exclude applies to what the walk finds; a named path is always processed.
    pyproject(project, 'exclude = ["app.py"]\n')
    result = cli("check", "app.py")
    assert result.exit_code == 1
    assert "(1 file checked)" in result.stderr


def test_force_exclude_applies_exclude_to_files_named_explicitly(project):
    # pre-commit names every staged file: with --force-exclude, `exclude` still keeps them out.
    pyproject(project, 'exclude = ["app.py"]\n')
    result = cli("check", "app.py", "--force-exclude")
    assert result.exit_code == 0
    assert "(0 files checked)" in result.stderr
    assert "cdkfix: warning: no Python files found under app.py" in result.stderr


def test_line_length_key(project):
    source = 'from aws_cdk import aws_sns as sns\n\ntopic = sns.Topic(self, "T")\n'
    write(project / "app.py", source)
    cli("apply", "app.py", "--jobs", "1", "--select", "TEST-W1")
    wide = (project / "app.py").read_text()
    assert len(wide.splitlines()) == 3  # the inserted list fits in 88 columns

    write(project / "app.py", source)
    pyproject(project, "line-length = 40\n")
    assert build_run_config().for_file(project / "app.py").line_length == 40
    cli("apply", "app.py", "--jobs", "1", "--select", "TEST-W1")
    narrow = (project / "app.py").read_text()
    assert len(narrow.splitlines()) > 6 and '"alpha",' in narrow  # black wrapped it at 40
    compile(narrow, "app.py", "exec")


def test_rule_options_key(project):
    pyproject(project, """
        [tool.cdkfix.rules.TEST-O1]
        prefix = "billing"
        count = 2
        suffixes = ["jobs"]
    """)
    cli("apply", "app.py", "--jobs", "1")
    assert 'queue_name="billing-jobs-billing-jobs"' in (project / "app.py").read_text()


def test_rule_options_accept_short_code_and_dashes(project):
    write(project / "cdkfix.toml", """
        [rules.test-queue-name]
        enabled = false
    """)
    assert "TEST-O1" not in check_json("app.py")[1]


def test_cdkfix_toml_is_top_level(project):
    write(project / "cdkfix.toml", 'select = ["TEST-S1"]\n')
    assert check_json("app.py")[1] == {"TEST-S1"}


def test_cdkfix_toml_wins_over_pyproject_in_the_same_folder(project):
    pyproject(project, 'select = ["TEST-O1"]\n')
    write(project / "cdkfix.toml", 'select = ["TEST-S1"]\n')
    assert find_config_file(project).name == "cdkfix.toml"
    assert check_json("app.py")[1] == {"TEST-S1"}


# --- discovery ---------------------------------------------------------------------------


def test_nearest_config_per_file(project):
    pyproject(project, 'select = ["TEST-S1"]\n')
    write(project / "services" / "billing" / "cdkfix.toml", 'select = ["CDK-B12"]\n')
    write(project / "services" / "billing" / "stack.py", APP)
    write(project / "services" / "other" / "stack.py", APP)
    outcome = run([str(project)], build_run_config())
    found = {fix.path: fix.code for fix in outcome.fixes}
    assert found == {
        "app.py": "TEST-S1",
        "services/billing/stack.py": "CDK-B12",
        "services/other/stack.py": "TEST-S1",
    }


def test_pyproject_without_tool_cdkfix_is_skipped(project):
    write(project / "cdkfix.toml", 'select = ["TEST-S1"]\n')
    write(project / "sub" / "pyproject.toml", "[tool.black]\nline-length = 100\n")
    write(project / "sub" / "stack.py", APP)
    assert find_config_file(project / "sub") == project / "cdkfix.toml"


def test_globs_relative_to_the_config_folder(project):
    write(project / "infra" / "pyproject.toml", "[tool.cdkfix]\nexclude = ['lib/*.py']\n")
    write(project / "infra" / "lib" / "a.py", APP)
    write(project / "lib" / "a.py", APP)  # not under infra/: its own (no) config
    outcome = run([str(project / "infra"), str(project / "lib")], build_run_config())
    assert {fix.path for fix in outcome.fixes} == {"lib/a.py"}


@pytest.mark.parametrize(
    "pattern, path, expected",
    [
        ("cdk.out", "cdk.out/asset/x.py", True),
        ("*_test.py", "lib/stack_test.py", True),
        ("lib/*.py", "lib/a.py", True),
        ("lib/*.py", "lib/sub/a.py", False),
        ("lib/**/*.py", "lib/sub/deep/a.py", True),
        ("lib/**", "lib/a.py", True),
        ("lib", "src/lib/a.py", True),
        ("src/lib", "lib/a.py", False),
        ("stack?.py", "stack1.py", True),
        ("stack[0-9].py", "stackx.py", False),
    ],
)
def test_glob_semantics(pattern, path, expected):
    assert glob_matches(pattern, path) is expected


def test_config_flag_uses_one_file_for_every_path(project):
    write(project / "ci" / "strict.toml", 'select = ["TEST-O1"]\n')
    pyproject(project, 'select = ["TEST-S1"]\n')
    assert check_json("app.py", "--config", "ci/strict.toml")[1] == {"TEST-O1"}


def test_config_flag_globs_are_relative_to_the_current_folder(project):
    write(project / "ci" / "strict.toml", 'exclude = ["lib/skip.py"]\n')
    write(project / "lib" / "skip.py", APP)
    result = cli("check", "lib", "app.py", "--config", "ci/strict.toml", "--jobs", "1")
    assert "lib/skip.py" not in result.stdout and "app.py:" in result.stdout


def test_isolated_ignores_config_files(project):
    pyproject(project, 'select = ["TEST-S1"]\nunsafe-fixes = true\n')
    assert check_json("app.py", "--isolated")[1] == {"CDK-B12", "TEST-S1", "TEST-O1"}


# --- CLI precedence ----------------------------------------------------------------------


def test_cli_select_overrides_file_select_and_ignore(project):
    pyproject(project, 'select = ["TEST-S1"]\nignore = ["CDK-B12"]\n')
    assert check_json("app.py", "--select", "CDK-B12")[1] == {"CDK-B12"}


def test_cli_ignore_adds_to_the_file(project):
    pyproject(project, 'ignore = ["TEST-S1"]\n')
    assert check_json("app.py", "--ignore", "TEST-O1")[1] == {"CDK-B12"}


def test_cli_extend_select_adds_to_the_file(project):
    pyproject(project, 'select = ["TEST-S1"]\n')
    assert check_json("app.py", "--extend-select", "B12")[1] == {"TEST-S1", "CDK-B12"}


def test_exact_code_is_not_a_prefix(test_rules):
    from cdkfix.config import matching_rules

    assert [rule.code for rule in matching_rules(test_rules, "TEST")] == ["TEST-S1", "TEST-U1", "TEST-O1", "TEST-W1", "TEST-N1"]
    assert [rule.code for rule in matching_rules(test_rules, "b12")] == ["CDK-B12"]
    assert [rule.code for rule in matching_rules(test_rules, "B1")] == ["CDK-B1"]  # not CDK-B10..B14
    assert matching_rules(test_rules, "B15") == []  # a full code that no rule has: unknown, not a prefix


# --- errors: exit 2, naming the file and the key ------------------------------------------


@pytest.mark.parametrize(
    "body, key, message",
    [
        ('selct = ["TEST-S1"]\n', "selct", "unknown key 'selct'"),
        ('extend_select = ["TEST-S1"]\n', "extend_select", "did you mean 'extend-select'"),
        ('select = ["CDK-Z9"]\n', "CDK-Z9", "unknown rule code 'CDK-Z9' in 'select'"),
        ('ignore = ["B99"]\n', "B99", "unknown rule code 'B99' in 'ignore'"),
        ('extend-select = "TEST-S1"\n', "extend-select", "must be a list"),
        ('[tool.cdkfix.per-file-ignores]\n"a.py" = ["NOPE"]\n', "NOPE", "per-file-ignores.a.py"),
        ('unsafe-fixes = "yes"\n', "unsafe-fixes", "true or false"),
        ("exclude = [1]\n", "exclude", "list of globs"),
        ("line-length = 10\n", "line-length", "40 to 320"),
        ("[tool.cdkfix.rules.CDK-Z1]\nx = 1\n", "CDK-Z1", "unknown rule code 'CDK-Z1' in [rules.CDK-Z1]"),
        ("[tool.cdkfix.rules.TEST-O1]\nprefx = 'a'\n", "prefx", "unknown option 'prefx' for TEST-O1"),
        ("[tool.cdkfix.rules.TEST-O1]\ncount = 'two'\n", "count", "must be an integer, not a string"),
        ("[tool.cdkfix.rules.TEST-O1]\nenabled = 1\n", "enabled", "must be true or false, not an integer"),
        ("[tool.cdkfix.rules.TEST-O1]\nsuffixes = 'x'\n", "suffixes", "must be a list"),
    ],
)
def test_bad_config_is_a_usage_error_naming_file_and_key(project, body, key, message):
    path = pyproject(project, body)
    for command in ("check", "apply", "diff"):
        result = cli(command, "app.py")
        assert result.exit_code == 2, (command, result.output)
        assert message in result.stderr
        assert key in result.stderr
        assert "pyproject.toml" in result.stderr
        line = int(result.stderr.split("pyproject.toml:", 1)[1].split(":", 1)[0])
        assert key in path.read_text().splitlines()[line - 1]  # points at the line
    assert "bucket" in (project / "app.py").read_text() and "enforce_ssl" not in (project / "app.py").read_text()


def test_invalid_toml_is_a_usage_error(project):
    write(project / "cdkfix.toml", "select = [\n")
    result = cli("check", "app.py")
    assert result.exit_code == 2
    assert "cdkfix.toml" in result.stderr and "invalid TOML" in result.stderr


def test_unknown_top_level_key_in_cdkfix_toml(project):
    write(project / "cdkfix.toml", "[tool.cdkfix]\nselect = []\n")
    result = cli("check", "app.py")
    assert result.exit_code == 2
    assert "unknown key 'tool'" in result.stderr and "cdkfix.toml" in result.stderr


def test_unknown_code_on_the_command_line(project):
    for flag in ("--select", "--ignore", "--extend-select"):
        result = cli("check", "app.py", flag, "NOPE1")
        assert result.exit_code == 2
        assert "unknown rule code 'NOPE1'" in result.stderr and flag in result.stderr


def test_missing_config_flag_file(project):
    result = cli("check", "app.py", "--config", "missing.toml")
    assert result.exit_code == 2
    assert "missing.toml" in result.stderr


def test_config_and_isolated_conflict(project):
    pyproject(project, "")
    assert cli("check", "app.py", "--config", "pyproject.toml", "--isolated").exit_code == 2


def test_load_settings_validates_against_the_given_rules(tmp_path):
    path = write(tmp_path / "cdkfix.toml", "[rules.TEST-O1]\nprefix = 'x'\n")
    settings = load_settings(path, universe=TEST_RULES)
    assert dict(settings.rule_options) == {"TEST-O1": (("prefix", "x"),)}
    with pytest.raises(ConfigError) as caught:
        load_settings(path, universe=(BucketSsl, BucketAutoDelete))
    assert caught.value.path == str(path) and "TEST-O1" in caught.value.message


def test_run_config_without_resolver_is_unchanged():
    config = RunConfig(rules=(QueueName,))
    assert config.for_file("anything.py") is config
    assert not config.excludes("anything.py")


# --- groups and opt-in rules -------------------------------------------------------------


def _rule(code: str, *, groups=(), default=True):
    return type(code.replace("-", "_"), (), {"code": code, "name": code.lower(), "groups": groups, "default": default})


GROUPED = (
    _rule("CDK-B1", groups=("destroyable",), default=False),
    _rule("CDK-B2"),
    _rule("CDK-B3", groups=("destroyable",), default=False),
    _rule("PACK-X1", groups=("pack",), default=False),
    _rule("PACK-X2", groups=("pack",), default=False),
)


def _codes(layers):
    from cdkfix.config import resolve_rules

    return [rule.code for rule in resolve_rules(GROUPED, layers)]


def test_opt_in_rules_are_off_by_default():
    assert _codes([]) == ["CDK-B2"]


def test_a_group_selects_its_rules_wherever_a_code_does():
    from cdkfix.config import Selection

    assert _codes([Selection(extend_select=("destroyable",))]) == ["CDK-B1", "CDK-B2", "CDK-B3"]
    assert _codes([Selection(select=("PACK",))]) == ["PACK-X1", "PACK-X2"]  # case does not matter
    assert _codes([Selection(extend_select=("destroyable",), ignore=("CDK-B3",))]) == ["CDK-B1", "CDK-B2"]
    assert _codes([Selection(extend_select=("destroyable", "pack"), ignore=("pack",))]) == ["CDK-B1", "CDK-B2", "CDK-B3"]


def test_a_prefix_does_not_turn_on_opt_in_rules_among_default_ones():
    from cdkfix.config import Selection

    assert _codes([Selection(select=("CDK-B",))]) == ["CDK-B2"]
    assert _codes([Selection(select=("B1",))]) == ["CDK-B1"]  # the exact code does
    assert _codes([Selection(select=("PACK-X",))]) == ["PACK-X1", "PACK-X2"]  # a prefix of opt-in rules only
    assert _codes([Selection(select=("ALL",))]) == ["CDK-B1", "CDK-B2", "CDK-B3", "PACK-X1", "PACK-X2"]
    assert _codes([Selection(extend_select=("destroyable",), ignore=("CDK-B",))]) == []  # ignore: every match
