"""`cdkfix explain CODE`, in the shape of ruff's rule pages: why, example, use instead."""

from __future__ import annotations

import textwrap

from cdkfix.rule import Rule


def _category_text(rule) -> str:
    """`Critical Security & Architecture` from `Category A (Critical Security & Architecture)`: the letter once."""
    label = rule.category.label
    prefix = f"Category {rule.category.value} ("
    return label[len(prefix):-1] if label.startswith(prefix) and label.endswith(")") else label


def explain_text(rule: type[Rule]) -> str:
    example = next((example for example in rule.examples if example.after is not None), None)
    out = [
        f"# {rule.code} ({rule.name}): {rule.title}",
        "",
        f"Category: {rule.category.value} ({_category_text(rule)}) · Kind: {rule.kind.value} · "
        f"Fix: {rule.safety.value if rule.fixes else 'none (reported without a fix)'}",
        "",
        "## Why is this bad?",
        textwrap.fill(rule.issue, 88),
        "",
        "## What the fix does" if rule.fixes else "## Why there is no fix",
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
    if rule.replaces:
        out += ["## Replaces resources",
                "Deploying the fix makes CloudFormation replace (create anew, then delete) these resources of",
                "the stack, as synthesizing the rule's examples shows:"]
        out += [f"- {item}" for item in rule.replaces]
        out.append("")
    if rule.safety.value == "unsafe" and rule.fixes:
        out += ["## Fix safety",
                "Unsafe: it deletes data on stack deletion, replaces a resource, changes cost or access, or changes "
                "how a running service behaves, so it is applied only with --unsafe-fixes.", ""]
    if not getattr(rule, "default", True):
        groups = tuple(getattr(rule, "groups", ()))
        names = groups or (rule.code,)
        out += ["## Selection",
                "Opt-in: not in the default selection" + (f" (group {', '.join(groups)})" if groups else "")
                + ". Turn it on with:",
                *(f"- --extend-select {name}" for name in (*groups, rule.code)),
                f"- extend-select = [{', '.join(repr(name).replace(chr(39), chr(34)) for name in names)}] in the configuration",
                ""]
    if rule.options:
        out += ["## Options", f"Under [tool.cdkfix.rules.{rule.code}]:"]
        out += [f"- {key} = {value!r}" for key, value in rule.options.items()]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
