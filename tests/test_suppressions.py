"""`# cdkfix: ignore[...]`, `# cdkfix: ignore-file[...]`, unused suppressions, cdk-nag acknowledgements."""

from __future__ import annotations

from textwrap import dedent

import pytest
from typer.testing import CliRunner

from cdkfix import suppressions
from cdkfix.cli import app
from cdkfix.config import RunConfig
from cdkfix.engine import fix_module
from cdkfix.records import FixStatus
from cdkfix.registry import find_rule
from rulekit import BucketAutoDelete, BucketSsl

B12 = find_rule("CDK-B12")
A1 = find_rule("CDK-A1")  # unsafe: its fixes are held back without --unsafe-fixes


def run_source(source: str, rules=(B12,), *, unsafe=False, path="stack.py"):
    config = RunConfig(rules=tuple(rules), unsafe_fixes=unsafe)
    result = fix_module(source.encode(), path, config)
    assert not result.errors, result.errors
    return result


def statuses(result):
    return [(fix.code, fix.line, fix.status) for fix in result.fixes]


def notices(result):
    return [(notice.line, notice.message) for notice in result.notices]


HEADER = "from aws_cdk import aws_ecs as ecs, aws_s3 as s3\n"


# --- where a suppression may be written ---------------------------------------------------


@pytest.mark.parametrize("spelling", ["CDK-B12", "B12", "cdk-b12", " B12 , CDK-B12 "])
def test_trailing_comment_on_the_construct_line(spelling):
    result = run_source(HEADER + f'cluster = ecs.Cluster(self, "C")  # cdkfix: ignore[{spelling}] insights cost too much\n')
    assert statuses(result) == [("CDK-B12", 2, FixStatus.SUPPRESSED)]
    assert "insights cost too much" in result.fixes[0].detail and "line 2" in result.fixes[0].detail
    assert result.new_source is None  # nothing written
    assert notices(result) == []


@pytest.mark.parametrize("spelling", ["AwsSolutions-S10", "awssolutions-s10", "AWSSOLUTIONS-S10"])
def test_a_mixed_case_code_suppresses_whatever_the_comment_case(spelling):
    # cdk-nag's IDs are mixed case; the comment's codes are read upper-cased: they once never
    # matched `AwsSolutions-S10` and were reported as unknown codes.
    s10 = find_rule("AwsSolutions-S10")
    result = run_source(HEADER + f'bucket = s3.Bucket(self, "B")  # cdkfix: ignore[{spelling}] a website\n', rules=(s10,),
                        unsafe=True)
    assert statuses(result) == [("AwsSolutions-S10", 2, FixStatus.SUPPRESSED)]
    assert "ignore[AwsSolutions-S10]" in result.fixes[0].detail
    assert notices(result) == []


def test_own_line_comment_above():
    result = run_source(HEADER + '# cdkfix: ignore[B12]\ncluster = ecs.Cluster(self, "C")\nother = ecs.Cluster(self, "D")\n')
    assert statuses(result) == [("CDK-B12", 3, FixStatus.SUPPRESSED), ("CDK-B12", 4, FixStatus.APPLIED)]


def test_comment_block_directly_above():
    source = HEADER + dedent("""
        # cdkfix: ignore[B12] reviewed in ADR-7
        # The cluster is short-lived.
        cluster = ecs.Cluster(self, "C")
    """)
    assert statuses(run_source(source))[0][2] is FixStatus.SUPPRESSED


def test_blank_line_breaks_the_block_and_the_suppression_is_unused():
    source = HEADER + '# cdkfix: ignore[B12]\n\ncluster = ecs.Cluster(self, "C")\n'
    result = run_source(source)
    assert statuses(result)[0][2] is FixStatus.APPLIED
    assert notices(result) == [(2, "unused suppression ignore[CDK-B12]")]


def test_trailing_comment_of_the_previous_statement_does_not_count():
    source = HEADER + 'a = ecs.Cluster(self, "A")  # cdkfix: ignore[B12]\nb = ecs.Cluster(self, "B")\n'
    assert [status for _, _, status in statuses(run_source(source))] == [FixStatus.SUPPRESSED, FixStatus.APPLIED]


