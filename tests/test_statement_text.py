"""The fast text path (cdkfix/statement_text.py) gives exactly what generating the whole
module gives, and falls back to that where it cannot vouch for a file."""

from __future__ import annotations

import dataclasses
import random

import libcst as cst
import pytest

from cdkfix import engine, statement_text
from cdkfix.config import RunConfig
from cdkfix.names import ImportMap
from cdkfix.registry import all_rules
from cdkfix.samples import realistic_cdk_module
from cdkfix.traverse import walk
from reliability_support import example_files, fix_all

LOSSY_TAIL = " \n "  # LibCST 1.9 loses a byte of a file ending in "\n \n "


def _refuse(*args):
    raise statement_text.Unmapped("forced")


def _both_paths(monkeypatch, source: str, path: str = "generated.py"):
    fast = fix_all(source, path=path)
    with monkeypatch.context() as patch:
        patch.setattr(engine, "StatementText", _refuse)
        slow = fix_all(source, path=path)
    return fast, slow


def _same_result(fast, slow) -> None:
    assert fast.new_source == slow.new_source
    assert [dataclasses.asdict(record) for record in fast.fixes] == [dataclasses.asdict(record) for record in slow.fixes]
    assert [str(error) for error in fast.errors] == [str(error) for error in slow.errors]


def _count_fallbacks(monkeypatch) -> list[str]:
    """Every time the engine gives up on the fast path, and why."""
    seen: list[str] = []
    real = engine._fast_path_failed

    def recording():
        import sys

        seen.append(str(sys.exc_info()[1]))
        return real()

    monkeypatch.setattr(engine, "_fast_path_failed", recording)
    return seen


def _rule_sources() -> list[tuple[str, str]]:
    return [
        (f"{rule.code}-{index}", example.before)
        for rule in all_rules()
        for index, example in enumerate(rule.examples)
    ]


@pytest.mark.parametrize("path", example_files(), ids=lambda path: path.name)
def test_example_files_are_fixed_the_same_both_ways_without_falling_back(monkeypatch, path):
    fallbacks = _count_fallbacks(monkeypatch)
    fast, slow = _both_paths(monkeypatch, path.read_text(), str(path))
    assert set(fallbacks) <= {"forced"}, fallbacks
    _same_result(fast, slow)


def test_rule_examples_are_fixed_the_same_both_ways(monkeypatch):
    fallbacks = _count_fallbacks(monkeypatch)
    for name, source in _rule_sources():
        fast, slow = _both_paths(monkeypatch, source)
        _same_result(fast, slow)
    # Only the forced ones: the fast path vouched for every example itself.
    assert set(fallbacks) <= {"forced"}, fallbacks


def test_generated_stacks_are_fixed_the_same_both_ways(monkeypatch):
    rng = random.Random(7)
    fixed = 0
    for _ in range(40):
        fast, slow = _both_paths(monkeypatch, realistic_cdk_module(rng, flaw_rate=0.5))
        _same_result(fast, slow)
        fixed += fast.new_source is not None
    assert fixed > 20


NESTED = '''\
from aws_cdk import aws_ecs as ecs
# a comment about nothing


class Stack:  # trailing
    def build(self, vpc):
        if vpc:
            try:
                # about the cluster
                cluster = ecs.Cluster(self, "Cluster", vpc=vpc)   # keep me
            except Exception:  \t
                pass
            else:
                 pass
        # an odd footer comment
    # another one
x = 1 ;  y = 2
'''


def test_only_the_fixed_statement_is_regenerated_in_nested_blocks(monkeypatch):
    fallbacks = _count_fallbacks(monkeypatch)
    fast, slow = _both_paths(monkeypatch, NESTED)
    _same_result(fast, slow)
    assert set(fallbacks) <= {"forced"}
    fixed = fast.new_source.decode()
    assert fixed == NESTED.replace(
        'vpc=vpc)   # keep me', 'vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)   # keep me'
    )
    assert fast.fixes[0].line == 10


def test_crlf_and_a_lossy_tail_are_kept_by_the_fast_path(monkeypatch):
    fallbacks = _count_fallbacks(monkeypatch)
    source = NESTED.replace("\n", "\r\n") + " \r\n "
    fast, slow = _both_paths(monkeypatch, source)
    _same_result(fast, slow)
    assert set(fallbacks) <= {"forced"}
    assert fast.new_source.decode().endswith("x = 1 ;  y = 2\r\n \r\n ")


def test_a_statement_libcst_does_not_reproduce_sends_the_file_down_the_slow_path(monkeypatch):
    fallbacks = _count_fallbacks(monkeypatch)
    real = statement_text.StatementText.__init__

    def seeing_other_lines(self, *args):  # as if LibCST printed the fixed statement differently
        real(self, *args)
        self.lines = [line.replace('"Cluster"', '"Cluster" ') for line in self.lines]

    monkeypatch.setattr(statement_text.StatementText, "__init__", seeing_other_lines)
    result = fix_all(NESTED)
    assert fallbacks == ["LibCST does not reproduce line 10 exactly"]
    # The slow path still fixes the file, from the whole module's code.
    monkeypatch.undo()
    assert result.new_source == fix_all(NESTED).new_source is not None


def test_syntax_cpython_here_cannot_parse_falls_back(monkeypatch):
    def no_ast(*args, **kwargs):
        raise SyntaxError("newer syntax")

    fallbacks = _count_fallbacks(monkeypatch)
    monkeypatch.setattr(statement_text.ast, "parse", no_ast)
    result = fix_all(NESTED)
    assert fallbacks and "CPython cannot parse" in fallbacks[0]
    assert result.new_source is not None and b"container_insights_v2" in result.new_source


def _nodes_of(root: cst.CSTNode) -> set[int]:
    found: set[int] = set()
    walk(root, lambda node: found.add(id(node)), lambda node: None)
    return found


def test_a_fix_node_lies_in_its_statements_or_in_inserted_code():
    """The fast path finds a fix's node only inside the fix's own statements: every rule
    must keep it there (or point at code another fix inserts, which has no line)."""
    sources = [path.read_text() for path in example_files()] + [source for _, source in _rule_sources()]
    checked = 0
    for source in sources:
        module = cst.parse_module(source)
        everywhere = _nodes_of(module)
        for fix in engine.find_fixes(module, ImportMap.from_module(module), "x.py", RunConfig.default()):
            inside = set()
            for statement in [fix.anchor, *(edit.statement for edit in fix.edits)]:
                inside |= _nodes_of(statement)
            assert id(fix.node) in inside or id(fix.node) not in everywhere, (fix.rule.code, source[:60])
            checked += 1
    assert checked > 50
