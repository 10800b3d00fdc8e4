"""--verify pieces that need no synthesis: apps, commands, assemblies, cdk-nag reports, comparison."""

import json
from pathlib import Path

import pytest

from cdkfix.verify.apps import (
    Entry, UnsupportedApp, app_for, context_for, copy_app, find_app_roots, load_app, parse_command,
)
from cdkfix.verify.compare import compare
from cdkfix.verify.nag import read_validation_report
from cdkfix.verify.synth import LOOKUP, SynthResult, _read_assembly, _stderr_warnings


@pytest.mark.parametrize(
    "command, entry",
    [
        ("python3 app.py", Entry("script", "app.py")),
        ("python app.py --flag x", Entry("script", "app.py", ("--flag", "x"))),
        (".venv/bin/python3.11 -u infra/app.py", Entry("script", "infra/app.py", (), ("-u",))),
        ("python -W ignore -m infra.app", Entry("module", "infra.app", (), ("-W", "ignore"))),
    ],
)
def test_python_commands(command, entry):
    assert parse_command(command) == entry


@pytest.mark.parametrize("command", ["npx ts-node --prefer-ts-exts bin/app.ts", "node app.js", "python3", "python -c 'x'"])
def test_other_commands_are_unsupported(command):
    with pytest.raises(UnsupportedApp):
        parse_command(command)


def _app(folder: Path, command="python3 app.py", context=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cdk.json").write_text(json.dumps({"app": command, "context": context or {}}))
    (folder / "app.py").write_text("import aws_cdk\n")
    return folder


def test_app_roots_found_below_and_above_the_targets(tmp_path):
    one = _app(tmp_path / "one")
    two = _app(tmp_path / "group" / "two")
    (tmp_path / "group" / "two" / "lib").mkdir()
    _app(tmp_path / "one" / "node_modules" / "pkg")  # never searched
    _app(tmp_path / "one" / ".venv")
    (tmp_path / "one" / ".venv" / "pyvenv.cfg").write_text("")
    assert find_app_roots([tmp_path]) == [two.resolve(), one.resolve()]  # sorted by path
    assert find_app_roots([two / "lib"]) == [two.resolve()]
    assert find_app_roots([one / "app.py"]) == [one.resolve()]
    nested = _app(tmp_path / "one" / "inner")
    roots = find_app_roots([tmp_path])
    assert app_for(nested / "app.py", roots) == nested.resolve()
    assert app_for(one / "app.py", roots) == one.resolve()
    assert app_for(tmp_path / "elsewhere.py", roots) is None


def test_load_app_reports_problems(tmp_path):
    assert load_app(_app(tmp_path / "ts", "npx ts-node bin/app.ts")).problem.startswith("the app command `npx ts-node")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "cdk.json").write_text("{not json")
    assert "cannot read cdk.json" in load_app(broken).problem
    (broken / "cdk.json").write_text("{}")
    assert load_app(broken).problem == 'cdk.json has no "app" command'


def test_context_merges_cdk_context_json_under_cdk_json(tmp_path):
    folder = _app(tmp_path / "app", context={"env": "dev", "@aws-cdk/x": True})
    (folder / "cdk.context.json").write_text(json.dumps({"env": "saved", "vpc-provider:1": {"vpcId": "vpc-1"}}))
    context = context_for(load_app(folder))
    assert context["env"] == "dev" and context["vpc-provider:1"] == {"vpcId": "vpc-1"} and context["@aws-cdk/x"] is True
    assert context["aws:cdk:bundling-stacks"] == []


def test_copy_leaves_out_outputs_and_environments(tmp_path):
    folder = _app(tmp_path / "app")
    for name in ("cdk.out", ".git", "node_modules", "env", "lib"):
        (folder / name).mkdir()
        (folder / name / "file.py").write_text("x = 1\n")
    (folder / "env" / "pyvenv.cfg").write_text("")
    copy = copy_app(folder, tmp_path / "copy")
    assert sorted(path.name for path in copy.iterdir()) == ["app.py", "cdk.json", "lib"]


