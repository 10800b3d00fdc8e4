"""Line numbers for a handful of statements, without LibCST's PositionProvider.

PositionProvider copies the tree and records a range for every node (on real CDK code
about 2.5 times the parse). A fix needs the lines of the few statements it touches:
one code generation pass that counts newlines and records only those is enough.
"""

from __future__ import annotations

from typing import AbstractSet as Set, Iterable, Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState

from cdkfix.splice import line_map


class LineCountingState(CodegenState):
    """Code generation that also records the spans of `targets`; it may start at any line
    and inside any blocks (`indents`), to generate one statement of a module alone."""

    def __init__(
        self, module: cst.Module, targets: Set[cst.CSTNode], line: int = 1, indents: Sequence[str] = ()
    ) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline, indent_tokens=list(indents)
        )
        self.line = line
        self.column = 0
        self.targets = targets
        self.starts: dict[cst.CSTNode, tuple[int, int]] = {}
        self.spans: dict[cst.CSTNode, tuple[int, int, int, int]] = {}

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        newlines = value.count("\n") or value.count("\r")
        if newlines:
            self.line += newlines
            self.column = len(value) - max(value.rfind("\n"), value.rfind("\r")) - 1
        else:
            self.column += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.targets:
            self.starts[node] = (self.line, self.column)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if node in self.targets:
            line, column = self.starts[node]
            if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                # A statement's own code starts after its leading blank and comment lines,
                # and its indentation; its code ends before its final newline.
                line += len(node.leading_lines)
                column = len("".join(self.indent_tokens))
                end_line = max(line, self.line - 1)
                self.spans[node] = (line, column, end_line, -1)
            else:
                self.spans[node] = (line, column, self.line, self.column)


def node_spans(
    module: cst.Module, nodes: Iterable[cst.CSTNode], original: str | None = None
) -> tuple[dict[cst.CSTNode, tuple[int, int, int, int]], str]:
    """(start line, start column, end line, end column) of each of `nodes`, and the module's
    code (the same pass generates it, so nobody needs `module.code` again). Lines are
    1-based, columns 0-based; statements span their own lines (end column -1: line end).

    With `original` (the file's text), lines are those of the file even where LibCST's
    round trip is not byte for byte (a lone backslash line is dropped, for example)."""
    state = LineCountingState(module, set(nodes))
    module._codegen(state)
    roundtrip = "".join(state.tokens)
    to_original = line_map(original, roundtrip) if original is not None else None
    if to_original is None:
        return state.spans, roundtrip
    spans = {
        node: (to_original(line), column, to_original(end_line), end_column)
        for node, (line, column, end_line, end_column) in state.spans.items()
    }
    return spans, roundtrip