def test_lines_from_statement_to_construct_call():
    source = HEADER + dedent("""
        service = make(  # cdkfix: ignore[B12]
            ecs.Cluster(self, "A"),
        )
        other = make(
            ecs.Cluster(self, "B"),  # cdkfix: ignore[B12]
        )
        late = make(
            ecs.Cluster(self, "C"),
        )  # cdkfix: ignore[B12]
    """)
    result = run_source(source)
    assert [status for _, _, status in statuses(result)] == [FixStatus.SUPPRESSED, FixStatus.SUPPRESSED, FixStatus.APPLIED]
    assert notices(result) == [(11, "unused suppression ignore[CDK-B12]")]  # after the call: not its line


def test_ignore_file():
    source = "# cdkfix: ignore-file[B12] clusters are tested elsewhere\n" + HEADER + dedent("""
        a = ecs.Cluster(self, "A")
        bucket = s3.Bucket(self, "B")
    """)
    result = run_source(source, (B12, BucketSsl))
    assert {(code, status) for code, _, status in statuses(result)} == {
        ("CDK-B12", FixStatus.SUPPRESSED), ("TEST-S1", FixStatus.APPLIED)
    }
    assert b"enforce_ssl=True" in result.new_source and b"container_insights" not in result.new_source


def test_several_codes_and_only_the_named_ones():
    source = HEADER + 'bucket = s3.Bucket(self, "B")  # cdkfix: ignore[TEST-S1]\n'
    result = run_source(source, (BucketSsl, BucketAutoDelete), unsafe=True)
    assert {(code, status) for code, _, status in statuses(result)} == {
        ("TEST-S1", FixStatus.SUPPRESSED), ("TEST-U1", FixStatus.APPLIED)
    }
    both = run_source(HEADER + 'bucket = s3.Bucket(self, "B")  # cdkfix: ignore[TEST-S1, TEST-U1]\n',
                      (BucketSsl, BucketAutoDelete), unsafe=True)
    assert {status for _, _, status in statuses(both)} == {FixStatus.SUPPRESSED}
    assert both.new_source is None


def test_text_in_a_string_is_not_a_directive():
    source = HEADER + 'cluster = ecs.Cluster(self, "# cdkfix: ignore[B12]")\n'
    result = run_source(source)
    assert statuses(result)[0][2] is FixStatus.APPLIED and notices(result) == []


def test_suppressed_unsafe_fix_is_not_held_back():
    result = run_source(HEADER + 'bucket = s3.Bucket(self, "B")  # cdkfix: ignore[TEST-U1]\n', (BucketAutoDelete,))
    assert statuses(result)[0][2] is FixStatus.SUPPRESSED


# --- unused suppressions -----------------------------------------------------------------


def test_unused_in_a_file_without_fixes():
    source = HEADER + 'cluster = ecs.Cluster(self, "C", container_insights_v2=ecs.ContainerInsights.ENABLED)  # cdkfix: ignore[B12]\n'
    result = run_source(source)
    assert result.fixes == []
    assert notices(result) == [(2, "unused suppression ignore[CDK-B12]")]
    assert result.notices[0].column == source.splitlines()[1].index("#") + 1


def test_wrong_code_does_not_suppress_and_is_unused():
    result = run_source(HEADER + 'cluster = ecs.Cluster(self, "C")  # cdkfix: ignore[TEST-S1]\n', (B12, BucketSsl))
    assert statuses(result)[0][2] is FixStatus.APPLIED
    assert notices(result) == [(2, "unused suppression ignore[TEST-S1]")]


def test_unused_ignore_file_and_unknown_codes():
    source = "# cdkfix: ignore-file[B12, CDK-Z9]\n" + HEADER + 'bucket = s3.Bucket(self, "B", enforce_ssl=True)\n'
    result = run_source(source, (B12, BucketSsl))
    assert notices(result) == [
        (1, "unused suppression ignore-file[CDK-B12]"),
        (1, "unused suppression ignore-file[CDK-Z9] (unknown rule code)"),
    ]


