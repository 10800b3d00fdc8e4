"""SARIF 2.1.0 for GitHub code scanning, built from the fix records like every other output.

One run; `tool.driver.rules` lists every rule (id, name, short and full description, help,
default level, tags); each result points at the construct call with a repository-relative
`artifactLocation` (uriBaseId %SRCROOT%), a region with start/end line and column (1-based,
end column exclusive as SARIF defines it), and `partialFingerprints` that depend on the
code, not on line numbers, so alerts survive edits above them. Files that could not be
processed become `toolExecutionNotifications`, and `executionSuccessful` is false then.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

from cdkfix import __version__
from cdkfix.records import FileError, FixRecord, FixStatus, Notice

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"

LEVELS = {"A": "error", "B": "warning", "I": "note"}
SECURITY_SEVERITY = {"A": "8.0", "B": "5.0", "I": "3.0"}
KIND_TAGS = {
    "security": "security",
    "high availability": "reliability",
    "destroyability": "maintainability",
    "observability": "observability",
    "configuration": "maintainability",
}

# Not rules of the codemod, but results it reports: suppressions that did nothing.
NOTICE_RULES = {
    "unused-suppression": (
        "UnusedSuppression",
        "Unused cdkfix suppression",
        "A `# cdkfix: ignore[CODE]` comment (or ignore-file) that suppressed no finding of that rule.",
        "Remove the code from the comment, or the comment itself, so suppressions stay meaningful.",
    ),
    "invalid-suppression": (
        "InvalidSuppression",
        "Invalid cdkfix suppression",
        "A `# cdkfix: ignore` comment that names no rule code; it suppresses nothing.",
        "Name the codes to suppress, as in `# cdkfix: ignore[CDK-B12] reason`.",
    ),
}


def repository_root(start: Path | None = None) -> Path:
    """The git work tree's top folder (SARIF URIs are relative to it), else the current folder."""
    start = start or Path.cwd()
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True, text=True, timeout=10
        )
        if done.returncode == 0 and done.stdout.strip():
            return Path(done.stdout.strip()).resolve()
    except (OSError, subprocess.SubprocessError):
        pass
    return Path(start).resolve()


def artifact_location(path: str, root: Path) -> dict:
    absolute = Path(os.path.abspath(path)).resolve()
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": _uri_path(relative.as_posix()), "uriBaseId": SRCROOT}


def _uri_path(relative: str) -> str:
    from urllib.parse import quote_from_bytes

    # The file name's own bytes, percent-encoded: a name that is not UTF-8 (bad\xff.py)
    # becomes bad%FF.py, as Path.as_uri() writes it, instead of an encoding error.
    return quote_from_bytes(os.fsencode(relative), safe="/")


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def rule_descriptor(rule) -> dict:
    category = rule.category.value
    safety = rule.safety.value
    tags = ["aws-cdk", KIND_TAGS.get(rule.kind.value, "maintainability")]
    properties: dict = {"tags": sorted(set(tags)), "precision": "high", "category": category, "fix-safety": safety}
    if rule.kind.value == "security":
        properties["security-severity"] = SECURITY_SEVERITY[category]
    help_text = (
        f"{rule.issue}\n\nFix: {rule.fix}\n\nImpact: {rule.impact}\n\n"
        f"Fix safety: {safety}"
        + (" (applied only with --unsafe-fixes or unsafe-fixes = true)." if safety == "unsafe" else ".")
        + f"\n\nRun `cdkfix explain {rule.code}` for an example, and `cdkfix apply` to fix."
    )
    help_markdown = (
        f"{rule.issue}\n\n**Fix**: {rule.fix}\n\n**Impact**: {rule.impact}\n\n**Fix safety**: {safety}\n\n"
        f"Run `cdkfix explain {rule.code}` for an example, and `cdkfix apply` to fix."
    )
    return {
        "id": rule.code,
        "name": _pascal(rule.name),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.issue},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS.get(category, "warning")},
        "properties": properties,
    }


def _notice_descriptor(rule_id: str) -> dict:
    name, short, full, help_text = NOTICE_RULES[rule_id]
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["maintainability"], "precision": "very-high"},
    }


def region(line: int, column: int = 0, end_line: int = 0, end_column: int = 0) -> dict:
    """A valid SARIF region: startLine >= 1, and end never before start."""
    line = max(1, line)
    out: dict = {"startLine": line}
    if column >= 1:
        out["startColumn"] = column
    end_line = max(end_line, line)
    out["endLine"] = end_line
    if column >= 1 and end_column >= 1 and (end_line > line or end_column > column):
        out["endColumn"] = end_column
    return out


