"""The fixed file's text, generating only the statements the fixes change.

Generating a whole module's code costs about a third of parsing it, and a file with a fix
used to need it twice: once for the lines of the fixed statements, once for the fixed
code. Here CPython's own parser (`ast`, a tenth of LibCST's parse) says on which line
every statement's code starts; each statement a fix touches is then generated alone and
compared with the original lines it stands for. Where they are equal, the fixed file is
the original text with those statements' lines replaced, and new statements inserted
between untouched lines. Every other byte is the user's own, by construction.

Anything this cannot vouch for (a statement whose lines LibCST does not reproduce, a
syntax CPython here does not parse, a change to a compound statement's header, ...)
raises `Unmapped`; the engine then falls back to generating the whole module and
splicing (cdkfix.splice), which is slower but handles every case.
"""

from __future__ import annotations

import ast
import dataclasses
import warnings
from typing import Iterable

import libcst as cst
from libcst._nodes.internal import CodegenState

from cdkfix.edits import BLOCK_FIELDS
from cdkfix.positions import LineCountingState
from cdkfix.splice import LINE

Span = tuple[int, int, int, int]


class Unmapped(Exception):
    """The fast path cannot vouch for this file; generate the whole module instead."""


# Tests set this to let the fast path's own errors surface instead of being worked around.
STRICT = False


@dataclasses.dataclass(frozen=True)
class _Place:
    code_line: int  # where the statement's own code starts (its first decorator), 1-based
    indents: tuple[str, ...]  # the indentation tokens of the blocks around it