def test_codes_of_rules_that_did_not_run_are_not_reported(test_rules):
    # TEST-S1 is not selected for this run: nothing could have used its suppression.
    result = run_source(HEADER + 'bucket = s3.Bucket(self, "B")  # cdkfix: ignore[TEST-S1]\n', (B12,))
    assert notices(result) == []


def test_suppression_without_codes_is_invalid():
    result = run_source(HEADER + 'cluster = ecs.Cluster(self, "C")  # cdkfix: ignore\n')
    assert statuses(result)[0][2] is FixStatus.APPLIED
    assert result.notices[0].kind == "invalid-suppression"
    assert "name the codes" in result.notices[0].message


def test_files_without_the_marker_are_not_tokenized(monkeypatch):
    def fail(source):
        raise AssertionError("tokenized a file without `cdkfix:`")

    monkeypatch.setattr(suppressions, "parse_comments", fail)
    result = run_source(HEADER + 'cluster = ecs.Cluster(self, "C")  # a comment\n')
    assert statuses(result)[0][2] is FixStatus.APPLIED


# --- check mode: text output and exit codes ----------------------------------------------


def test_check_reports_unused_suppressions_and_they_do_not_fail(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stack.py").write_text(
        HEADER + 'a = ecs.Cluster(self, "A", container_insights_v2=ecs.ContainerInsights.ENABLED)  # cdkfix: ignore[B12]\n'
        + 'b = ecs.Cluster(self, "B")  # cdkfix: ignore[B12] reviewed\n'
    )
    result = CliRunner().invoke(app, ["check", "stack.py"])
    assert result.stdout.splitlines() == ["stack.py:2: unused suppression ignore[CDK-B12]"]
    assert result.exit_code == 0  # nothing pending: one suppressed, one unused suppression
    assert "1 suppressed" in result.stderr


def test_apply_leaves_suppressed_code_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = HEADER + 'b = ecs.Cluster(self, "B")  # cdkfix: ignore[B12]\n'
    (tmp_path / "stack.py").write_text(text)
    result = CliRunner().invoke(app, ["apply", "stack.py"])
    assert result.exit_code == 0 and (tmp_path / "stack.py").read_text() == text
    assert "unused" not in result.output  # unused suppressions are a check-mode report


# --- cdk-nag acknowledgements --------------------------------------------------------------

NAG_HEADER = """\
from aws_cdk import Stack, aws_ecs as ecs, aws_iam as iam
from cdk_nag import NagPackSuppression, NagSuppressions
"""


def test_nag_resource_suppression_of_an_equivalent_rule():
    source = NAG_HEADER + dedent("""
        class S(Stack):
            def __init__(self, scope, id):
                super().__init__(scope, id)
                self.cluster = ecs.Cluster(self, "C")
                other = ecs.Cluster(self, "D")
                NagSuppressions.add_resource_suppressions(
                    self.cluster, [{"id": "AwsSolutions-ECS4", "reason": "dev cluster"}]
                )
    """)
    result = run_source(source)
    assert [status for _, _, status in statuses(result)] == [FixStatus.SUPPRESSED, FixStatus.APPLIED]
    assert "cdk-nag AwsSolutions-ECS4" in result.fixes[0].detail


def test_nag_pack_suppression_object_and_keyword():
    source = NAG_HEADER + dedent("""
        cluster = ecs.Cluster(self, "C")
        NagSuppressions.add_resource_suppressions(
            construct=cluster, suppressions=[NagPackSuppression(id="AwsSolutions-ECS4", reason="x")]
        )
    """)
    # `construct=` as a keyword is not recognised (cdk-nag code passes it positionally); the list is.
    assert statuses(run_source(source))[0][2] is FixStatus.APPLIED
    positional = NAG_HEADER + dedent("""
        cluster = ecs.Cluster(self, "C")
        NagSuppressions.add_resource_suppressions(cluster, [NagPackSuppression(id="AwsSolutions-ECS4", reason="x")])
    """)
    assert statuses(run_source(positional))[0][2] is FixStatus.SUPPRESSED


