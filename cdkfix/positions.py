"""Line numbers for a handful of statements, without LibCST's PositionProvider.

PositionProvider copies the tree and records a range for every node (on real CDK code
about 2.5 times the parse). A fix needs the lines of the few statements it touches:
one code generation pass that counts newlines and records only those is enough.
"""

from __future__ import annotations

from typing import Iterable

import libcst as cst
from libcst._nodes.internal import CodegenState


class _LineCountingState(CodegenState):
    def __init__(self, module: cst.Module, targets: set[cst.CSTNode]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.targets = targets
        self.starts: dict[cst.CSTNode, int] = {}
        self.lines: dict[cst.CSTNode, tuple[int, int]] = {}

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.line += value.count("\n") or value.count("\r")

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.targets:
            # A statement's own code starts after its leading blank and comment lines.
            self.starts[node] = self.line + len(getattr(node, "leading_lines", ()))

    def after_codegen(self, node: cst.CSTNode) -> None:
        if node in self.targets:
            start = self.starts[node]
            self.lines[node] = (start, max(start, self.line - 1))


def statement_lines(module: cst.Module, statements: Iterable[cst.CSTNode]) -> dict[cst.CSTNode, tuple[int, int]]:
    """First and last line (1-based, inclusive) of each of `statements`."""
    state = _LineCountingState(module, set(statements))
    module._codegen(state)
    return state.lines
