"""`cdkfix explain CODE`, in the shape of ruff's rule pages: why, example, use instead."""

from __future__ import annotations

import textwrap

from cdkfix.rule import Rule


def explain_text(rule: type[Rule]) -> str:
    example = next((example for example in rule.examples if example.after is not None), None)
    out = [
        f"# {rule.code} ({rule.name}): {rule.title}",
        "",
        f"Category: {rule.category.value} ({rule.category.label}) · Kind: {rule.kind.value} · Fix: {rule.safety.value}",
        "",
        "## Why is this bad?",
        textwrap.fill(rule.issue, 88),
        "",
        "## What the fix does",
        textwrap.fill(rule.fix, 88),
        "",
    ]
    if example is not None:
        out += ["## Example", "```python", example.before.strip("\n"), "```", "",
                "## Use instead", "```python", example.after.strip("\n"), "```", ""]
    mapping = getattr(rule, "mapping", ())
    if mapping:
        # A migration rule's old form -> new form, call by call (e.g. the cdk-nag v3 rules).
        out += ["## Mapping (old form -> new form)", ""]
        for old, new in mapping:
            out += [f"- `{old}`", f"  -> `{new}`"]
        out.append("")
    out += ["## Impact", textwrap.fill(rule.impact, 88), ""]
    if rule.safety.value == "unsafe":
        out += ["## Fix safety",
                "Unsafe: it changes data lifetime, cost or access, so it is applied only with --unsafe-fixes.", ""]
    if rule.options:
        out += ["## Options", f"Under [tool.cdkfix.rules.{rule.code}]:"]
        out += [f"- {key} = {value!r}" for key, value in rule.options.items()]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
