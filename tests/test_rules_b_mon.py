"""Behaviour of the monitoring and pipeline rules (CDK-B10, CDK-B14, CDK-I1, CDK-I6) beyond their examples."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cdkfix.registry import find_rule
from cdkfix.testing import fix_source

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "seed_app" / "lib"
CODES = ("CDK-B10", "CDK-B14", "CDK-I1", "CDK-I6")
RULES = [find_rule(code) for code in CODES]


def run(source: str, *codes: str, options=None):
    rules = [find_rule(code) for code in codes] if codes else RULES
    return fix_source(textwrap.dedent(source), rules, options=options)


def assert_stable(fixed: str, *codes: str) -> None:
    compile(fixed, "fixed.py", "exec")
    again, records = run(fixed, *codes)
    assert again == fixed and not records


# --- the seed app -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("monitoring_stack.py", {"CDK-B10": 1, "CDK-B14": 1}),
        ("pipeline_stack.py", {"CDK-I1": 1, "CDK-I6": 2}),
        ("ecs_stack.py", {"CDK-I1": 1}),
        ("secrets_stack.py", {}),
    ],
)
def test_seed_files_fixed_once_then_stable(name, expected):
    source = (SEED / name).read_text()
    fixed, records = fix_source(source, RULES)
    counts = {}
    for record in records:
        counts[record.code] = counts.get(record.code, 0) + 1
    assert counts == expected
    assert_stable(fixed)


def test_seed_monitoring_alarm_uses_the_rule_pipeline_and_topic():
    fixed, _ = fix_source((SEED / "monitoring_stack.py").read_text(), [find_rule("CDK-B14")])
    assert 'f"PipelineFailureAlarm{environment_suffix}"' in fixed
    assert 'dimensions_map={"PipelineName": pipeline_name}' in fixed
    assert "pipeline_failure_alarm.add_alarm_action(cw_actions.SnsAction(failure_topic))" in fixed
    assert "    aws_cloudwatch_actions as cw_actions,\n" in fixed  # joined the parenthesized import


def test_seed_buildspec_keeps_the_secrets_manager_env():
    source = (SEED / "pipeline_stack.py").read_text()
    fixed, _ = fix_source(source, [find_rule("CDK-I6")])
    assert fixed.count('"secrets-manager": {') == 1
    assert '"DOCKERHUB_PASSWORD": f"{docker_secret.secret_arn}:password"' in fixed
    # pre_build goes before build; the test project reports where pytest writes
    assert fixed.index('"pre_build"') < fixed.index('"echo $DOCKERHUB_PASSWORD')
    assert '"files": ["junit.xml"],\n                        "base-directory": "reports",' in fixed


# --- CDK-B14 ------------------------------------------------------------------------------

B14_TEMPLATE = """\
from aws_cdk import aws_cloudwatch as cloudwatch, aws_events as events, aws_events_targets as targets


class Monitoring:
    def other(self, name):
        elsewhere = cloudwatch.Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions", dimensions_map={{"PipelineName": name}})

    def build(self, topic, names):
        {before}
        events.Rule(self, "Failed", event_pattern=events.EventPattern({pattern}), targets=[targets.SnsTopic(topic)])
        {after}
