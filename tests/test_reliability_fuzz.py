"""Output always compiles: for any input that parses, cdkfix's output parses and compiles.

Arbitrary programs come from hypothesmith (Python's grammar, and LibCST's node types),
prefixed with a CDK import so every rule runs over them: cdkfix must not crash, report at
most a clean syntax error, and leave them byte for byte as they were. With flawed CDK
statements added, only those statements and the imports change, and the output compiles.
Generated CDK programs, with any subset of the rules, safe or unsafe, compile once fixed.

Budget: a fixed number of cases (the same ones on every run) in CI;
CDKFIX_FUZZ_EXAMPLES=N for a long run (see docs/reliability.md).
"""

from __future__ import annotations

import warnings

import hypothesmith
import libcst as cst
import pytest
from hypothesis import event, given, strategies as st

from cdkfix.config import RunConfig
from cdkfix.engine import fix_module
from cdkfix.records import FileResult, FixStatus
from cdkfix.registry import all_rules
from reliability_support import (
    cdk_modules, changes_outside_fixes, example_mixes, fix_all, fuzz_settings, output_of, seeded_cdk_modules,
)

# Generated programs may call an int or compare with `is` a literal: only warnings.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")

CDK_IMPORT = "from aws_cdk import aws_s3 as s3\n"
CLEAN_SYNTAX_ERRORS = ("syntax error: ", "syntax LibCST cannot parse: ")


def _compiles(code: str | bytes) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(code, "generated.py", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True


def _reparses(code: str) -> bool:
    try:
        cst.parse_module(code)
    except cst.ParserSyntaxError:
        return False
    return True


def _assert_left_alone(source: str, result: FileResult) -> None:
    """No crash (fix_module returned), no fix, not rewritten; an error only a clean syntax error."""
    for error in result.errors:
        assert error.message.startswith(CLEAN_SYNTAX_ERRORS) and error.line >= 1, error
        event("a clean syntax error")
    assert result.fixes == [], [record.code for record in result.fixes]
    assert result.new_source is None, "a program without CDK constructs was rewritten"


@fuzz_settings(100)
@given(hypothesmith.from_grammar())
def test_grammar_programs_are_left_alone(program):
    source = CDK_IMPORT + program
    _assert_left_alone(source, fix_all(source))


@fuzz_settings(15, share=0.25)
@given(hypothesmith.from_node())
def test_libcst_node_programs_are_left_alone(program):
    source = CDK_IMPORT + program
    _assert_left_alone(source, fix_all(source))


FLAWED_PREFIX = "from aws_cdk import RemovalPolicy, aws_s3 as s3, aws_ecs as ecs, aws_sns as sns\n"
FLAWED_STATEMENTS = [
    'bucket = s3.Bucket(self, "Bucket")',
    's3.Bucket(self, "Logs", versioned=True)',
    'cluster = ecs.Cluster(self, "Cluster", vpc=vpc)',
    # a topic with no removal policy is deleted with its stack: only a retained one is a flaw (CDK-B3)
    'sns.Topic(\n    self,\n    "Topic",\n).apply_removal_policy(RemovalPolicy.RETAIN)',
]


@fuzz_settings(60)
@given(program=hypothesmith.from_grammar(), flawed=st.lists(st.sampled_from(FLAWED_STATEMENTS), min_size=1, max_size=3),
       first=st.booleans())
def test_grammar_programs_with_flawed_constructs_change_only_there(program, flawed, first):
    added = "\n".join(flawed) + "\n"
    program = program if program.endswith("\n") or not program else program + "\n"
    source = FLAWED_PREFIX + (added + program if first else program + added)
    result = fix_all(source)
    if result.errors and all(error.message.startswith(CLEAN_SYNTAX_ERRORS) for error in result.errors):
        # e.g. a line continuation right before the end of the file: Python reads it,
        # LibCST does not. Nothing is fixed, nothing is written.
        event("LibCST cannot parse the program")
        assert result.new_source is None and not result.fixes
        return
    assert not result.errors, result.errors
    if not _compiles(source):
        # e.g. a `from __future__` import that the prefix moved off the first line: then
        # the output only has to parse (the engine re-parses where it cannot compile).
        event("the prefixed program does not compile")
        assert output_of(source, result) == source or _reparses(output_of(source, result))
        return
    # no-fix findings (e.g. a VPC with a NAT provider of its own) are reported, never written
    assert result.fixes and all(record.status in (FixStatus.APPLIED, FixStatus.NO_FIX) for record in result.fixes)
    fixed = output_of(source, result)
    assert _compiles(fixed), fixed
    assert changes_outside_fixes(source, fixed, result.fixes) == []
    assert output_of(fixed, fix_all(fixed)) == fixed


@st.composite
def _configs(draw) -> RunConfig:
    rules = draw(st.lists(st.sampled_from(all_rules()), min_size=1, unique=True))
    return RunConfig(rules=tuple(sorted(rules, key=all_rules().index)), unsafe_fixes=draw(st.booleans()))


@fuzz_settings(100)
@given(source=st.one_of(seeded_cdk_modules(), cdk_modules(), example_mixes()), config=_configs())
def test_generated_cdk_programs_compile_after_fixing(source, config):
    assert _compiles(source)
    result = fix_module(source.encode(), "generated.py", config)
    assert not result.errors, result.errors
    fixed = output_of(source, result)
    assert _compiles(fixed), fixed
    assert changes_outside_fixes(source, fixed, result.fixes) == []
    held_back = {record.code for record in result.fixes if record.status is FixStatus.UNSAFE}
    assert not held_back or not config.unsafe_fixes
