"""The verification in the reports: a Markdown section and a JSON object."""

from __future__ import annotations

from typing import Sequence

from cdkfix.verify import NO_FIXES, AppVerification, Verification
from cdkfix.verify.compare import Comparison, ResourceChange
from cdkfix.verify.synth import SynthResult

LISTED = 20  # logical IDs listed per kind of change before "and N more"


def json_data(verification: Verification | None) -> dict | None:
    return {"verification": verification.to_dict()} if verification is not None else None


def markdown_section(verification: Verification | None) -> list[str]:
    if verification is None:
        return []
    versions = _versions(verification)
    environment = ", ".join(
        part for part in (
            f"Python `{verification.python}`",
            f"Node.js {verification.node}" if verification.node else "",
            f"aws-cdk-lib {versions['aws-cdk-lib']}" if versions.get("aws-cdk-lib") else "",
            f"cdk-nag {versions['cdk-nag']}" if versions.get("cdk-nag") else "",
        ) if part
    )
    out = [
        "## Synthesis Check (`--verify`)",
        "",
        "`--verify` ran each CDK app's own code (its `cdk.json` \"app\" command) to synthesize it offline "
        f"before and after the fixes ({environment}; timeout {verification.timeout:g} s per synthesis)."
        + (" Dry run: no file was written." if verification.dry_run else ""),
        "",
    ]
    if not verification.apps:
        out += ["No CDK app (a folder with `cdk.json`) was found under the given paths.", ""]
    for app in verification.apps:
        out += _app_section(app, verification)
    if verification.outside_apps:
        out += [
            "Files outside any CDK app were not synthesized; their fixes are "
            + ("unverified: " if not verification.dry_run else "unverified (dry run): ")
            + ", ".join(f"`{path}`" for path in verification.outside_apps),
            "",
        ]
    out += ["---", ""]
    return out


def _versions(verification: Verification) -> dict[str, str]:
    for app in verification.apps:
        for result in (app.before, app.after, app.final):
            if result is not None and result.versions:
                return result.versions
    return {}


def _app_section(app: AppVerification, verification: Verification) -> list[str]:
    out = [f"### App `{app.root}` (`{app.command or 'no app command'}`)", ""]
    out += [f"**Result** (`{app.status}`): {app.message}.", ""]
    if app.status == NO_FIXES:
        return out
    if app.before is None:
        return out + _held_back(app)
    columns: list[tuple[str, SynthResult | None]] = [("Before the fixes", app.before)]
    if app.after is not None:
        columns.append((f"After the fixes ({app.fixes})", app.after))
    if app.final is not None and app.final is not app.after and app.final is not app.before:
        columns.append((f"With the kept fixes ({app.kept})", app.final))
    out += [
        "| | " + " | ".join(title for title, _ in columns) + " |",
        "|---|" + "---|" * len(columns),
        "| Synthesis | " + " | ".join(_cell(_synthesis(result)) for _, result in columns) + " |",
        "| cdk-nag AwsSolutions findings | " + " | ".join(_cell(_nag(result)) for _, result in columns) + " |",
        "| CloudFormation Validate errors | " + " | ".join(_cell(_validate(result)) for _, result in columns) + " |",
        "| IAM statements IAM would reject | " + " | ".join(_cell(_iam(result)) for _, result in columns) + " |",
        "| Time | " + " | ".join(f"{result.seconds:.1f} s" if result else "" for _, result in columns) + " |",
        "",
    ]
    bisect = [run for run in app.synths if run.label == "bisect"]
    timing = f"**Time `--verify` added**: {app.seconds:.1f} s ({len(app.synths)} synthes{'es' if len(app.synths) != 1 else 'is'}: before {app.seconds_for('before'):.1f} s"
    if app.after is not None:
        timing += f", after {app.seconds_for('after'):.1f} s"
    if bisect:
        timing += f", bisection {app.seconds_for('bisect'):.1f} s in {len(bisect)}"
    cached = sum(1 for run in app.synths if getattr(run, "cached", False))
    if cached:
        timing += f"; {cached} of them read from the cache"
    out += [timing + ").", ""]
    if app.rolled_back:
        out += [
            "#### Fixes rolled back",
            "",
            "The app synthesized before the fixes and not with these (or with new CloudFormation Validate "
            "errors or IAM statements IAM would reject); they were left out and the others "
            + ("kept." if verification.dry_run else "written."),
            "",
            "| Fix | Where | Synthesis or validation error |",
            "|---|---|---|",
        ]
        for item in app.rolled_back:
            out.append(f"| `{item.code}` {_cell(item.title)} | `{item.path}:{item.line}` | {_cell(item.error)} |")
        out.append("")
    out += _held_back(app)
    out += _replaced(app)
    if app.comparison is not None:
        out += _comparison(app.comparison)
    elif app.after is not None and app.after.ok and app.after.warnings:
        out += ["**Warnings after the fixes**:", "", *(f"- {_cell(text)}" for text in app.after.warnings), ""]
    return out


