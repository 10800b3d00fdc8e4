"""Synthesizes rule examples before and after with cdk-nag 3 AwsSolutions, in this process.

A stop-gap until the fix-effect harness (`cdkfix.effects`) lands on this branch: one App per
side holds one Stack per example (one jsii kernel, two synthesis runs for the whole pack),
cdk-nag runs as a validation plugin, and the result per example is what the proof test
asserts: the findings by (rule, construct path in its stack), the templates, and which
resources changed a create-only property (CloudFormation replaces them; the schemas are
cfn-lint's, never hand-written).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@dataclass(frozen=True)
class Case:
    id: str
    before: str
    after: str


@dataclass
class Side:
    ok: bool = True
    error: str = ""
    findings: set[tuple[str, str]] = field(default_factory=set)  # (AwsSolutions-X, path in the stack)
    template: dict = field(default_factory=dict)
    lint: set[tuple[str, str]] = field(default_factory=set)  # cfn-lint (rule id, logical id) errors


@dataclass
class Proof:
    before: Side
    after: Side

    def rule_findings(self, side: Side, code: str) -> set[str]:
        return {path for rule, path in side.findings if rule == code}

    @property
    def new_findings(self) -> set[tuple[str, str]]:
        return self.after.findings - self.before.findings

    @property
    def new_lint_errors(self) -> set[tuple[str, str]]:
        return self.after.lint - self.before.lint

    @property
    def replaced(self) -> list[str]:
        """Logical IDs whose resource CloudFormation replaces: gone, or a create-only property changed."""
        from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

        before = self.before.template.get("Resources", {})
        after = self.after.template.get("Resources", {})
        replaced = []
        for logical_id, old in before.items():
            new = after.get(logical_id)
            if new is None or new.get("Type") != old.get("Type"):
                replaced.append(logical_id)
                continue
            try:
                schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", old["Type"]).schema
            except Exception:  # a custom resource: no schema
                continue
            for pointer in schema.get("createOnlyProperties", []):
                name = pointer.split("/")[2]
                if old.get("Properties", {}).get(name) != new.get("Properties", {}).get(name):
                    replaced.append(logical_id)
                    break
        return replaced


_FREE_NAMES = re.compile(r"\bvpc\b")


def _run_snippet(stack, source: str) -> None:
    namespace = {"__name__": "example", "self": stack}
    if _FREE_NAMES.search(source):
        from aws_cdk import aws_ec2

        namespace["vpc"] = aws_ec2.Vpc(stack, "FixtureVpc", max_azs=2)
    exec(compile(source, "example.py", "exec"), namespace)


def _synth(cases: list[Case], side: str) -> dict[str, Side]:
    import aws_cdk as cdk
    from cdk_nag import AwsSolutionsChecks

    results = {case.id: Side() for case in cases}
    outdir = tempfile.mkdtemp(prefix=f"cdkfix-proof-{side}-")
    app = cdk.App(outdir=outdir)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    stacks = {}
    for number, case in enumerate(cases):
        name = f"Case{number}"
        stack = cdk.Stack(app, name, env=cdk.Environment(account="123456789012", region="us-east-1"))
        try:
            _run_snippet(stack, getattr(case, side))
        except Exception as error:  # the example does not run: the proof fails for it
            results[case.id] = Side(ok=False, error=f"{type(error).__name__}: {error}")
            app.node.try_remove_child(name)
            continue
        stacks[name] = case.id
    try:
        app.synth()
    except Exception as error:
        # cdk-nag's findings fail synthesis after the assembly is written; anything else
        # (a construct's own validation) leaves no templates: say which.
        if not (Path(outdir) / "validation-report.json").exists():
            raise RuntimeError(f"{side}: synthesis failed: {error}") from None
    report = json.loads((Path(outdir) / "validation-report.json").read_text()) if (Path(outdir) / "validation-report.json").exists() else {}
    for plugin in report.get("pluginReports", []):
        for violation in plugin.get("violations", []):
            rule = violation["ruleName"].split("[", 1)[0]
            for construct in violation.get("violatingConstructs", []):
                parts = construct.get("constructPath", "").strip("/").split("/", 1)
                if parts[0] in stacks:
                    results[stacks[parts[0]]].findings.add((rule, parts[1] if len(parts) > 1 else ""))
    lint_cache: dict[str, set] = {}  # the three written shapes of an example give one template
    for name, case_id in stacks.items():
        path = Path(outdir) / f"{name}.template.json"
        results[case_id].template = json.loads(path.read_text())
        results[case_id].lint = _lint(path, lint_cache)
    return results


_RULES = []


def _lint(path: Path, cache: dict[str, set]) -> set[tuple[str, str]]:
    """cfn-lint's errors (E rules) on a template, by (rule id, resource), as the account's Validate would see them."""
    from cfnlint.api import lint
    from cfnlint.core import get_rules

    if not _RULES:  # loading cfn-lint's rules costs ~1 s; linting with them ~0.05 s a template
        _RULES.append(get_rules([], [], []))
    text = path.read_text()
    if text in cache:
        return cache[text]
    found = cache[text] = set()
    for match in lint(text, rules=_RULES[0], regions=["us-east-1"]):
        if match.rule.id.startswith("E"):
            parts = list(getattr(match, "path", None) or [])
            resource = str(parts[1]) if len(parts) > 1 and parts[0] == "Resources" else ""
            found.add((match.rule.id, resource))
    return found


def prove(cases: list[Case]) -> dict[str, Proof]:
    before = _synth(cases, "before")
    after = _synth(cases, "after")
    return {case.id: Proof(before[case.id], after[case.id]) for case in cases}
