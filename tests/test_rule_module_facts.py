"""Rule.module_facts: one read-only visit of the module per key and file, never carried to another file."""

from __future__ import annotations

import libcst as cst

from cdkfix.names import ImportMap
from cdkfix.rule import Category, FileContext, Kind, Rule, Safety


class _Calls(cst.CSTVisitor):
    made = 0

    def __init__(self) -> None:
        super().__init__()
        type(self).made += 1
        self.names: list[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self.names.append(node.func.value)


class _Probe(Rule):
    code, name, title = "TEST-FACTS", "test-module-facts", "probe"
    category, kind, safety = Category.CONFIGURATION, Kind.SECURITY, Safety.SAFE


def _rule(source: str) -> _Probe:
    module = cst.parse_module(source)
    return _Probe(FileContext(module, ImportMap.from_module(module), "x.py", 88))


def test_the_module_is_visited_once_per_key_and_file():
    _Calls.made = 0
    rule = _rule("a()\nb(c())\n")
    first = rule.module_facts("calls", _Calls)
    again = rule.module_facts("calls", _Calls)
    assert first is again and first.names == ["a", "b", "c"] and _Calls.made == 1
    assert rule.module_facts("other key", _Calls) is not first and _Calls.made == 2


def test_facts_belong_to_their_file():
    assert _rule("a()\n").module_facts("calls", _Calls).names == ["a"]
    assert _rule("z()\n").module_facts("calls", _Calls).names == ["z"]
