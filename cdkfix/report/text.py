"""The terminal listing of `cdkfix check`: `path:line:col: CODE title [status]: message`."""

from __future__ import annotations

from typing import Sequence

from cdkfix.records import FixRecord, FixStatus, Notice


def render(records: Sequence[FixRecord], notices: Sequence[Notice] = ()) -> str:
    lines = []
    for record in records:
        if record.status is FixStatus.SUPPRESSED:
            continue
        marker = "" if record.status is FixStatus.APPLIED else f" [{record.status.value}]"
        line = record.line or record.start_line
        where = f"{record.path}:{line}:{record.column}" if record.column else f"{record.path}:{line}"
        detail = f" ({record.detail})" if record.status is FixStatus.NO_FIX and record.detail else ""
        lines.append(f"{where}: {record.code} {record.title}{marker}: {record.message}{detail}")
    lines += [str(notice) for notice in notices]
    return "".join(line + "\n" for line in lines)
