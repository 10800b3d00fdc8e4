"""The run as JSON: every fix with its code, place, safety, status, before/after code and,
when the run computed them (RunConfig.fix_hunks), its own diff; plus suppressions that
suppressed nothing and files that could not be processed."""

from __future__ import annotations

import json
from typing import Sequence

from cdkfix import __version__
from cdkfix.records import FileError, FixRecord, Notice


def render(
    records: Sequence[FixRecord],
    errors: Sequence[FileError] = (),
    *,
    notices: Sequence[Notice] = (),
    extra: dict | None = None,
) -> str:
    data = {
        "tool": "cdkfix",
        "version": __version__,
        "fixes": [record.to_dict() for record in records],
        "unused_suppressions": [notice.to_dict() for notice in notices],
        "errors": [{"path": error.path, "line": error.line, "message": error.message} for error in errors],
    }
    if extra:
        data.update(extra)
    return json.dumps(data, indent=2) + "\n"
