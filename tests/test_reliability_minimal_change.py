"""Only fixed statements change: a fixed file differs from the original only around the
fixed statements and the added imports; a file without fixes is never rewritten, even
where LibCST's round trip would lose a byte."""

from __future__ import annotations

import os
import shutil

import libcst as cst
import pytest

from cdkfix import engine
from cdkfix.config import Selection, resolve_rules
from cdkfix.records import FixStatus
from cdkfix.registry import all_rules
from cdkfix.splice import CannotSplice, splice
from conftest import FIXED, FLAWED
from reliability_support import EXAMPLES, changes_outside_fixes, example_files, fix_all, output_of, source_lines

# LibCST 1.9 turns a file ending in "\n \n " (a blank line, then a space and no final
# newline) into one ending in "\n ": one byte lost.
LOSSY_TAIL = " \n "


def _relative(path) -> str:
    return str(path.relative_to(EXAMPLES))


@pytest.mark.parametrize("path", example_files(), ids=_relative)
def test_example_file_changes_only_around_its_fixes(path):
    source = path.read_text()
    result = fix_all(source, path=str(path))
    assert not result.errors, result.errors
    assert all(record.status is FixStatus.APPLIED for record in result.fixes)
    fixed = output_of(source, result)
    assert (fixed != source) == bool(result.fixes)
    assert changes_outside_fixes(source, fixed, result.fixes) == []
    compile(fixed, str(path), "exec")


def test_the_examples_do_exercise_the_check():
    fixed = [path for path in example_files() if fix_all(path.read_text(), path=str(path)).fixes]
    assert len(fixed) >= 6
    codes = {record.code for path in fixed for record in fix_all(path.read_text(), path=str(path)).fixes}
    assert len(codes) >= 20  # nearly every rule fires on the example apps


EXAMPLE_CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{index}")
    for rule in all_rules()
    for index, example in enumerate(rule.examples)
    if example.after is not None
]


@pytest.mark.parametrize("rule, example", EXAMPLE_CASES)
def test_rule_example_changes_only_around_its_fixes(rule, example):
    from cdkfix.config import RunConfig

    from cdkfix.testing import example_rules

    rules = tuple(example_rules(rule, example))  # the rule, and what the example also selects
    config = RunConfig(rules=rules, rule_options={rule.code: example.options} if example.options else {}, unsafe_fixes=True)
    result = engine.fix_module(example.before.encode(), "example.py", config)
    fixed = output_of(example.before, result)
    assert fixed == example.after
    assert changes_outside_fixes(example.before, fixed, result.fixes) == []


def test_the_check_catches_a_change_away_from_the_fixes():
    result = fix_all(FLAWED)
    fixed = output_of(FLAWED, result)
    assert changes_outside_fixes(FLAWED, fixed, result.fixes) == []
    touched = fixed.replace("    return cluster\n", "    return cluster  # touched\n")
    assert changes_outside_fixes(FLAWED, touched, result.fixes)
    moved = fixed.replace("def build(", "x = 1\n\n\ndef build(")
    assert changes_outside_fixes(FLAWED, moved, result.fixes)
    stray_import = fixed.replace("    return cluster\n", "    return cluster\nimport os\n")
    assert changes_outside_fixes(FLAWED, stray_import, result.fixes)
    code_among_imports = fixed.replace("as ecs\n", "as ecs\nprint()\n", 1)
    assert changes_outside_fixes(FLAWED, code_among_imports, result.fixes)
    added_import = fixed.replace("as ecs\n", "as ecs\nfrom aws_cdk import Duration\n", 1)
    assert changes_outside_fixes(FLAWED, added_import, result.fixes) == []


def test_cli_writes_exactly_the_checked_text(cli, tmp_path):
    tree = tmp_path / "examples"
    shutil.copytree(EXAMPLES, tree)
    # the example apps' own configuration (destroyable group, unsafe fixes, I5's command), for
    # every file: what fix_all runs
    config = tree / "seed_app" / "cdkfix.toml"
    code, out, err = cli("apply", "--config", config, "--jobs", "1", tree)
    assert code == 0, err
    # What that configuration selects: the default rules and the destroyable group (not the packs).
    default = resolve_rules(all_rules(), [Selection(extend_select=("destroyable",))])
    for path in example_files():
        source = path.read_text()
        expected = output_of(source, fix_all(source, default, path=str(path)))
        assert (tree / path.relative_to(EXAMPLES)).read_text() == expected, path