def test_nag_stack_suppression_covers_its_class_only():
    source = NAG_HEADER + dedent("""
        class Quiet(Stack):
            def __init__(self, scope, id):
                super().__init__(scope, id)
                ecs.Cluster(self, "C")
                NagSuppressions.add_stack_suppressions(self, [{"id": "AwsSolutions-ECS4", "reason": "x"}])

        class Loud(Stack):
            def __init__(self, scope, id):
                super().__init__(scope, id)
                ecs.Cluster(self, "C")
    """)
    assert [status for _, _, status in statuses(run_source(source))] == [FixStatus.SUPPRESSED, FixStatus.APPLIED]


def test_nag_unrelated_rule_does_not_suppress():
    source = NAG_HEADER + dedent("""
        cluster = ecs.Cluster(self, "C")
        NagSuppressions.add_resource_suppressions(cluster, [{"id": "AwsSolutions-ECS2", "reason": "x"}])
    """)
    assert statuses(run_source(source))[0][2] is FixStatus.APPLIED


def iam4(applies_to=None, target="role"):
    entry = '{"id": "AwsSolutions-IAM4", "reason": "x"' + (f', "appliesTo": {applies_to!r}' if applies_to else "") + "}"
    return f"NagSuppressions.add_resource_suppressions({target}, [{entry}])"


@pytest.mark.parametrize(
    "applies_to, expected",
    [
        (None, FixStatus.SUPPRESSED),
        (["Policy::arn:<AWS::Partition>:iam::aws:policy/PowerUserAccess"], FixStatus.SUPPRESSED),
        (["Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonS3ReadOnlyAccess"], FixStatus.APPLIED),
    ],
)
def test_nag_iam4_maps_to_a1_for_the_named_policy(applies_to, expected):
    source = NAG_HEADER + f"""
role = iam.Role(
    self, "R",
    managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess")],
)
{iam4(applies_to)}
"""
    # The real CDK-A1 is unsafe: with --unsafe-fixes a finding the acknowledgement does not cover is applied...
    result = run_source(source, (A1,), unsafe=True)
    assert statuses(result) == [("CDK-A1", 4, expected)]
    assert (result.new_source is None) is (expected is FixStatus.SUPPRESSED)
    if expected is FixStatus.SUPPRESSED:
        assert "cdk-nag AwsSolutions-IAM4 on line 8" in result.fixes[0].detail
    # ...without it, only held back; an acknowledged one stays suppressed either way.
    held = run_source(source, (A1,))
    assert statuses(held) == [("CDK-A1", 4, FixStatus.UNSAFE if expected is FixStatus.APPLIED else expected)]


def test_nag_iam4_for_another_policy_of_the_role_does_not_cover_a1():
    # The role also has ReadOnlyAccess: acknowledging that one says nothing about AdministratorAccess.
    source = NAG_HEADER + f"""
role = iam.Role(
    self, "R",
    managed_policies=[
        iam.ManagedPolicy.from_aws_managed_policy_name("ReadOnlyAccess"),
        iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess"),
    ],
)
{iam4(["Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess"])}
"""
    result = run_source(source, (A1,), unsafe=True)
    assert statuses(result) == [("CDK-A1", 4, FixStatus.APPLIED)]
    both = source.replace("policy/ReadOnlyAccess", "policy/AdministratorAccess")
    assert statuses(run_source(both, (A1,), unsafe=True)) == [("CDK-A1", 4, FixStatus.SUPPRESSED)]


