"""`check` with an output that shows no code leaves black out (RunConfig.format_inserted):
the fixes it reports, and whether each fixed file compiles, must be exactly those of a run
that formats the inserted code."""

from __future__ import annotations

import ast
import dataclasses
import random

import pytest
from typer.testing import CliRunner

from cdkfix import formatting
from cdkfix.cli import app
from cdkfix.config import RunConfig
from cdkfix.engine import fix_module
from cdkfix.registry import all_rules
from cdkfix.samples import realistic_cdk_module
from reliability_support import example_files

SHOWN_BY_CHECK = ("code", "path", "line", "column", "node_end_line", "node_end_column", "start_line", "end_line",
                  "message", "status", "detail", "safety", "imports")


def _sources() -> list[str]:
    rng = random.Random(5)
    examples = [example.before for rule in all_rules() for example in rule.examples]
    files = [path.read_text() for path in example_files()]
    return examples + files + [realistic_cdk_module(rng, flaw_rate=0.6) for _ in range(30)]


def _run(source: str, formatted: bool):
    config = RunConfig.default(unsafe_fixes=True, snippets=False, format_inserted=formatted)
    return fix_module(source.encode(), "stack.py", config)


def _shown(result) -> list[dict]:
    return [{key: value for key, value in dataclasses.asdict(fix).items() if key in SHOWN_BY_CHECK} for fix in result.fixes]


def test_black_changes_the_fixed_code_but_not_its_meaning_nor_the_findings(monkeypatch):
    reformatted = 0
    black_calls = []
    for source in _sources():
        with_black = _run(source, True)
        formatting._parsed_expression.cache_clear()  # else a formatted expression could be reused unasked
        with monkeypatch.context() as patch:
            patch.setattr(formatting, "_black", lambda source, width: black_calls.append(source) or source + "\n")
            without = _run(source, False)
        formatting._parsed_expression.cache_clear()  # none of those may reach later tests
        assert _shown(without) == _shown(with_black)
        assert [error.message for error in without.errors] == [error.message for error in with_black.errors]
        assert (without.new_source is None) == (with_black.new_source is None)
        if with_black.new_source is None:
            continue
        plain, black = without.new_source.decode(), with_black.new_source.decode()
        compile(plain, "stack.py", "exec", dont_inherit=True)
        assert ast.dump(ast.parse(plain)) == ast.dump(ast.parse(black))
        reformatted += plain != black
    # The switch does something: many inserted snippets are not black's layout as written.
    assert reformatted > 20
    # Not even edits that make their code while they are applied (CDK-B14's) ask black.
    assert black_calls == []


def test_formatting_is_on_unless_switched_off():
    assert formatting.format_source("x = {'a':1}", 88) == 'x = {"a": 1}\n'
    with formatting.black_formatting(False):
        assert formatting.format_source("x = {'a':1}", 88) == "x = {'a':1}\n"
        with formatting.black_formatting(True):
            assert formatting.format_source("x = {'a':1}", 88) == 'x = {"a": 1}\n'
    assert formatting.format_source("x = {'a':1}", 88) == 'x = {"a": 1}\n'


def test_expressions_are_cached_apart_for_each_setting():
    import libcst as cst

    def code(expression):
        return cst.Module([]).code_for_node(expression)

    assert code(formatting.format_expression("{'a':1}", 88)) == '{"a": 1}'
    with formatting.black_formatting(False):
        assert code(formatting.format_expression("{'a':1}", 88)) == "{'a':1}"
    assert code(formatting.format_expression("{'a':1}", 88)) == '{"a": 1}'


APP = 'from aws_cdk import aws_s3 as s3\n\nbucket = s3.Bucket(self, "B", versioned=True)\n'


@pytest.fixture
def no_black(monkeypatch, tmp_path):
    """A project, and the list of sources black is asked to format (black itself is not run)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stack.py").write_text(APP)
    calls = []

    def record(source, line_length):
        calls.append(source)
        return source if source.endswith("\n") else source + "\n"

    monkeypatch.setattr(formatting, "_black", record)
    formatting._parsed_expression.cache_clear()  # earlier tests' expressions: black not asked again
    yield calls
    formatting._parsed_expression.cache_clear()  # nor may later tests get this test's unformatted ones


@pytest.mark.parametrize("output", ["text", "github"])
def test_check_with_an_output_that_shows_no_code_runs_no_black(no_black, output):
    result = CliRunner().invoke(app, ["check", "--jobs", "1", "--output-format", output, "stack.py"])
    assert result.exit_code == 1, result.output
    assert "CDK-" in result.stdout
    assert no_black == []


@pytest.mark.parametrize("args", [["--output-format", "json"], ["--output-format", "sarif"], ["--report", "r.md"]])
def test_check_that_shows_code_formats_it(no_black, args):
    result = CliRunner().invoke(app, ["check", "--jobs", "1", *args, "stack.py"])
    assert result.exit_code == 1, result.output
    assert no_black != []


def test_apply_formats_the_code_it_writes(no_black):
    result = CliRunner().invoke(app, ["apply", "--dry-run", "--jobs", "1", "stack.py"])
    assert result.exit_code == 1, result.output
    assert no_black != []