# --- the lossy round trip --------------------------------------------------------------


def test_the_tail_libcst_loses_is_real():
    lossy = FLAWED + LOSSY_TAIL
    assert lossy.endswith("\n \n ")
    assert cst.parse_module(lossy).code != lossy  # if LibCST ever fixes this, the tests below still hold


def test_a_fixed_file_keeps_the_tail_libcst_loses(cli, tmp_path):
    (tmp_path / "stack.py").write_text(FLAWED + LOSSY_TAIL)
    code, out, err = cli("apply", "--isolated", tmp_path)
    assert code == 0, err
    assert (tmp_path / "stack.py").read_bytes() == (FIXED + LOSSY_TAIL).encode()


def test_code_inserted_at_the_end_of_a_lossy_file_keeps_its_tail():
    # CDK-I1 adds outputs after the last statement of the file: right before the lossy tail.
    source = (EXAMPLES / "seed_app" / "lib" / "ecs_stack.py").read_text()
    plain = fix_all(source)
    lossy = fix_all(source + LOSSY_TAIL)
    assert not lossy.errors
    assert any(record.code == "CDK-I1" and record.end_line == source.count("\n") for record in lossy.fixes)
    assert output_of(source + LOSSY_TAIL, lossy) == output_of(source, plain) + LOSSY_TAIL


def test_a_change_on_text_libcst_did_not_reproduce_is_refused():
    with pytest.raises(CannotSplice):
        splice("a = 1\nb = 2  \n", "a = 1\nb = 2\n", "a = 1\nb = 3\n")
    # Elsewhere the change is replayed onto the original bytes.
    assert splice("a = 1\nb = 2  \n", "a = 1\nb = 2\n", "a = 0\nb = 2\n") == "a = 0\nb = 2  \n"


def _refuse(*args):
    raise engine.Unmapped("as if the fast path could not vouch for this file")


def test_the_engine_does_not_write_what_it_cannot_splice(monkeypatch):
    real = engine.node_spans

    def spans_with_a_lossy_cluster_line(module, nodes, *original):
        spans, roundtrip = real(module, nodes, *original)
        # As if the round trip had changed the very line the fix rewrites.
        return spans, roundtrip.replace('"Cluster", vpc=vpc)', '"Cluster", vpc=vpc )')

    monkeypatch.setattr(engine, "node_spans", spans_with_a_lossy_cluster_line)
    # The whole-module path: the fast path regenerates only statements it proved LibCST
    # reproduces exactly (tests/test_statement_text.py), so it never gets here.
    monkeypatch.setattr(engine, "StatementText", _refuse)
    result = fix_all(FLAWED)
    assert result.new_source is None
    assert [error.message.split(":")[0] for error in result.errors] == ["not written"]
    assert all(record.status is FixStatus.DROPPED for record in result.fixes)


# --- files without fixes are not rewritten ---------------------------------------------

UNFIXED = {
    "clean.py": FIXED.encode(),
    "clean_lossy.py": (FIXED + LOSSY_TAIL).encode(),
    "clean_crlf.py": FIXED.replace("\n", "\r\n").encode(),
    "clean_no_final_newline.py": FIXED.rstrip("\n").encode(),
    "suppressed.py": FLAWED.replace('vpc=vpc)', 'vpc=vpc)  # cdkfix: ignore[CDK-B12]').encode(),
    "plain.py": b"import os\nprint(os.getcwd())\n",
    "syntax_error.py": b"from aws_cdk import aws_ecs as ecs\ndef broken(:\n",
    "empty.py": b"",
}


def _stamp(path):
    info = os.stat(path)
    return info.st_ino, info.st_mtime_ns, info.st_ctime_ns, info.st_size