@pytest.mark.parametrize("target", ["role", "self.role"])
def test_nag_iam4_on_the_role_covers_its_add_managed_policy(target):
    # CDK-A1 also flags `role.add_managed_policy(...)`; cdk-nag reports IAM4 on the role for it.
    source = NAG_HEADER + dedent(f"""
        class S(Stack):
            def __init__(self, scope, id):
                super().__init__(scope, id)
                {target} = iam.Role(self, "R", assumed_by=iam.AccountRootPrincipal())
                {target}.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess"))
                other = iam.Role(self, "O", assumed_by=iam.AccountRootPrincipal())
                other.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess"))
                {iam4(target=target)}
    """)
    result = run_source(source, (A1,), unsafe=True)
    assert statuses(result) == [("CDK-A1", 8, FixStatus.SUPPRESSED), ("CDK-A1", 10, FixStatus.APPLIED)]
    assert "cdk-nag AwsSolutions-IAM4 on line 11" in result.fixes[0].detail


# --- cdk-nag 3 acknowledgements (the form NAG3-1/NAG3-2 write) ------------------------------

V3_HEADER = """\
from aws_cdk import Acknowledgment, Stack, Validations, aws_ecs as ecs
"""


@pytest.mark.parametrize("target", ["self.cluster", "self.cluster.node.default_child"])
def test_nag_v3_acknowledgement_on_a_construct_or_its_default_child(target):
    source = V3_HEADER + dedent(f"""
        class S(Stack):
            def __init__(self, scope, id):
                super().__init__(scope, id)
                self.cluster = ecs.Cluster(self, "C")
                other = ecs.Cluster(self, "D")
                Validations.of({target}).acknowledge(
                    Acknowledgment(id="AwsSolutions-ECS4", reason="dev cluster")
                )
    """)
    result = run_source(source)
    assert [status for _, _, status in statuses(result)] == [FixStatus.SUPPRESSED, FixStatus.APPLIED]
    assert "cdk-nag AwsSolutions-ECS4" in result.fixes[0].detail


def test_nag_v3_acknowledgement_on_self_covers_its_class_only():
    source = V3_HEADER + dedent("""
        class Quiet(Stack):
            def __init__(self, scope, id):
                super().__init__(scope, id)
                ecs.Cluster(self, "C")
                Validations.of(self).acknowledge(Acknowledgment(id="AwsSolutions-ECS4", reason="x"))

        class Loud(Stack):
            def __init__(self, scope, id):
                super().__init__(scope, id)
                ecs.Cluster(self, "C")
                Validations.of(self).acknowledge(Acknowledgment(id="AwsSolutions-S1", reason="x"))
    """)
    assert [status for _, _, status in statuses(run_source(source))] == [FixStatus.SUPPRESSED, FixStatus.APPLIED]


def test_migrating_nag_v2_suppressions_keeps_them_suppressing_so_a_second_run_changes_nothing(tmp_path):
    """NAG3-2 rewrites a cdk-nag 2 suppression of AwsSolutions-S1 into a v3 acknowledgement; the
    S1 rule must see both as suppressing, or the run after the migration would add the log
    buckets the user had suppressed (found on efigueroah/cdk-python-template)."""
    stack = tmp_path / "stack.py"
    stack.write_text(dedent("""\
        from aws_cdk import RemovalPolicy, Stack, aws_s3 as s3
        from cdk_nag import NagSuppressions


        class Data(Stack):
            def __init__(self, scope, id):
                super().__init__(scope, id)
                bucket = s3.Bucket(self, "Data", enforce_ssl=True, removal_policy=RemovalPolicy.RETAIN)
                NagSuppressions.add_resource_suppressions(
                    bucket, [{"id": "AwsSolutions-S1", "reason": "dev data"}]
                )
    """))
    select = ["--select", "AwsSolutions-S1,NAG3-2", "--unsafe-fixes"]
    first = CliRunner().invoke(app, ["apply", str(stack), *select])
    assert first.exit_code == 0, first.output
    migrated = stack.read_text()
    assert "Validations.of(bucket.node.default_child).acknowledge(" in migrated and "NagSuppressions" not in migrated
    assert "AccessLogs" not in migrated  # S1 stayed suppressed in the first run
    second = CliRunner().invoke(app, ["apply", str(stack), *select])
    assert second.exit_code == 0, second.output
    assert stack.read_text() == migrated