def _normalised(code: str) -> str:
    return " ".join(code.split())


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def still_flawed(records: Iterable[FixRecord], written: bool) -> list[FixRecord]:
    """The findings still in the source after this command: not suppressed, and not applied to a written file."""
    return [
        record for record in records
        if record.status is not FixStatus.SUPPRESSED and not (written and record.status is FixStatus.APPLIED)
    ]


def _status(record: FixRecord, written: bool) -> str:
    """As in the JSON output: `pending` for a fix found but not written."""
    if record.status is FixStatus.APPLIED and not written:
        return "pending"
    return record.status.value


def render(
    records: Sequence[FixRecord],
    notices: Sequence[Notice] = (),
    errors: Sequence[FileError] = (),
    *,
    rules: Sequence = (),
    root: Path | None = None,
    written: bool = False,
) -> str:
    root = (root or repository_root()).resolve()
    descriptors = [rule_descriptor(rule) for rule in rules]
    known = {descriptor["id"] for descriptor in descriptors}
    for record in records:  # a rule outside the registry (tests, plug-ins) still gets a descriptor
        if record.code not in known:
            descriptors.append(_record_descriptor(record))
            known.add(record.code)
    descriptors += [_notice_descriptor(rule_id) for rule_id in NOTICE_RULES]
    index = {descriptor["id"]: number for number, descriptor in enumerate(descriptors)}

    results = []
    occurrences: Counter = Counter()
    for record in still_flawed(records, written):
        location = artifact_location(record.path, root)
        key = (record.code, location["uri"], _normalised(record.before))
        occurrences[key] += 1
        digest = _fingerprint(*key, str(occurrences[key]))
        state = {
            FixStatus.APPLIED: "fix pending" if not written else "fixed",
            FixStatus.UNSAFE: "held back (use --unsafe-fixes)",
            FixStatus.DROPPED: "fix failed, not applied",
            FixStatus.SKIPPED: "fix skipped",
            FixStatus.NO_FIX: f"no automatic fix: {record.detail}",
        }.get(record.status, record.status.value)
        results.append({
            "ruleId": record.code,
            "ruleIndex": index[record.code],
            "level": LEVELS.get(record.category, "warning"),
            "message": {"text": f"{record.message} ({record.title}; {record.safety} fix: {state})."},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": region(record.line or record.start_line, record.column,
                                     record.node_end_line or record.end_line, record.node_end_column),
                }
            }],
            "partialFingerprints": {
                "primaryLocationLineHash": f"{digest[:16]}:{occurrences[key]}",
                "cdkfix/v1": digest,
            },
            "properties": {"safety": record.safety, "status": _status(record, written), "fixId": record.id,
                           "statementLines": [record.start_line, record.end_line]},
        })
    for notice in notices:
        location = artifact_location(notice.path, root)
        key = (notice.kind, location["uri"], notice.message)
        occurrences[key] += 1
        digest = _fingerprint(*key, str(occurrences[key]))
        results.append({
            "ruleId": notice.kind,
            "ruleIndex": index[notice.kind],
            "level": "warning",
            "message": {"text": notice.message},
            "locations": [{
                "physicalLocation": {"artifactLocation": location, "region": region(notice.line, notice.column, notice.line)}
            }],
            "partialFingerprints": {"primaryLocationLineHash": f"{digest[:16]}:{occurrences[key]}", "cdkfix/v1": digest},
        })

    notifications = []
    for error in errors:
        physical: dict = {"artifactLocation": artifact_location(error.path, root)}
        if error.line >= 1:
            physical["region"] = region(error.line)
        notifications.append({
            "level": "error",
            "message": {"text": error.message},
            "locations": [{"physicalLocation": physical}],
        })

    run = {
        "tool": {
            "driver": {
                "name": "cdkfix",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": descriptors,
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": not errors, "toolExecutionNotifications": notifications}],
        "results": results,
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


def _record_descriptor(record: FixRecord) -> dict:
    return {
        "id": record.code,
        "name": _pascal(record.name),
        "shortDescription": {"text": record.title},
        "fullDescription": {"text": record.title},
        "help": {"text": f"Run `cdkfix explain {record.code}`.", "markdown": f"Run `cdkfix explain {record.code}`."},
        "defaultConfiguration": {"level": LEVELS.get(record.category, "warning")},
        "properties": {"tags": ["aws-cdk"], "precision": "high", "fix-safety": record.safety},
    }