@pytest.mark.parametrize("command", [("apply", "--unsafe-fixes"), ("apply", "--dry-run"), ("diff",), ("check",)])
def test_files_without_fixes_are_not_touched(cli, tmp_path, command):
    for name, data in UNFIXED.items():
        (tmp_path / name).write_bytes(data)
        os.utime(tmp_path / name, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    (tmp_path / "flawed.py").write_text(FLAWED)
    before = {name: _stamp(tmp_path / name) for name in UNFIXED}
    flawed_before = _stamp(tmp_path / "flawed.py")
    cli(*command, "--isolated", "--jobs", "1", tmp_path)
    assert {name: _stamp(tmp_path / name) for name in UNFIXED} == before
    assert {name: (tmp_path / name).read_bytes() for name in UNFIXED} == UNFIXED
    if command == ("apply", "--unsafe-fixes"):
        assert (tmp_path / "flawed.py").read_text() == FIXED  # the run did write
    else:
        assert _stamp(tmp_path / "flawed.py") == flawed_before
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*UNFIXED, "flawed.py"])


# A lone backslash line is dropped by LibCST's round trip: every line after it moves up.
LOSSY_LINES = {"backslash": "\\\n", "backslash-crlf": "\n\\\r\n"}


@pytest.mark.parametrize("lossy", LOSSY_LINES.values(), ids=LOSSY_LINES)
def test_fix_records_give_the_files_own_lines_after_a_lossy_line(lossy):
    source = "from aws_cdk import aws_ecs as ecs\n" + lossy + 'cluster = ecs.Cluster(self, "C", vpc=vpc)\nprint(cluster)\n'
    assert cst.parse_module(source).code != source
    line = source_lines(source).index('cluster = ecs.Cluster(self, "C", vpc=vpc)\n') + 1
    result = fix_all(source)
    assert [(record.code, record.line, record.start_line, record.end_line) for record in result.fixes] == [
        ("CDK-B12", line, line, line)
    ]
    assert changes_outside_fixes(source, output_of(source, result), result.fixes) == []


@pytest.mark.parametrize("lossy", LOSSY_LINES.values(), ids=LOSSY_LINES)
def test_a_suppression_after_a_lossy_line_is_honoured(lossy):
    source = (
        "from aws_cdk import aws_ecs as ecs\n" + lossy
        + 'cluster = ecs.Cluster(self, "C", vpc=vpc)  # cdkfix: ignore[CDK-B12]\nprint(cluster)\n'
    )
    result = fix_all(source)
    assert [record.status for record in result.fixes] == [FixStatus.SUPPRESSED]
    assert result.new_source is None and result.notices == []


def test_a_cdk_nag_acknowledgement_after_a_lossy_line_names_the_files_line():
    source = (
        "from aws_cdk import aws_ecs as ecs\nfrom cdk_nag import NagSuppressions\n\\\n"
        'cluster = ecs.Cluster(self, "C", vpc=vpc)\n'
        'NagSuppressions.add_resource_suppressions(cluster, [{"id": "AwsSolutions-ECS4", "reason": "dev"}])\n'
    )
    # The default selection: the opt-in cdk-nag v3 migration would rewrite the acknowledgement itself.
    result = fix_all(source, [rule for rule in all_rules() if rule.default])
    assert [record.status for record in result.fixes] == [FixStatus.SUPPRESSED]
    assert "on line 5" in result.fixes[0].detail, result.fixes[0].detail


def test_a_file_whose_only_fixes_are_held_back_is_not_touched(cli, tmp_path):
    # CDK-B4 (opt-in, group destroyable) is unsafe: without --unsafe-fixes it is reported, and the file stays as it is.
    data = (
        b"from aws_cdk import RemovalPolicy, aws_secretsmanager as secretsmanager\n\n"
        b'secret = secretsmanager.Secret(self, "S", removal_policy=RemovalPolicy.RETAIN)\n \n '
    )
    path = tmp_path / "secrets.py"
    path.write_bytes(data)
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = _stamp(path)
    code, out, err = cli("apply", "--isolated", "--extend-select", "destroyable", "--no-unsafe-fixes", "--jobs", "1", tmp_path)
    assert code == 1, err  # an unsafe fix held back is pending
    assert "1 unsafe fix held back" in out + err
    assert _stamp(path) == before and path.read_bytes() == data
