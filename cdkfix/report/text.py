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


def statistics(records: Sequence[FixRecord], written: bool = False) -> str:
    """`--statistics`: one line a rule and status, most frequent first, as ruff's
    `count code title [status]` table. Suppressed findings are left out."""
    from collections import Counter

    counts = Counter(
        (record.code, record.title, _status(record, written)) for record in records if record.status is not FixStatus.SUPPRESSED
    )
    if not counts:
        return ""
    width = len(str(max(counts.values())))
    rows = sorted(counts.items(), key=lambda item: (-item[1], _natural(item[0][0]), item[0]))
    code_width = max(len(code) for (code, _, _) in counts)
    return "".join(
        f"{count:>{width}}  {code:<{code_width}}  {title} [{status}]\n" for (code, title, status), count in rows
    )


def _status(record: FixRecord, written: bool) -> str:
    if record.status is FixStatus.APPLIED:
        return "applied" if written else "fixable"
    return record.status.value


def _natural(code: str) -> tuple:
    """CDK-B2 before CDK-B10."""
    import re

    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code))
