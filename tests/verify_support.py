"""Test-only rules and tiny CDK apps for the --verify tests (never registered as real rules)."""

from __future__ import annotations

import json
from pathlib import Path

import libcst as cst

from cdkfix import layout
from cdkfix.registry import all_rules
from cdkfix.rule import Category, Kind, Rule

BUCKET = "aws_cdk.aws_s3.Bucket"
FROM_ECR = "aws_cdk.aws_codebuild.LinuxBuildImage.from_ecr_repository"


class _TestRule(Rule):
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    issue = fix = impact = "test only"


def _construct_id(call: cst.Call) -> str | None:
    if len(call.args) > 1 and isinstance(call.args[1].value, cst.SimpleString):
        return call.args[1].value.evaluated_value
    return None


class EnforceSsl(_TestRule):
    """A good fix: `enforce_ssl=True` on buckets (adds a bucket policy, clears cdk-nag S10)."""

    code, name, title = "TEST-SSL", "test-enforce-ssl", "Bucket without SSL enforcement"

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_call_to(node, BUCKET) and layout.keyword_arg(node, "enforce_ssl") is None:
            self.report("bucket allows plain HTTP", [self.set_keyword(node, "enforce_ssl", "True")])


class FaultyKeyword(_TestRule):
    """A broken fix: compiles, but Bucket has no such keyword, so synthesis raises TypeError."""

    code, name, title = "TEST-FAULT", "test-faulty", "Deliberately faulty fix"

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_call_to(node, BUCKET) and _construct_id(node) == "Data":
            self.report("injects a keyword Bucket does not accept", [self.set_keyword(node, "no_such_option", "True")])


class StandInA4(_TestRule):
    """Stands in for CDK-A4 until the real rule is merged: from_ecr_repository(repository=None, tag=...)."""

    code, name, title = "TEST-A4", "test-a4-stand-in", "from_ecr_repository without a repository"
    category = Category.CRITICAL

    def visit_Call(self, node: cst.Call) -> None:
        if not self.is_call_to(node, FROM_ECR):
            return
        repository = layout.keyword_arg(node, "repository")
        tag = layout.keyword_arg(node, "tag")
        if repository is None or not (isinstance(repository.value, cst.Name) and repository.value.value == "None"):
            return
        lookup = self.ref("aws_cdk.aws_ecr.Repository")
        new_repository = cst.parse_expression(f'{lookup}.from_repository_name(self, "BuildImageRepository", "build-image")')

        def change(call: cst.Call) -> cst.Call:
            args = []
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value == "repository":
                    arg = arg.with_changes(value=new_repository)
                elif arg.keyword is not None and arg.keyword.value == "tag":
                    arg = arg.with_changes(keyword=cst.Name("tag_or_digest"))
                args.append(arg)
            return call.with_changes(args=args)

        if tag is not None or repository is not None:
            self.report("from_ecr_repository(repository=None) is a TypeError", [self.change(node, change)])


def seed_rules() -> tuple[type[Rule], ...]:
    """Every real rule, plus the stand-in for A4 while the real CDK-A4 is not merged."""
    rules = all_rules()
    if any(rule.code == "CDK-A4" for rule in rules):
        return rules
    return (*rules, StandInA4)


TINY_APP = '''\
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3

app = cdk.App()
stack = cdk.Stack(app, "TinyStack")
s3.Bucket(stack, "Logs")
s3.Bucket(stack, "Data")
app.synth()
'''


def make_app(folder: Path, source: str = TINY_APP, *, command: str = "python3 app.py", context: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "app.py").write_text(source, encoding="utf-8")
    (folder / "cdk.json").write_text(json.dumps({"app": command, "context": context or {}}), encoding="utf-8")
    return folder


def use_synthesize(monkeypatch, function) -> None:
    """Every synthesis --verify runs goes to `function(app, folder, **kwargs)`: the ordinary ones
    and the "after" one whose process is started during the check (verify.Prestarted)."""
    from cdkfix import verify

    class Prestarted:
        def __init__(self, app, folder, **kwargs) -> None:
            self.app, self.folder = app, folder

        def run(self, **kwargs):
            return function(self.app, self.folder, **kwargs)

        def close(self) -> None:
            pass

    monkeypatch.setattr(verify, "synthesize", function)
    monkeypatch.setattr(verify, "Prestarted", Prestarted)
