"""The Markdown report, in the structure of MODEL_FAILURES.seed.md, from the run's real fixes."""

from __future__ import annotations

from collections import Counter
from typing import Sequence

from cdkfix import __version__
from cdkfix.records import FileError, FixRecord, FixStatus
from cdkfix.registry import rules_by_code

CATEGORY_HEADINGS = {
    "A": "Category A Fixes (Critical Security & Architecture)",
    "B": "Category B Fixes (Configuration & Best Practices)",
}
KIND_LABELS = {
    "security": "Security Best Practices",
    "high availability": "High Availability",
    "destroyability": "Destroyability Requirements",
    "observability": "Monitoring & Observability",
    "configuration": "AWS Service Configuration",
}
# What one finding left open costs the code's score, by category (A: critical security or
# architecture, B: configuration, I: a missing improvement).
WEIGHTS = {"A": 1.0, "B": 0.5, "I": 0.1}
SCORE_DEFINITION = (
    "Score = max(0, 10 - 1.0 × A - 0.5 × B - 0.1 × I), where A, B and I count the findings (each place "
    "in the code) of each category still open; suppressed findings do not count. A file with no "
    "finding scores 10; every open finding lowers the score by its severity."
)


def code_score(records: Sequence[FixRecord]) -> float:
    """10 for code with no open finding, lower by each open finding's weight (SCORE_DEFINITION)."""
    return round(max(0.0, 10 - sum(WEIGHTS.get(record.category, 0.5) for record in records)), 1)


def _by_category(records: Sequence[FixRecord]) -> str:
    counts = Counter(record.category for record in records)
    return f"{counts['A']} A, {counts['B']} B, {counts['I']} I"


def category_line(record: FixRecord) -> str:
    if record.category == "A":
        return "A - Critical Security" if record.kind == "security" else "A - Critical Architecture"
    if record.category == "B":
        return "B - Best Practice" if record.kind == "observability" else "B - Configuration"
    return "Improvement"


