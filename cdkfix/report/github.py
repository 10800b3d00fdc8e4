"""GitHub Actions workflow commands: one annotation per finding, shown on the pull request's diff.

    ::error file=lib/stack.py,line=12,col=9,endLine=17,endColumn=10,title=CDK-A1 ...::message

Category A findings are errors, B warnings and improvements notices; unused suppressions are
warnings and files that could not be processed errors. Paths are relative to the repository
root, as GitHub expects.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from cdkfix.records import FileError, FixRecord, FixStatus, Notice
from cdkfix.report.sarif import repository_root, still_flawed

COMMANDS = {"A": "error", "B": "warning", "I": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _file(path: str, root: Path) -> str:
    absolute = Path(os.path.abspath(path)).resolve()
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return absolute.as_posix()


def annotation(command: str, message: str, **properties) -> str:
    shown = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items() if value not in (None, "", 0))
    return f"::{command} {shown}::{_escape_data(message)}" if shown else f"::{command}::{_escape_data(message)}"


def render(
    records: Sequence[FixRecord],
    notices: Sequence[Notice] = (),
    errors: Sequence[FileError] = (),
    *,
    root: Path | None = None,
    written: bool = False,
) -> str:
    root = (root or repository_root()).resolve()
    lines = []
    for record in still_flawed(records, written):
        line = record.line or record.start_line
        end_line = max(record.node_end_line or record.end_line, line)
        properties = {"file": _file(record.path, root), "line": line, "endLine": end_line}
        if end_line == line and record.column and record.node_end_column > record.column:
            properties.update(col=record.column, endColumn=record.node_end_column)
        elif record.column:
            properties["col"] = record.column
        note = {
            FixStatus.APPLIED: "run `cdkfix apply` to fix" if not written else "fixed",
            FixStatus.UNSAFE: "unsafe fix: applied only with --unsafe-fixes",
            FixStatus.DROPPED: "the fix could not be applied",
            FixStatus.SKIPPED: "fix skipped",
            FixStatus.NO_FIX: f"no automatic fix: {record.detail}",
        }.get(record.status, record.status.value)
        properties["title"] = f"{record.code} {record.title}"
        lines.append(annotation(COMMANDS.get(record.category, "warning"), f"{record.message} ({note})", **properties))
    for notice in notices:
        lines.append(annotation("warning", notice.message, file=_file(notice.path, root), line=notice.line,
                                col=notice.column, title=f"cdkfix {notice.kind}"))
    for error in errors:
        lines.append(annotation("error", error.message, file=_file(error.path, root), line=error.line, title="cdkfix"))
    return "".join(line + "\n" for line in lines)