def _replaced(app: AppVerification) -> list[str]:
    """What `cdk diff` shows only against a deployed stack: the resources the kept fixes replace."""
    if app.final is None or not app.final.ok or not app.before or not app.before.ok:
        return []
    if not app.replaced:
        return ["**Resources the fixes replace**: none (no logical ID and no create-only property changes).", ""]
    out = [
        f"#### Resources the fixes replace ({len(app.replaced)})",
        "",
        "Deploying the fixed app makes CloudFormation create these anew and delete the old ones "
        "(createOnlyProperties from the CloudFormation registry schemas, or a new logical ID):",
        "",
    ]
    out += [f"- `{item.type}` `{item.stack}/{item.logical_id}`: {_cell(item.reason)}" for item in app.replaced]
    return out + [""]


def _validate(result: SynthResult | None) -> str:
    if result is None:
        return ""
    if not result.ok:
        return "n/a (did not synthesize)"
    errors = result.validate_errors
    if not errors:
        return "0"
    return f"{len(errors)}: " + "; ".join(str(finding) for finding in errors[:3]) + (" …" if len(errors) > 3 else "")


def _iam(result: SynthResult | None) -> str:
    if result is None:
        return ""
    if not result.ok:
        return "n/a (did not synthesize)"
    if result.iam_note:
        return f"n/a ({result.iam_note})"
    if not result.invalid_iam:
        return "0"
    shown = "; ".join(f"{item.stack}/{item.path}: {item.why}" for item in result.invalid_iam[:3])
    return f"{len(result.invalid_iam)}: {shown}" + (" …" if len(result.invalid_iam) > 3 else "")


def _held_back(app: AppVerification) -> list[str]:
    if not app.held_back:
        return []
    return [
        f"#### Fixes held back ({len(app.held_back)})",
        "",
        "Found, but not written, for the reason above:",
        "",
        *(f"- `{item.code}` {item.title}: `{item.path}:{item.line}`" for item in app.held_back),
        "",
    ]


def _synthesis(result: SynthResult | None) -> str:
    if result is None:
        return ""
    if not result.ok:
        return f"fails: {result.error}"
    text = result.summary()
    warnings = len(result.warnings)
    return text + (f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else "")


def _nag(result: SynthResult | None) -> str:
    if result is None:
        return ""
    if not result.ok:
        return "n/a (did not synthesize)"
    if result.nag is None:
        return f"n/a ({result.nag_note})" if result.nag_note else "n/a"
    nag = result.nag
    return (
        f"{nag.findings} ({nag.errors} error{'s' if nag.errors != 1 else ''}, {nag.warnings} warning{'s' if nag.warnings != 1 else ''}) "
        f"in {len(nag.by_rule)} rule{'s' if len(nag.by_rule) != 1 else ''}"
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _changes(label: str, changes: Sequence[ResourceChange]) -> str:
    if not changes:
        return f"- **{label}**: none"
    types = Comparison.by_type(list(changes))
    kinds = ", ".join(f"`{kind}` ×{count}" for kind, count in types.items())
    names = ", ".join(f"`{change.stack}/{change.logical_id}`" for change in changes[:LISTED])
    more = f" and {len(changes) - LISTED} more" if len(changes) > LISTED else ""
    return f"- **{label}**: {len(changes)} ({kinds}): {names}{more}"


def _comparison(comparison: Comparison) -> list[str]:
    out = ["#### What the fixes changed in the synthesized templates", ""]
    if comparison.stacks_added or comparison.stacks_removed:
        out.append(
            f"- **Stacks added**: {', '.join(comparison.stacks_added) or 'none'}; "
            f"**removed**: {', '.join(comparison.stacks_removed) or 'none'}"
        )
    out += [
        _changes("Resources added", comparison.added),
        _changes("Resources removed", comparison.removed),
        _changes("Resources changed", comparison.changed),
        "",
    ]
    if comparison.nag_before is not None and comparison.nag_after is not None:
        out += [
            f"**cdk-nag AwsSolutions**: {comparison.nag_before} findings before, {comparison.nag_after} after.",
            "",
            f"- **Rules with no finding left**: {', '.join(f'`{rule}`' for rule in comparison.nag_rules_cleared) or 'none'}",
            f"- **Rules with new findings**: {', '.join(f'`{rule}`' for rule in comparison.nag_rules_new) or 'none'}",
        ]
        if comparison.nag_rule_deltas:
            out.append(
                "- **Changed counts**: "
                + ", ".join(f"`{rule}` {before} → {after}" for rule, (before, after) in comparison.nag_rule_deltas.items())
            )
        out.append("")
    if comparison.new_warnings or comparison.new_errors:
        out += ["**New in the synthesis output**:", ""]
        out += [f"- warning: {_cell(text)}" for text in comparison.new_warnings]
        out += [f"- error: {_cell(text)}" for text in comparison.new_errors]
        out.append("")
    else:
        out += ["No new warnings or errors in the synthesis output.", ""]
    if comparison.gone_warnings:
        out += ["**Warnings gone**:", "", *(f"- {_cell(text)}" for text in comparison.gone_warnings), ""]
    return out
