"""Helpers shared by the tests/test_reliability_*.py modules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from cdkfix.config import RunConfig
from cdkfix.engine import fix_module
from cdkfix.records import FileResult, FixRecord, FixStatus
from cdkfix.registry import all_rules

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def example_files() -> list[Path]:
    """Every Python file of the example apps: examples/seed_app and examples/rules/**."""
    files = sorted((EXAMPLES / "seed_app").glob("*.py")) + sorted((EXAMPLES / "seed_app" / "lib").glob("*.py"))
    files += sorted((EXAMPLES / "rules").rglob("*.py"))
    return files


def fuzz_examples(default: int) -> int:
    """How many generated cases a property test tries: `default` in CI, CDKFIX_FUZZ_EXAMPLES for a long run."""
    return int(os.environ.get("CDKFIX_FUZZ_EXAMPLES", default))


def fix_all(source: str | bytes, rules: Sequence = (), path: str = "generated.py") -> FileResult:
    """One file through the engine with `rules` (default: all), unsafe fixes allowed."""
    config = RunConfig(rules=tuple(rules) or all_rules(), unsafe_fixes=True)
    data = source.encode("utf-8") if isinstance(source, str) else source
    return fix_module(data, path, config)


def output_of(source: str, result: FileResult) -> str:
    return result.new_source.decode("utf-8") if result.new_source is not None else source


def import_lines(text: str) -> tuple[set[int], int]:
    """The 1-based lines of the module-level import statements of `text`, and the last line of
    the module's leading run of docstring and imports (0: none), where cdkfix adds imports.
    Read with LibCST, so syntax newer than this interpreter is fine."""
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    lines: set[int] = set()
    header_end, in_header = 0, True
    for index, statement in enumerate(wrapper.module.body):
        where = positions[statement]
        is_import = isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        )
        is_docstring = (
            index == 0 and isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.BaseString)
        )
        if is_import:
            lines.update(range(where.start.line, where.end.line + 1))
        if in_header and (is_import or is_docstring):
            header_end = where.end.line
        else:
            in_header = False
    return lines, header_end


def changes_outside_fixes(original: str, fixed: str, records: Sequence[FixRecord]) -> list[str]:
    """What `fixed` changes of `original` away from the applied fixes and the imports ([] when nothing).

    The original's lines are split into *free* lines, which a fix may rewrite or insert
    code next to: each applied fix's statement span [start_line, end_line], grown over the
    blank and comment-only lines that separate it from its neighbours (where inserted
    statements go), and the module-level import statements. Every maximal run of other
    lines must appear in `fixed` verbatim, whole and in order; between two runs (and before
    the first, after the last) only the free lines there may have been rewritten, plus new
    imports right after the module's leading docstring and imports. What replaces a stretch
    that holds no fixed statement must consist of import statements and blank lines.
    """
    old = original.splitlines(keepends=True)
    new = fixed.splitlines(keepends=True)
    count = len(old)

    def loose(line: int) -> bool:
        text = old[line - 1].strip()
        return not text or text.startswith("#")

    free_span: set[int] = set()
    for record in records:
        if record.status is not FixStatus.APPLIED:
            continue
        start, end = record.start_line, record.end_line
        assert 1 <= start <= end <= count, f"span {start}-{end} of {record.code} outside the file"
        while start > 1 and loose(start - 1):
            start -= 1
        while end < count and not old[end].strip():
            end += 1
        free_span.update(range(start, end + 1))
    free_import, header_end = import_lines(original)
    new_imports, _ = import_lines(fixed)
    free = free_span | free_import

    # Maximal runs of lines no fix may touch, 1-based and inclusive.
    runs: list[tuple[int, int]] = []
    for line in range(1, count + 1):
        if line in free:
            continue
        if runs and runs[-1][1] == line - 1 and line - 1 != header_end:
            runs[-1] = (runs[-1][0], line)
        else:
            runs.append((line, line))

    problems: list[str] = []

    def check_gap(first: int, last: int, previous_end: int, next_start: int) -> None:
        """new[first:last] stands where original lines previous_end+1 .. next_start-1 were."""
        if first == last:
            return
        between = set(range(previous_end + 1, next_start))
        text = "".join(new[first:last])[:300]
        if not between and previous_end != header_end:
            problems.append(f"lines inserted after original line {previous_end}: {text!r}")
        elif not between & free_span:
            if any(new[index].strip() and index + 1 not in new_imports for index in range(first, last)):
                problems.append(f"non-import lines added among the imports after original line {previous_end}: {text!r}")

    position = 0  # next line of `new` not yet accounted for
    previous_end = 0
    for start, end in runs:
        block = old[start - 1:end]
        found = next(
            (index for index in range(position, len(new) - len(block) + 1) if new[index:index + len(block)] == block),
            None,
        )
        if found is None:
            problems.append(f"original lines {start}-{end} are not in the output unchanged: {''.join(block)[:300]!r}")
            return problems
        check_gap(position, found, previous_end, start)
        position, previous_end = found + len(block), end
    check_gap(position, len(new), previous_end, count + 1)
    return problems