def _code_block(code: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    return f"{fence}python\n{code}\n{fence}"


def _lines(record: FixRecord) -> str:
    if record.start_line == record.end_line:
        return f"line {record.start_line}"
    return f"lines {record.start_line}-{record.end_line}"


def _group_by_rule(records: Sequence[FixRecord]) -> list[list[FixRecord]]:
    """One entry per rule, in the order the run first met it (as the seed numbers its items)."""
    groups: dict[str, list[FixRecord]] = {}
    for record in records:
        groups.setdefault(record.code, []).append(record)
    return list(groups.values())


def _entry(heading: str, records: Sequence[FixRecord], *, applied: bool = True, pending: bool = False) -> list[str]:
    first = records[0]
    rule = rules_by_code().get(first.code)
    issue = rule.issue if rule else first.title
    impact = rule.impact if rule else ""
    out = [f"### {heading}: {first.title}", ""]
    if len(records) == 1:
        out += [f"**File**: `{first.path}` ({_lines(first)})", ""]
    else:
        out += [f"**Files**: {len(records)} places in {len({r.path for r in records})} file(s)", ""]
    out += [f"**Issue**: {issue}", ""]
    for record in records:
        where = "" if len(records) == 1 else f" (`{record.path}`, {_lines(record)})"
        out += [
            f"**Found**{where}: {record.message}",
            "",
            "**Before**:",
            _code_block(record.before),
            "",
            "**After**:",
            _code_block(record.after),
            "",
        ]
        if record.imports:
            out += ["**Imports added**: " + ", ".join(f"`{line}`" for line in record.imports), ""]
    out += [f"**Impact**: {impact}", ""]
    if first.safety == "unsafe":
        if not applied:
            note = "held back until unsafe fixes are allowed"
        elif pending:
            note = "would be applied because unsafe fixes are allowed"
        else:
            note = "applied because unsafe fixes were allowed"
        out += [f"**Safety**: unsafe fix (changes data lifetime, cost or access); {note}.", ""]
    out += [f"**Category**: {category_line(first)}", "", "---", ""]
    return out


def render(
    records: Sequence[FixRecord],
    *,
    targets: Sequence[str] = (),
    errors: Sequence[FileError] = (),
    dry_run: bool = False,
    mode: str | None = None,
    extra_sections: Sequence[str] = (),
    interrupted: bool = False,
) -> str:
    """The report. `mode`: apply (files written), dry-run or check (nothing written: the
    fixes are those that would be applied); `dry_run` is the older spelling of a mode that
    writes nothing."""
    mode = mode or ("dry-run" if dry_run else "apply")
    pending = mode != "apply"
    applied = [record for record in records if record.status is FixStatus.APPLIED]
    held = [record for record in records if record.status is FixStatus.UNSAFE]
    dropped = [record for record in records if record.status is FixStatus.DROPPED]
    manual = [record for record in records if record.status is FixStatus.NO_FIX]
    found = [record for record in records if record.status is not FixStatus.SUPPRESSED]
    still_open = [record for record in found if record.status is not FixStatus.APPLIED]
    groups = _group_by_rule(applied)
    verb = "would fix" if pending else "fixed"
    where = ", ".join(f"`{target}`" for target in targets) or "the given paths"
    fixes_label = "Fixes that would be applied" if pending else "Fixes applied"
    after_label = "Open findings if these fixes are applied" if pending else "Open findings after the fixes"
    note = {"check": " Check only: no file was written.", "dry-run": " Dry run: no file was written."}.get(mode, "")
    if interrupted:
        note += " Interrupted (Ctrl-C): only the files processed before the interruption are in this report."
    out = [
        "# MODEL_FAILURES - Documentation of Issues and Fixes",
        "",
        f"This document details every issue cdkfix {__version__} {verb} in {where}, "
        "with the code before and after each fix taken from the files themselves." + note,
        "",
        "## Summary",
        "",
        f"- **{fixes_label}**: {len(applied)} ({_by_category(applied)}) in "
        f"{_files(len({record.path for record in applied}))}, by {_rules(len(groups))}",
        f"- **Unsafe fixes held back**: {len(held)}",
        f"- **Findings without an automatic fix**: {len(manual)}",
        f"- **Open findings before the fixes**: {len(found)} ({_by_category(found)}): score {code_score(found):g}/10",
        f"- **{after_label}**: {len(still_open)} ({_by_category(still_open)}): score {code_score(still_open):g}/10",
        "",
        f"{SCORE_DEFINITION}",
        "",
        "---",
        "",
    ]
    for category in ("A", "B"):
        chosen = [group for group in groups if group[0].category == category]
        if not chosen:
            continue
        out += [f"## {CATEGORY_HEADINGS[category]}", ""]
        for group in chosen:
            out += _entry(group[0].code, group, pending=pending)
    improvements = [group for group in groups if group[0].category == "I"]
    if improvements:
        out += ["## Additional Improvements", ""]
        for group in improvements:
            out += _entry(group[0].code, group, pending=pending)
    if held:
        out += [
            "## Unsafe Fixes Not Applied",
            "",
            "These fixes change data lifetime, cost or access. Run again with `--unsafe-fixes` "
            "(or `unsafe-fixes = true` under `[tool.cdkfix]`) to apply them.",
            "",
        ]
        for group in _group_by_rule(held):
            out += _entry(group[0].code, group, applied=False)
    if manual:
        out += [
            "## Findings Without an Automatic Fix",
            "",
            "cdkfix found these but cannot choose the fix safely; each says what it could not decide.",
            "",
        ]
        for record in manual:
            out.append(f"- `{record.path}:{record.line}` {record.code} {record.message}: {record.detail}")
        out += ["", "---", ""]
    if dropped or errors:
        out += ["## Problems", ""]
        for record in dropped:
            out.append(f"- `{record.path}:{record.start_line}` {record.code} fix not applied: {record.detail}")
        for error in errors:
            out.append(f"- `{error.path}:{error.line}` {error.message}" if error.line else f"- `{error.path}` {error.message}")
        out += ["", "---", ""]
    out += list(extra_sections)
    out += _analysis(applied, pending)
    return "\n".join(out).rstrip() + "\n"


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _rules(count: int) -> str:
    return f"{count} rule" if count == 1 else f"{count} rules"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _analysis(applied: Sequence[FixRecord], pending: bool) -> list[str]:
    """How the fixes (applied, or that would be) spread over categories and kinds; counted by rule."""
    counts = Counter(group[0].category for group in _group_by_rule(applied))
    rules = sum(counts.values())
    kinds = Counter(record.kind for record in {record.code: record for record in applied}.values())
    out = [
        "## Analysis",
        "",
        "Rules with fixes " + ("that would be applied" if pending else "applied") + ", by category and kind:",
        "",
        "### Distribution by Category",
        f"- **Critical (Category A)**: {_rules(counts['A'])} ({_percent(counts['A'], rules)})",
        f"- **Configuration (Category B)**: {_rules(counts['B'])} ({_percent(counts['B'], rules)})",
        f"- **Additional Improvements**: {_rules(counts['I'])} ({_percent(counts['I'], rules)})",
        "",
        "### Distribution by Kind",
    ]
    for kind, label in KIND_LABELS.items():
        codes = sorted({record.code for record in applied if record.kind == kind})
        detail = f" ({', '.join(codes)})" if codes else ""
        out.append(f"- **{label}**: {_rules(kinds[kind])}{detail}")
    out.append("")
    return out