"""


@pytest.mark.parametrize(
    "pattern, before, after",
    [
        ('source=["aws.codepipeline"], detail={"state": ["FAILED"]}', "", ""),
        ('source=["aws.codepipeline"], detail={"pipeline": names, "state": ["FAILED"]}', "", ""),
        ('source=["aws.codepipeline"], detail={"pipeline": ["a", "b"], "state": ["FAILED"]}', "", ""),
        ('source=["aws.codepipeline"], resources=[arn_a, arn_b], detail={"state": ["FAILED"]}', "", ""),
        ('source=["aws.codebuild"], detail={"pipeline": ["a"], "state": ["FAILED"]}', "", ""),
        (
            'source=["aws.codepipeline"], detail={"state": ["FAILED"]}',
            "",
            'late = cloudwatch.Metric(namespace="AWS/CodePipeline", metric_name="X", dimensions_map={"PipelineName": later})',
        ),
    ],
    ids=["no-name", "name-not-a-list", "two-pipelines", "two-resources", "not-codepipeline", "metric-after-the-rule"],
)
def test_b14_skips_when_the_pipeline_name_cannot_be_found(pattern, before, after):
    source = B14_TEMPLATE.format(pattern=pattern, before=before or "pass", after=after or "pass")
    fixed, records = run(source, "CDK-B14")
    assert not records and fixed == source


def test_b14_uses_a_codepipeline_arn_literal_and_a_metric_earlier_in_the_function():
    source = B14_TEMPLATE.format(
        pattern='source=["aws.codepipeline"], resources=["arn:aws:codepipeline:eu-west-1:123456789012:app-pipeline"], detail={"state": ["FAILED"]}',
        before="pass",
        after="pass",
    )
    fixed, records = run(source, "CDK-B14")
    assert len(records) == 1 and 'dimensions_map={"PipelineName": "app-pipeline"}' in fixed
    assert_stable(fixed, "CDK-B14")

    source = B14_TEMPLATE.format(
        pattern='source=["aws.codepipeline"], detail={"state": ["FAILED"]}',
        before='ok = cloudwatch.Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions", dimensions_map={"PipelineName": f"app-{env}"})',
        after="pass",
    )
    fixed, records = run(source, "CDK-B14")
    assert len(records) == 1 and 'dimensions_map={"PipelineName": f"app-{env}"}' in fixed


def test_b14_alarm_id_does_not_collide_and_variables_stay_unique():
    source = """\
    from aws_cdk import aws_events as events, aws_events_targets as targets

    pipeline_failure_alarm = "taken"
    events.Rule(self, "OnFailure", event_pattern=events.EventPattern(source=["aws.codepipeline"], detail={"pipeline": ["a"], "state": ["FAILED"]}), targets=[targets.SnsTopic(topic)])
    marker = "OnFailureAlarm"
    """
    fixed, records = run(source, "CDK-B14")
    assert len(records) == 1
    assert "pipeline_failure_alarm_2 = cloudwatch.Alarm(" in fixed
    assert '"OnFailureFailureAlarm"' in fixed
    assert_stable(fixed, "CDK-B14")


def test_b14_on_state_change_needs_a_codepipeline_receiver():
    source = """\
    from aws_cdk import aws_codebuild as codebuild, aws_events as events, aws_events_targets as targets

    class S:
        def __init__(self, topic):
            project = codebuild.PipelineProject(self, "P")
            project.on_state_change("Failed", target=targets.SnsTopic(topic), event_pattern=events.EventPattern(detail={"state": ["FAILED"]}))
    """
    fixed, records = run(source, "CDK-B14")
    assert not records


# --- CDK-B10 ------------------------------------------------------------------------------


def test_b10_pipeline_and_project_together_get_titled_widgets_once():
    source = """\
    from aws_cdk import aws_cloudwatch as cloudwatch

    def build(self, name, build_project, test_project):
        board = cloudwatch.Dashboard(self, "Board")
        board.add_widgets(cloudwatch.GraphWidget(left=[build_project.metric_succeeded_builds(period=Duration.hours(1))]))
        if name:
            board.add_widgets(cloudwatch.GraphWidget(left=[cloudwatch.Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions", dimensions_map={"PipelineName": name})]))
        board.add_widgets(cloudwatch.GraphWidget(left=[test_project.metric_succeeded_builds(), test_project.metric_failed_builds()]))
        return board
    """
    fixed, records = run(source, "CDK-B10")
    assert len(records) == 1
    assert records[0].message == "dashboard shows only success metrics for build project `build_project`, pipeline `name`"
    assert "build_project.metric_failed_builds(period=Duration.hours(1))" in fixed
    assert "build_project.metric_duration(period=Duration.hours(1))" in fixed
    assert "test_project.metric_duration" not in fixed  # its failures were already graphed
    # inserted after the last add_widgets statement, before `return`
    assert fixed.index("board.add_widgets(\n") > fixed.index("test_project.metric_failed_builds()")
    assert fixed.index("board.add_widgets(\n") < fixed.index("return board")
    assert_stable(fixed, "CDK-B10")


def test_b10_two_pipelines_get_distinct_titles_and_variables():
    source = """\
    from aws_cdk import aws_cloudwatch as cloudwatch

    board = cloudwatch.Dashboard(self, "Board")
    for_a = cloudwatch.Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions", dimensions_map={"PipelineName": "a"})
    board.add_widgets(cloudwatch.GraphWidget(left=[for_a, cloudwatch.Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions", dimensions_map={"PipelineName": "b"})]))
    """
    fixed, records = run(source, "CDK-B10")
    assert len(records) == 1
    assert 'title="Pipeline Failures (a)"' in fixed and 'title="Pipeline Success Rate (%) (b)"' in fixed
    assert records[0].message == 'dashboard shows only success metrics for pipeline `"a"`, pipeline `"b"`'
    assert "pipeline_failures = " in fixed and "pipeline_failures_2 = " in fixed
    assert '"s": for_a' in fixed
    assert_stable(fixed, "CDK-B10")


def test_b10_binds_a_bare_dashboard_with_widgets():
    source = """\
    from aws_cdk import aws_cloudwatch as cloudwatch

    cloudwatch.Dashboard(self, "Board", widgets=[[cloudwatch.GraphWidget(left=[project.metric_succeeded_builds()])]])
    """
    fixed, records = run(source, "CDK-B10")
    assert len(records) == 1
    assert fixed.splitlines()[2].startswith('dashboard = cloudwatch.Dashboard(self, "Board"')
    assert "dashboard.add_widgets(" in fixed
    assert_stable(fixed, "CDK-B10")


def test_b10_leaves_a_dashboard_inside_an_expression():
    source = """\
    from aws_cdk import aws_cloudwatch as cloudwatch

    boards = [cloudwatch.Dashboard(self, "Board", widgets=[[cloudwatch.GraphWidget(left=[project.metric_succeeded_builds()])]])]
    """
    fixed, records = run(source, "CDK-B10")
    assert not records


# --- CDK-I1 -------------------------------------------------------------------------------


def test_i1_outputs_before_a_final_return_with_unique_ids():
    source = """\
    from aws_cdk import Stack, aws_codepipeline as codepipeline
    from aws_cdk import CfnOutput


    class Pipelines(Stack):
        def __init__(self, scope, construct_id):
            super().__init__(scope, construct_id)
            CfnOutput(self, "PipelineName", value="unrelated")
            main = codepipeline.Pipeline(self, "Main")
            release_pipeline = codepipeline.Pipeline(self, "Release")
            return None
    """
    fixed, records = run(source, "CDK-I1")
    assert len(records) == 1  # one fix per stack
    assert records[0].message == "stack `Pipelines` has no outputs for pipeline `main`, pipeline `release_pipeline`"
    lines = [line.strip() for line in fixed.splitlines()]
    assert lines[-3:] == [
        'CfnOutput(self, "PipelineName2", value=main.pipeline_name)',
        'CfnOutput(self, "ReleasePipelineName", value=release_pipeline.pipeline_name)',
        "return None",
    ]
    assert_stable(fixed, "CDK-I1")


def test_i1_skips_a_name_bound_twice():
    source = """\
    from aws_cdk import Stack, aws_ecs as ecs


    class S(Stack):
        def __init__(self, scope, construct_id):
            super().__init__(scope, construct_id)
            cluster = ecs.Cluster(self, "A")
            cluster = ecs.Cluster(self, "B")
    """
    fixed, records = run(source, "CDK-I1")
    assert not records


# --- CDK-I6 -------------------------------------------------------------------------------


def test_i6_account_variable_only_when_used_and_not_defined():
    source = """\
    from aws_cdk import Stack, aws_codebuild as codebuild


    class S(Stack):
        def __init__(self, scope, construct_id):
            super().__init__(scope, construct_id)
            codebuild.PipelineProject(self, "Uses", build_spec=codebuild.BuildSpec.from_object({"phases": {"build": {"commands": ["echo ${AWS_ACCOUNT_ID}"]}}}))
            codebuild.PipelineProject(self, "Env", environment=codebuild.BuildEnvironment(environment_variables={"A": a}), build_spec=codebuild.BuildSpec.from_object({"phases": {"build": {"commands": ["echo $AWS_ACCOUNT_ID"]}}}))
            codebuild.PipelineProject(self, "Defined", build_spec=codebuild.BuildSpec.from_object({"env": {"variables": {"AWS_ACCOUNT_ID": "1"}}, "phases": {"build": {"commands": ["echo $AWS_ACCOUNT_ID"]}}}))
            codebuild.PipelineProject(self, "Unused", build_spec=codebuild.BuildSpec.from_object({"phases": {"build": {"commands": ["echo hi"]}}}))
    """
    fixed, records = run(source, "CDK-I6")
    assert [record.message for record in records] == ["buildspec `$AWS_ACCOUNT_ID` is not set"] * 2
    compact = "".join(fixed.split())
    assert '"echo${AWS_ACCOUNT_ID}"]}}}),environment_variables={"AWS_ACCOUNT_ID":codebuild.BuildEnvironmentVariable(value=self.account)})' in compact
    assert 'environment_variables={"A": a, "AWS_ACCOUNT_ID": codebuild.BuildEnvironmentVariable(value=self.account)}' in fixed
    assert "AWS_DEFAULT_REGION\"" not in fixed  # CodeBuild sets it itself
    assert_stable(fixed, "CDK-I6")


def test_i6_pre_build_without_commands_gets_them():
    source = """\
    from aws_cdk import Stack, aws_codebuild as codebuild


    class S(Stack):
        def __init__(self, scope, construct_id):
            super().__init__(scope, construct_id)
            codebuild.Project(
                self,
                "Images",
                build_spec=codebuild.BuildSpec.from_object({
                    "phases": {
                        "pre_build": {"on-failure": "ABORT"},
                        "post_build": {"commands": ["docker push $REPOSITORY_URI:latest"]},
                    },
                }),
            )
    """
    fixed, records = run(source, "CDK-I6")
    assert len(records) == 1
    assert '"pre_build": {"on-failure": "ABORT", "commands": ["aws ecr get-login-password' in fixed
    assert_stable(fixed, "CDK-I6")


@pytest.mark.parametrize(
    "construct_id, project_name, expected",
    [
        ('"UnitTests"', None, True),
        ('f"TestProject{suffix}"', None, True),
        ('"Build"', '"app-tests-dev"', True),
        ('"unittests"', None, True),
        ('"LatestBuild"', None, False),
        ('"Build"', '"contest-app"', False),
    ],
)
def test_i6_test_projects_by_word(construct_id, project_name, expected):
    name = f", project_name={project_name}" if project_name else ""
    source = f"""\
from aws_cdk import aws_codebuild as codebuild

codebuild.PipelineProject(stack, {construct_id}{name}, build_spec=codebuild.BuildSpec.from_object({{"phases": {{}}}}))
"""
    fixed, records = run(source, "CDK-I6")
    assert bool(records) is expected
    assert ('"test-reports"' in fixed) is expected


def test_i6_report_options():
    source = """\
    from aws_cdk import aws_codebuild as codebuild

    codebuild.PipelineProject(stack, "IntegrationTests", build_spec=codebuild.BuildSpec.from_object({"phases": {"build": {"commands": ["npm test"]}}}))
    """
    fixed, _ = run(source, "CDK-I6", options={"CDK-I6": {"report_base_directory": "test-results", "report_file_format": "CUCUMBERJSON"}})
    assert '"base-directory": "test-results", "file-format": "CUCUMBERJSON"' in fixed


# --- synthesis ----------------------------------------------------------------------------

APP = """\
import aws_cdk as cdk
from aws_cdk import (
    Stack,
    aws_cloudwatch as cloudwatch,
    aws_codebuild as codebuild,
    aws_codepipeline as codepipeline,
    aws_codepipeline_actions as actions,
    aws_ecr as ecr,
    aws_events as events,
    aws_events_targets as targets,
    aws_s3 as s3,
    aws_sns as sns,
)


class AppStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        repository = ecr.Repository(self, "Repo", removal_policy=cdk.RemovalPolicy.DESTROY, empty_on_delete=True)
        source = codepipeline.Artifact("Source")
        tests = codebuild.PipelineProject(
            self,
            "UnitTests",
            build_spec=codebuild.BuildSpec.from_object({
                "version": "0.2",
                "phases": {"build": {"commands": ["pytest --junitxml=reports/junit.xml"]}},
            }),
        )
        build = codebuild.PipelineProject(
            self,
            "Build",
            build_spec=codebuild.BuildSpec.from_object({
                "version": "0.2",
                "phases": {"post_build": {"commands": [f"docker push {repository.repository_uri}:latest"]}},
            }),
        )
        repository.grant_pull_push(build)
        pipeline = codepipeline.Pipeline(
            self,
            "Pipeline",
            artifact_bucket=s3.Bucket(self, "Artifacts", removal_policy=cdk.RemovalPolicy.DESTROY, auto_delete_objects=True, enforce_ssl=True),
            stages=[
                codepipeline.StageProps(stage_name="Source", actions=[actions.S3SourceAction(action_name="S", bucket=s3.Bucket.from_bucket_name(self, "Src", "src"), bucket_key="app.zip", output=source)]),
                codepipeline.StageProps(stage_name="Test", actions=[actions.CodeBuildAction(action_name="T", project=tests, input=source)]),
                codepipeline.StageProps(stage_name="Build", actions=[actions.CodeBuildAction(action_name="B", project=build, input=source)]),
            ],
        )
        topic = sns.Topic(self, "Failures")
        dashboard = cloudwatch.Dashboard(self, "Dashboard")
        dashboard.add_widgets(
            cloudwatch.GraphWidget(title="Builds", left=[build.metric_succeeded_builds()]),
            cloudwatch.GraphWidget(
                title="Pipeline",
                left=[cloudwatch.Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions", dimensions_map={"PipelineName": pipeline.pipeline_name}, statistic="Sum")],
            ),
        )
        events.Rule(
            self,
            "PipelineFailureRule",
            event_pattern=events.EventPattern(source=["aws.codepipeline"], resources=[pipeline.pipeline_arn], detail={"state": ["FAILED"]}),
            targets=[targets.SnsTopic(topic)],
        )


app = cdk.App()
AppStack(app, "App")
app.synth()
"""


@pytest.mark.synth
def test_fixed_app_synthesizes(tmp_path):
    pytest.importorskip("aws_cdk")
    if shutil.which("node") is None:
        pytest.skip("synthesis needs Node.js")
    fixed, records = fix_source(APP, RULES)
    assert sorted(record.code for record in records) == ["CDK-B10", "CDK-B14", "CDK-I1", "CDK-I6", "CDK-I6"]
    (tmp_path / "app.py").write_text(fixed)
    out = tmp_path / "out"
    env = {**os.environ, "CDK_OUTDIR": str(out), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    result = subprocess.run([sys.executable, "app.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "deprecated" not in (result.stdout + result.stderr).lower()
    template = json.loads((out / "App.template.json").read_text())
    resources = template["Resources"].values()
    alarm = next(r for r in resources if r["Type"] == "AWS::CloudWatch::Alarm")["Properties"]
    assert alarm["MetricName"] == "FailedPipelineExecutions" and alarm["Namespace"] == "AWS/CodePipeline"
    assert alarm["Dimensions"][0] == {"Name": "PipelineName", "Value": {"Ref": next(k for k, r in template["Resources"].items() if r["Type"] == "AWS::CodePipeline::Pipeline")}}
    assert alarm["AlarmActions"] == [{"Ref": next(k for k, r in template["Resources"].items() if r["Type"] == "AWS::SNS::Topic")}]
    body = json.dumps(next(r for r in resources if r["Type"] == "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"])
    for needle in ("FailedPipelineExecutions", "FailedBuilds", "Duration", "100 * s / (s + f)"):
        assert needle in body
    assert set(template["Outputs"]) >= {"PipelineName"}
    projects = [r["Properties"] for r in resources if r["Type"] == "AWS::CodeBuild::Project"]
    specs = [json.dumps(p["Source"]["BuildSpec"]) for p in projects]
    assert any("ecr get-login-password" in spec and "pre_build" in spec for spec in specs)
    assert any("test-reports" in spec and "JUNITXML" in spec for spec in specs)
    assert any(
        {"Name": "AWS_ACCOUNT_ID", "Type": "PLAINTEXT", "Value": {"Ref": "AWS::AccountId"}} in p["Environment"].get("EnvironmentVariables", [])
        for p in projects
    )