def _assembly(folder: Path, resources: dict, metadata=None, missing=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "Stack.template.json").write_text(json.dumps({"Resources": resources}))
    (folder / "Stack.metadata.json").write_text(json.dumps(metadata or {}))
    manifest = {
        "version": "55.0.0",
        "artifacts": {
            "Stack": {
                "type": "aws:cloudformation:stack",
                "properties": {"templateFile": "Stack.template.json"},
                "additionalMetadataFile": "Stack.metadata.json",
                "displayName": "Stack",
            },
            "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
        },
    }
    if missing:
        manifest["missing"] = missing
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def _read(folder: Path) -> SynthResult:
    result = SynthResult(ok=True)
    _read_assembly(folder, result)
    return result


def test_assembly_and_comparison(tmp_path):
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {}}
    before = _read(_assembly(tmp_path / "before", {"Logs": bucket, "Data": bucket, "Old": {"Type": "AWS::SNS::Topic"}},
                             metadata={"/Stack": [{"type": "aws:cdk:warning", "data": "old warning"}]}))
    after = _read(_assembly(
        tmp_path / "after",
        {"Logs": bucket, "Data": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {}}},
         "LogsPolicy": {"Type": "AWS::S3::BucketPolicy"}, "DataPolicy": {"Type": "AWS::S3::BucketPolicy"}},
        metadata={"/Stack/Data": [{"type": "aws:cdk:warning", "data": "new warning"},
                                  {"type": "aws:cdk:logicalId", "data": "Data"}]},
    ))
    assert after.stacks["Stack"]["Data"].type == "AWS::S3::Bucket" and after.resource_count == 4
    assert after.warnings == ["/Stack/Data: new warning"]
    comparison = compare(before, after)
    assert [(c.logical_id, c.type) for c in comparison.added] == [("DataPolicy", "AWS::S3::BucketPolicy"), ("LogsPolicy", "AWS::S3::BucketPolicy")]
    assert [c.logical_id for c in comparison.removed] == ["Old"]
    assert [c.logical_id for c in comparison.changed] == ["Data"]
    assert comparison.by_type(comparison.added) == {"AWS::S3::BucketPolicy": 2}
    assert comparison.new_warnings == ["/Stack/Data: new warning"] and comparison.gone_warnings == ["/Stack: old warning"]


def test_missing_context_is_recorded(tmp_path):
    result = _read(_assembly(tmp_path / "a", {}, missing=[{"key": "vpc-provider:1", "provider": "vpc-provider", "props": {}}]))
    assert result.missing_context == ["vpc-provider"]
    assert LOOKUP == "lookup"


def _violation(rule, *paths, severity="error"):
    return {"ruleName": rule, "severity": severity, "violatingConstructs": [{"constructPath": path} for path in paths]}


def test_validation_report_counts(tmp_path):
    report = {
        "pluginReports": [
            {"pluginName": "AwsSolutions", "violations": [
                _violation("AwsSolutions-S1", "S/A", "S/B"),
                _violation("AwsSolutions-IAM5[Action::s3:List*]", "S/R"),
                _violation("AwsSolutions-IAM5[Resource::*]", "S/R"),
                _violation("AwsSolutions-EC23", "S/G", severity="warning"),
            ]},
            # the app added the plugin itself as well: the same findings are not counted twice
            {"pluginName": "AwsSolutions", "violations": [_violation("AwsSolutions-S1", "S/A")]},
            {"pluginName": "CloudFormation-Validate", "violations": [_violation("F0001", "S")]},
        ]
    }
    (tmp_path / "validation-report.json").write_text(json.dumps(report))
    counts, others = read_validation_report(tmp_path)
    assert (counts.findings, counts.errors, counts.warnings) == (5, 4, 1)
    assert counts.by_rule == {"AwsSolutions-S1": 2, "AwsSolutions-IAM5": 2, "AwsSolutions-EC23": 1}
    assert others == ["CloudFormation-Validate F0001 (error) at S"]
    assert read_validation_report(tmp_path / "nowhere") == (None, [])


def test_stderr_warnings():
    stderr = (
        "[WARNING] aws-cdk-lib.aws_ecs.ClusterProps#containerInsights is deprecated.\n"
        "  See {@link containerInsightsV2 }\n"
        "/tmp/x/app.py:3: DeprecationWarning: old thing\n"
        "ERROR The S3 Bucket has server access logs disabled.\n"
    )
    assert _stderr_warnings(stderr) == [
        "aws-cdk-lib.aws_ecs.ClusterProps#containerInsights is deprecated.",
        "DeprecationWarning: old thing",
    ]
