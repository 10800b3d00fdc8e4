"""Synthesizing a snippet in a stack with cdk-nag AwsSolutions on, for the pack's tests that look
at one template and its findings directly (the fix-effect harness proves every example; these
check a particular resource or a particular finding)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def synth_with_nag(source: str, context: dict | None = None) -> tuple[set[tuple[str, str]], dict]:
    """(cdk-nag AwsSolutions findings as (rule, construct path), template) of `source` run with
    `self` bound to a stack "Case" in us-east-1 of account 123456789012."""

    def build(cdk, app):
        stack = cdk.Stack(app, "Case", env=cdk.Environment(account="123456789012", region="us-east-1"))
        exec(compile(source, "case.py", "exec"), {"self": stack, "__name__": "case"})

    return synth_app_with_nag(build, "Case", context)


def synth_app_with_nag(build, stack_name: str, context: dict | None = None) -> tuple[set[tuple[str, str]], dict]:
    """(cdk-nag AwsSolutions findings as (rule, construct path), the template of `stack_name`) of
    an App with cdk-nag as a validation plugin, in which `build(cdk, app)` makes the stacks."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    import aws_cdk as cdk
    from cdk_nag import AwsSolutionsChecks

    outdir = tempfile.mkdtemp(prefix="cdkfix-nag-")
    app = cdk.App(outdir=outdir, context=context or {})
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    build(cdk, app)
    try:
        app.synth()
    except Exception:
        pass  # cdk-nag's errors fail synthesis after the report is written
    report = json.loads((Path(outdir) / "validation-report.json").read_text())
    findings = {
        (violation["ruleName"].split("[", 1)[0], construct["constructPath"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    }
    return findings, json.loads((Path(outdir) / f"{stack_name}.template.json").read_text())