# LibCST compound statement -> the ast statements it may stand for.
_AST_TYPES: dict[type, tuple[type, ...]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.If: (ast.If,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.Try: (ast.Try,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.Match: (ast.Match,),
}
if hasattr(cst, "TryStar") and hasattr(ast, "TryStar"):
    _AST_TYPES[cst.TryStar] = (ast.TryStar,)

# Fields of compound statements that hold blocks of statements (or clauses holding them).
_CLAUSES = (cst.If, cst.Else, cst.Finally, cst.ExceptHandler, cst.MatchCase)
if hasattr(cst, "ExceptStarHandler"):
    _CLAUSES = (*_CLAUSES, cst.ExceptStarHandler)


def _same(before: object, after: object) -> bool:
    """Equal code: the same node, or nodes (or sequences of them) that are deeply equal."""
    if before is after:
        return True
    if isinstance(before, cst.CSTNode) and isinstance(after, cst.CSTNode):
        return before.deep_equals(after)
    if isinstance(before, (tuple, list)) and isinstance(after, (tuple, list)):
        return len(before) == len(after) and all(_same(x, y) for x, y in zip(before, after))
    return type(before) is type(after) and before == after


class StatementText:
    """The original text of one module and where each of its statements is in it."""

    def __init__(self, module: cst.Module, source: bytes, text: str) -> None:
        self.module = module
        self.lines: list[str] = LINE.findall(text)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes etc.: the user's business
                tree = ast.parse(source)
        except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
            raise Unmapped(f"CPython cannot parse this file: {error}") from None
        self.places: dict[cst.CSTNode, _Place] = {}
        self._map_statements(module.body, tree.body, ())
        # statement -> (first line of its text, its generated text, spans of targets inside)
        self._generated: dict[cst.CSTNode, tuple[int, str, dict]] = {}

    # --- which LibCST statement is which ast statement -----------------------------------

    def _map_statements(self, statements: Iterable[cst.CSTNode], nodes: list[ast.stmt], indents: tuple[str, ...]) -> None:
        index = 0
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                count = len(statement.body)  # `a = 1; b = 2` is two ast statements
                if count == 0 or index + count > len(nodes):
                    raise Unmapped("statements do not line up")
                self.places[statement] = _Place(nodes[index].lineno, indents)
                index += count
            elif isinstance(statement, cst.BaseCompoundStatement):
                if index >= len(nodes):
                    raise Unmapped("statements do not line up")
                self._map_compound(statement, nodes[index], indents)
                index += 1
            else:
                raise Unmapped(f"unexpected {type(statement).__name__} in a block")
        if index != len(nodes):
            raise Unmapped("statements do not line up")

    def _map_compound(self, statement: cst.CSTNode, node: ast.stmt, indents: tuple[str, ...]) -> None:
        if not isinstance(node, _AST_TYPES.get(type(statement), ())):
            raise Unmapped(f"{type(statement).__name__} is {type(node).__name__} to CPython")
        decorators = getattr(node, "decorator_list", ())
        self.places[statement] = _Place(min([node.lineno, *(item.lineno for item in decorators)]), indents)
        if not isinstance(statement, cst.Match):
            self._map_block(statement.body, node.body, indents)
        orelse = getattr(statement, "orelse", None)
        if isinstance(orelse, cst.If):  # elif
            if len(node.orelse) != 1:
                raise Unmapped("elif does not line up")
            self._map_compound(orelse, node.orelse[0], indents)
        elif isinstance(orelse, cst.Else):
            self._map_block(orelse.body, node.orelse, indents)
        elif getattr(node, "orelse", None):
            raise Unmapped("else does not line up")
        handlers = getattr(statement, "handlers", ())
        if len(handlers) != len(getattr(node, "handlers", ())):
            raise Unmapped("except clauses do not line up")
        for handler, handler_node in zip(handlers, getattr(node, "handlers", ())):
            self._map_block(handler.body, handler_node.body, indents)
        finalbody = getattr(statement, "finalbody", None)
        if finalbody is not None:
            self._map_block(finalbody.body, node.finalbody, indents)
        cases = getattr(statement, "cases", ())
        if len(cases) != len(getattr(node, "cases", ())):
            raise Unmapped("match cases do not line up")
        for case, case_node in zip(cases, getattr(node, "cases", ())):
            self._map_block(case.body, case_node.body, indents)

    def _map_block(self, block: cst.BaseSuite, nodes: list[ast.stmt], indents: tuple[str, ...]) -> None:
        if isinstance(block, cst.IndentedBlock):
            indent = self.module.default_indent if block.indent is None else block.indent
            self._map_statements(block.body, nodes, (*indents, indent))
        elif len(block.body) != len(nodes):  # `if x: a; b`
            raise Unmapped("statements do not line up")

    # --- one statement's text, checked against the original -----------------------------

    def generate(self, statement: cst.CSTNode, targets: frozenset = frozenset()) -> tuple[int, int, dict]:
        """(index of its first line, its number of lines, spans of `targets` inside it) for
        an original statement, with its leading lines; raises Unmapped unless its generated
        text is exactly the original lines there."""
        done = self._generated.get(statement)
        if done is not None and targets <= done[2].keys():
            return done
        place = self.places.get(statement)
        if place is None:
            raise Unmapped("a statement CPython did not see")
        first = place.code_line - len(statement.leading_lines)
        state = LineCountingState(self.module, targets | {statement}, line=first, indents=place.indents)
        statement._codegen(state)
        text = "".join(state.tokens)
        count = len(LINE.findall(text))
        if first < 1 or "".join(self.lines[first - 1:first - 1 + count]) != text:
            raise Unmapped(f"LibCST does not reproduce line {place.code_line} exactly")
        done = (first - 1, count, state.spans)
        self._generated[statement] = done
        return done

    def spans(self, statements: Iterable[cst.CSTNode], targets: Iterable[cst.CSTNode]) -> dict[cst.CSTNode, Span]:
        """Spans (as cdkfix.positions.node_spans gives them) of `statements` and of the
        `targets` inside them. A target in none of them has no span: rules keep a fix's node
        inside its statements, or in code another fix inserts (tests/test_statement_text.py)."""
        wanted = frozenset(targets)
        found: dict[cst.CSTNode, Span] = {}
        for statement in dict.fromkeys(statements):
            if statement in self.places:  # not: a statement another fix inserts
                found.update(self.generate(statement, wanted)[2])
        return found

    def _lines_of(self, statement: cst.CSTNode) -> tuple[int, int]:
        """[start, end) indexes of the original lines an original statement's text fills."""
        start, count, _ = self.generate(statement)
        return start, start + count

    def _start(self, statement: cst.CSTNode) -> int:
        """Index of the first line of an original statement's text (its leading lines
        included), checking only those leading lines against the original."""
        place = self.places.get(statement)
        if place is None:
            raise Unmapped("a statement CPython did not see")
        leading = statement.leading_lines
        first = place.code_line - len(leading)
        if leading:
            state = self._state(place.indents)
            for line in leading:
                line._codegen(state)
            if first < 1 or "".join(self.lines[first - 1:place.code_line - 1]) != "".join(state.tokens):
                raise Unmapped(f"LibCST does not reproduce the lines above line {place.code_line}")
        return first - 1

    def _state(self, indents: tuple[str, ...]) -> CodegenState:
        """Code generation inside the blocks whose indentation is `indents`."""
        module = self.module
        return CodegenState(
            default_indent=module.default_indent, default_newline=module.default_newline, indent_tokens=list(indents)
        )

    def _code(self, statement: cst.CSTNode, indents: tuple[str, ...]) -> str:
        state = self._state(indents)
        statement._codegen(state)
        return "".join(state.tokens)

    # --- the fixed text -----------------------------------------------------------------

    def fixed_text(self, fixed: cst.Module, origins: dict[cst.CSTNode, cst.CSTNode]) -> str:
        """The original text with the statements `fixed` changes replaced; `origins` maps
        each changed statement of `fixed` to the original statement it replaces."""
        old = self.module
        for name in ("header", "footer", "encoding", "default_indent", "default_newline", "has_trailing_newline"):
            if not _same(getattr(old, name), getattr(fixed, name)):
                raise Unmapped(f"the module's {name} changed")
        hunks: list[tuple[int, int, str]] = []
        self._diff_statements(old.body, fixed.body, (), origins, hunks)
        hunks.sort(key=lambda hunk: (hunk[0], hunk[1]))
        out: list[str] = []
        cursor = 0
        for start, end, text in hunks:
            if start < cursor:
                raise Unmapped("overlapping changes")
            out.extend(self.lines[cursor:start])
            out.append(text)
            cursor = end
        out.extend(self.lines[cursor:])
        return "".join(out)

    def _diff_statements(self, old: tuple, new: tuple, indents: tuple[str, ...], origins: dict, hunks: list) -> None:
        where = {id(statement): index for index, statement in enumerate(old)}
        pending: list[cst.CSTNode] = []  # new statements, placed before the next original one
        last = -1
        for statement in new:
            index = where.get(id(statement))
            source = statement
            if index is None or old[index] is not statement:
                source = origins.get(statement)
                index = where.get(id(source)) if source is not None else None
                if index is None or old[index] is not source:
                    pending.append(statement)
                    continue
            if index <= last:
                raise Unmapped("statements moved")
            for removed in old[last + 1:index]:
                hunks.append((*self._lines_of(removed), ""))
            if pending:
                at = self._start(old[index])
                hunks.append((at, at, "".join(self._code(item, indents) for item in pending)))
                pending = []
            if statement is not source:
                self._diff_statement(source, statement, indents, origins, hunks)
            last = index
        for removed in old[last + 1:]:
            hunks.append((*self._lines_of(removed), ""))
        if pending:
            if last < 0:
                raise Unmapped("a block with no original statement left")
            _, at = self._lines_of(old[last])
            hunks.append((at, at, "".join(self._code(item, indents) for item in pending)))

    def _diff_statement(self, old: cst.CSTNode, new: cst.CSTNode, indents: tuple[str, ...], origins: dict, hunks: list) -> None:
        if type(old) is type(new) and isinstance(old, cst.BaseCompoundStatement):
            inner: list[tuple[int, int, str]] = []
            if self._diff_clause(old, new, indents, origins, inner):
                hunks.extend(inner)
                return
        # A simple statement, or a compound one whose own line changed: generated whole.
        hunks.append((*self._lines_of(old), self._code(new, indents)))

    def _diff_clause(self, old: cst.CSTNode, new: cst.CSTNode, indents: tuple[str, ...], origins: dict, hunks: list) -> bool:
        """Hunks for a compound statement (or clause) whose header is unchanged; False when
        something other than its blocks changed."""
        for field in dataclasses.fields(old):
            before, after = getattr(old, field.name), getattr(new, field.name)
            if before is after:
                continue
            if field.name not in BLOCK_FIELDS:
                if _same(before, after):
                    continue  # rebuilt but equal: its text is still the original's
                return False
            if isinstance(before, cst.IndentedBlock) and isinstance(after, cst.IndentedBlock):
                if not (_same(before.header, after.header) and _same(before.footer, after.footer)) or (
                    before.indent != after.indent or not after.body  # an emptied block prints `pass`
                ):
                    return False
                indent = self.module.default_indent if before.indent is None else before.indent
                self._diff_statements(before.body, after.body, (*indents, indent), origins, hunks)
            elif isinstance(before, _CLAUSES) and type(before) is type(after):
                if not self._diff_clause(before, after, indents, origins, hunks):
                    return False
            elif isinstance(before, (tuple, list)) and isinstance(after, (tuple, list)) and len(before) == len(after):
                for item_before, item_after in zip(before, after):
                    if item_before is item_after:
                        continue
                    if not (isinstance(item_before, _CLAUSES) and type(item_before) is type(item_after)):
                        return False
                    if not self._diff_clause(item_before, item_after, indents, origins, hunks):
                        return False
            else:
                return False
        return True
