"""The run as JSON: every fix with its code, place, safety, status and before/after code."""

from __future__ import annotations

import json
from typing import Sequence

from cdkfix import __version__
from cdkfix.records import FileError, FixRecord


def render(records: Sequence[FixRecord], errors: Sequence[FileError] = (), *, extra: dict | None = None) -> str:
    data = {
        "tool": "cdkfix",
        "version": __version__,
        "fixes": [record.to_dict() for record in records],
        "errors": [{"path": error.path, "line": error.line, "message": error.message} for error in errors],
    }
    if extra:
        data.update(extra)
    return json.dumps(data, indent=2) + "\n"
