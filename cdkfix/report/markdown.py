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
SUMMARY_LABELS = {
    "A": "Category A (Critical Security/Architecture)",
    "B": "Category B (Configuration/Best Practices)",
    "I": "Additional Improvements",
}
KIND_LABELS = {
    "security": "Security Best Practices",
    "high availability": "High Availability",
    "destroyability": "Destroyability Requirements",
    "observability": "Monitoring & Observability",
    "configuration": "AWS Service Configuration",
}
SCORE_FORMULA = "min(10, 5 + min(2.5, 0.5 × A) + min(2.0, 0.15 × B) + min(0.5, 0.1 × improvements)), rounded to 0.5"


def quality_score(counts: Counter) -> float:
    raw = 5 + min(2.5, 0.5 * counts["A"]) + min(2.0, 0.15 * counts["B"]) + min(0.5, 0.1 * counts["I"])
    return min(10.0, round(raw * 2) / 2)


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


def _entry(heading: str, records: Sequence[FixRecord], *, applied: bool = True) -> list[str]:
    first = records[0]
    rule = rules_by_code().get(first.code)
    issue = rule.issue if rule else first.title
    impact = rule.impact if rule else ""
    out = [f"### {heading}: {first.title} (`{first.code}`)", ""]
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
        note = "applied because unsafe fixes were allowed" if applied else "held back until unsafe fixes are allowed"
        out += [f"**Safety**: unsafe fix (changes data lifetime, cost or access); {note}.", ""]
    out += [f"**Category**: {category_line(first)}", "", "---", ""]
    return out


def render(
    records: Sequence[FixRecord],
    *,
    targets: Sequence[str] = (),
    errors: Sequence[FileError] = (),
    dry_run: bool = False,
    extra_sections: Sequence[str] = (),
) -> str:
    applied = [record for record in records if record.status is FixStatus.APPLIED]
    held = [record for record in records if record.status is FixStatus.UNSAFE]
    dropped = [record for record in records if record.status is FixStatus.DROPPED]
    manual = [record for record in records if record.status is FixStatus.NO_FIX]
    groups = _group_by_rule(applied)
    # An issue is a rule's finding across the run (one report entry); a fix is one place.
    counts = Counter(group[0].category for group in groups)
    fixes = Counter(record.category for record in applied)
    total_issues = counts["A"] + counts["B"]
    verb = "would fix" if dry_run else "fixed"
    where = ", ".join(f"`{target}`" for target in targets) or "the given paths"
    out = [
        "# MODEL_FAILURES - Documentation of Issues and Fixes",
        "",
        f"This document details every issue cdkfix {__version__} {verb} in {where}, "
        "with the code before and after each fix taken from the files themselves."
        + (" Dry run: no file was written." if dry_run else ""),
        "",
        "## Summary",
        "",
        f"- **Total Issues Fixed**: {total_issues}",
        f"- **{SUMMARY_LABELS['A']}**: {counts['A']}",
        f"- **{SUMMARY_LABELS['B']}**: {counts['B']}",
        f"- **{SUMMARY_LABELS['I']}**: {counts['I']}",
        f"- **Fixes applied**: {len(applied)} ({fixes['A']} A, {fixes['B']} B, {fixes['I']} improvements) "
        f"in {len({record.path for record in applied})} file(s)",
        f"- **Estimated Quality Score**: {quality_score(counts)}/10",
        "",
        "---",
        "",
    ]
    for category in ("A", "B"):
        chosen = [group for group in groups if group[0].category == category]
        if not chosen:
            continue
        out += [f"## {CATEGORY_HEADINGS[category]}", ""]
        for number, group in enumerate(chosen, start=1):
            out += _entry(f"{category}{number}", group)
    improvements = [group for group in groups if group[0].category == "I"]
    if improvements:
        out += ["## Additional Improvements", ""]
        for number, group in enumerate(improvements, start=1):
            out += _entry(f"Improvement {number}", group)
    if held:
        out += [
            "## Unsafe Fixes Not Applied",
            "",
            "These fixes change data lifetime, cost or access. Run again with `--unsafe-fixes` "
            "(or `unsafe-fixes = true` under `[tool.cdkfix]`) to apply them.",
            "",
        ]
        for number, group in enumerate(_group_by_rule(held), start=1):
            out += _entry(f"U{number}", group, applied=False)
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
            out.append(f"- `{error.path}:{error.line}` {error.message}")
        out += ["", "---", ""]
    out += list(extra_sections)
    out += _analysis(applied, counts)
    return "\n".join(out).rstrip() + "\n"


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _analysis(applied: Sequence[FixRecord], counts: Counter) -> list[str]:
    issues = counts["A"] + counts["B"]
    kinds = Counter(record.kind for record in {record.code: record for record in applied}.values())
    out = [
        "## Analysis",
        "",
        "### Issue Distribution",
        f"- **Critical (Category A)**: {counts['A']} issues ({_percent(counts['A'], issues)})",
        f"- **Configuration (Category B)**: {counts['B']} issues ({_percent(counts['B'], issues)})",
        f"- **Additional Improvements**: {counts['I']}",
        "",
        "### Distribution by Kind",
    ]
    for kind, label in KIND_LABELS.items():
        rules = sorted({record.code for record in applied if record.kind == kind})
        detail = f" ({', '.join(rules)})" if rules else ""
        out.append(f"- **{label}**: {kinds[kind]} issues{detail}")
    out += [
        "",
        f"### Estimated Quality Score: **{quality_score(counts)}/10**",
        "",
        f"Formula: {SCORE_FORMULA}, where A, B and improvements count the issues (report entries) of each category.",
        "",
    ]
    return out
