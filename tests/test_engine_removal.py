"""Removing arguments, list elements and whole statements keeps the rest of the layout."""

import libcst as cst
import pytest

from cdkfix import layout
from cdkfix.rule import Category, Kind, Rule
from cdkfix.testing import fix_source


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


@pytest.mark.parametrize(
    "source, index, expected",
    [
        ("[a, b, c]", 1, "[a, c]"),
        ("[a, b, c]", 0, "[b, c]"),
        ("[a, b, c]", 2, "[a, b]"),
        ("[a]", 0, "[]"),
        ("[\n    a  # c\n]", 0, "[]"),
        # the kept element keeps its comment; the removed one takes its own
        ("[\n    a,  # ka\n    b  # broad\n]", 1, "[\n    a  # ka\n]"),
        ("[\n    a,  # ka\n    b,  # broad\n]", 1, "[\n    a,  # ka\n]"),
        # comment lines above the removed element go with it
        ("[\n    # about b\n    b,  # broad\n    a,  # ka\n]", 0, "[\n    a,  # ka\n]"),
        ("[\n    a,  # ka\n    # about b\n    b,  # broad\n    c,\n]", 1, "[\n    a,  # ka\n    c,\n]"),
    ],
)
def test_remove_element(source, index, expected):
    assert _code(layout.remove_element(cst.parse_expression(source), index)) == expected


@pytest.mark.parametrize(
    "source, name, expected",
    [
        ("f(self, x=1, y=2)", "y", "f(self, x=1)"),
        ("f(self, x=1, y=2)", "x", "f(self, y=2)"),
        ("f(y=2)", "y", "f()"),
        ("f(\n    y=2,\n)", "y", "f()"),
        # no trailing comma: the new last argument loses its comma but keeps its comment
        (
            "f(\n    self,\n    x=1,  # one\n    y=[\n        b  # broad\n    ]\n)",
            "y",
            "f(\n    self,\n    x=1  # one\n)",
        ),
        ("f(\n    self,\n    x=1,  # one\n    y=[b],  # broad\n)", "y", "f(\n    self,\n    x=1,  # one\n)"),
        ("f(\n    self,\n    # about y\n    y=2,  # broad\n    x=1,\n)", "y", "f(\n    self,\n    x=1,\n)"),
        ("f(x=1)", "z", "f(x=1)"),
    ],
)
def test_remove_keyword(source, name, expected):
    assert _code(layout.remove_keyword(cst.parse_expression(source), name)) == expected


class _DropCalls(Rule):
    """Test rule: removes every `drop()` statement, and inserts `added()` after `anchor()`."""

    code = "TEST-REMOVE"
    name = "test-remove"
    title = "test"
    category = Category.IMPROVEMENT
    kind = Kind.CONFIGURATION
    issue = fix = impact = "test"

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Name):
            return
        statement = self.current_statement
        if node.func.value == "drop":
            self.report("drop", [self.change(statement, lambda updated: cst.RemovalSentinel.REMOVE, statement)])
        elif node.func.value == "anchor_and_drop":
            remove = self.change(statement, lambda updated: cst.RemovalSentinel.REMOVE, statement)
            self.report("replace", [remove, self.insert_after(statement, "added()")])


SOURCE = """\
import aws_cdk as cdk

keep()
# about drop
drop()
if x:
    drop()
anchor_and_drop()
last()
"""


def test_statement_removal_and_report():
    fixed, records = fix_source(SOURCE, [_DropCalls])
    assert fixed == "import aws_cdk as cdk\n\nkeep()\nif x:\n    pass\nadded()\nlast()\n"
    assert [record.after for record in records] == ["", "", "added()"]
    assert records[0].before == "drop()"
