"""The run as JSON: every fix with its code, place, safety, status, before/after code and,
when the run computed them (RunConfig.fix_hunks), its own diff; plus suppressions that
suppressed nothing and files that could not be processed.

`status` says what happened to the fix in this run: `applied` only when the file was
written (apply), `pending` for a fix found but not written (check, diff, apply --dry-run),
else `unsafe` (held back), `no-fix`, `suppressed`, `skipped` or `dropped`."""

from __future__ import annotations

import json
from typing import Sequence

from cdkfix import __version__
from cdkfix.records import FileError, FixRecord, FixStatus, Notice

PENDING = "pending"  # a fix found and not (yet) written


def render(
    records: Sequence[FixRecord],
    errors: Sequence[FileError] = (),
    *,
    notices: Sequence[Notice] = (),
    extra: dict | None = None,
    written: bool = False,
) -> str:
    fixes = [record.to_dict() for record in records]
    if not written:
        for fix in fixes:
            if fix["status"] == FixStatus.APPLIED.value:
                fix["status"] = PENDING
    data = {
        "tool": "cdkfix",
        "version": __version__,
        "fixes": fixes,
        "unused_suppressions": [notice.to_dict() for notice in notices],
        "errors": [{"path": error.path, "line": error.line, "message": error.message} for error in errors],
    }
    if extra:
        data.update(extra)
    return json.dumps(data, indent=2) + "\n"
