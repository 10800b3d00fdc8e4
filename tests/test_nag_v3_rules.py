"""The cdk-nag v3 migration rules beyond their own examples: selection as a group, files that
import only cdk_nag, partial migrations keeping their imports, version pins, explain."""

from __future__ import annotations

import json

import pytest

from cdkfix.config import RunConfig
from cdkfix.engine import fix_module
from cdkfix.explain import explain_text
from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, rules_by_code
from cdkfix.testing import fix_source
from cdkfix.transforms.nag_v3.pins import outdated_pins_in

NAG3 = [rule for rule in all_rules() if rule.code.startswith("NAG3-")]

V2_APP = '''\
import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks, NagSuppressions

app = cdk.App()
cdk.Aspects.of(app).add(AwsSolutionsChecks())
stack = cdk.Stack(app, "S")
NagSuppressions.add_stack_suppressions(stack, [{"id": "AwsSolutions-S1", "reason": "No access logs needed"}])
app.synth()
'''


def test_the_group_is_opt_in(cli, tmp_path):
    assert {rule.code for rule in NAG3} == {"NAG3-1", "NAG3-2"}
    assert all(rule.groups == ("cdk-nag-v3",) and rule.default is False for rule in NAG3)
    app = tmp_path / "app.py"
    app.write_text(V2_APP)
    code, out, _err = cli("check", "--output-format", "json", str(app))
    assert "NAG3" not in out  # the default selection leaves cdk-nag 2 code alone
    code, out, _err = cli("apply", "--select", "cdk-nag-v3", str(app))
    assert code == 0
    assert app.read_text() == '''\
import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

app = cdk.App()
cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
stack = cdk.Stack(app, "S")
cdk.Validations.of(stack).acknowledge(
    cdk.Acknowledgment(id="AwsSolutions-S1", reason="No access logs needed")
)
app.synth()
'''
    code, out, _err = cli("apply", "--select", "cdk-nag-v3", str(app))
    assert code == 0 and app.read_text().count("Validations") == 2  # a second run changes nothing


def test_a_module_of_suppression_helpers_without_aws_cdk_is_migrated():
    source = '''\
from cdk_nag import NagSuppressions


def suppress_queue(queue):
    NagSuppressions.add_resource_suppressions(queue, [{"id": "AwsSolutions-SQS3", "reason": "This is the DLQ"}], True)
'''
    fixed, records = fix_source(source, NAG3)
    assert [record.status for record in records] == [FixStatus.APPLIED, FixStatus.APPLIED]
    assert fixed == '''\
from aws_cdk import Validations
from aws_cdk import Acknowledgment


def suppress_queue(queue):
    Validations.of(queue).acknowledge(
        Acknowledgment(id="AwsSolutions-SQS3", reason="This is the DLQ")
    )
'''


def test_a_call_left_alone_keeps_the_imports_it_needs():
    source = '''\
from aws_cdk import aws_s3 as s3
from cdk_nag import NagSuppressions, NagPackSuppression

bucket = s3.Bucket(stack, "B")
NagSuppressions.add_resource_suppressions(bucket, [NagPackSuppression(id="AwsSolutions-S1", reason="Logs are elsewhere")])
NagSuppressions.add_resource_suppressions(bucket, [NagPackSuppression(id=rule_of(bucket), reason="Computed ID")])
'''
    fixed, records = fix_source(source, NAG3)
    statuses = sorted(record.status.value for record in records)
    assert statuses == ["applied", "no-fix"]
    assert "from cdk_nag import NagSuppressions, NagPackSuppression\n" in fixed
    assert "computed at run time" in next(r.detail for r in records if r.status is FixStatus.NO_FIX)
    compile(fixed, "x.py", "exec")


@pytest.mark.parametrize(
    "call, why",
    [
        ('NagSuppressions.add_stack_suppressions(stack, [{"id": "AwsSolutions-S1", "reason": "r" * 10}])', "nested stacks"),
        ('NagSuppressions.add_resource_suppressions(self, [{"id": "AwsSolutions-S1", "reason": "r" * 10}])', "L1 or L2"),
        ('NagSuppressions.add_resource_suppressions_by_path(stack, "/S/Role", [{"id": "AwsSolutions-S1", "reason": "x"}])', "/Resource"),
        ('NagSuppressions.add_resource_suppressions(b, [{"id": "AwsSolutions-S1", "reason": "x"}], apply_to_children=flag)', "run time"),
        ('NagSuppressions.add_resource_suppressions(b, SUPPRESSIONS, True)', "append"),
        ('x = NagSuppressions.add_resource_suppressions(b, [{"id": "AwsSolutions-S1", "reason": "x"}], True)', "larger statement"),
    ],
)
def test_what_cannot_be_migrated_exactly_is_reported(call, why):
    source = f'''\
from aws_cdk import NestedStack, aws_s3 as s3
from cdk_nag import NagSuppressions

SUPPRESSIONS = []
SUPPRESSIONS.append({{"id": "AwsSolutions-S1", "reason": "Appended later"}})
{call}
'''
    fixed, records = fix_source(source, NAG3)
    assert fixed == source
    assert [record.status for record in records] == [FixStatus.NO_FIX]
    assert why in records[0].detail


def test_by_path_with_children_acknowledges_the_l2_v2_also_matched():
    source = '''\
from cdk_nag import NagSuppressions

NagSuppressions.add_resource_suppressions_by_path(stack, "/S/Fn/ServiceRole/Resource", [{"id": "AwsSolutions-IAM4", "reason": "Basic role", "applies_to": ["Policy::x"]}], True)
'''
    fixed, _records = fix_source(source, NAG3)
    flat = "".join(fixed.split())  # black splits the chain over lines
    assert 'Validations.of(stack.node.root.node.find_child("S").node.find_child("Fn").node.find_child("ServiceRole"))' in flat
    assert 'find_child("Resource")' not in flat


def test_an_f_string_without_placeholders_is_a_constant():
    source = '''\
from cdk_nag import NagSuppressions

NagSuppressions.add_resource_suppressions_by_path(self, f"app-{{x}}/Fn/Resource", [{"id": f"AwsSolutions-L1", "reason": "Pinned"}])
'''
    fixed, records = fix_source(source, NAG3)
    flat = "".join(fixed.split())
    assert 'self.node.root.node.find_child("app-{x}").node.find_child("Fn").node.find_child("Resource")' in flat
    assert 'Acknowledgment(id=f"AwsSolutions-L1",reason="Pinned")' in flat


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("cdk-nag==2.28.159\n", ["cdk-nag==2.28.159"]),
        ("aws-cdk-lib>=2.24.1,<3.0\ncdk-nag==2.27.173\n", ["cdk-nag==2.27.173"]),
        ("aws-cdk-lib==2.103.0\ncdk_nag\n", ["aws-cdk-lib==2.103.0"]),
        ('[tool.poetry.dependencies]\naws-cdk-lib = "~2.70.0"\ncdk-nag = "^2.27"\n', ['aws-cdk-lib = "~2.70.0', 'cdk-nag = "^2.27']),
        ('dependencies = ["aws-cdk-lib==2.275.*", "cdk-nag>=3,<4"]\n', []),
        ("# cdk-nag==2.1.0\ncdk-nag>=2\n", []),
    ],
)
def test_version_pins_that_keep_cdk_nag_2(text, flagged):
    assert [pin for _line, pin, _needed in outdated_pins_in(text)] == flagged


def test_pins_are_reported_where_the_pack_is_registered(tmp_path):
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "python3 app.py"}))
    (tmp_path / "requirements.txt").write_text("aws-cdk-lib==2.150.0\nconstructs>=10\ncdk-nag==2.28.0\n")
    app = tmp_path / "app.py"
    app.write_text(V2_APP)
    config = RunConfig(rules=tuple(NAG3), unsafe_fixes=False)
    result = fix_module(app.read_bytes(), str(app), config)
    pins = [record for record in result.fixes if "pins" in record.message]
    assert [record.message for record in pins] == [
        "requirements.txt:1 pins `aws-cdk-lib==2.150.0`: the migrated code needs aws-cdk-lib >= 2.257 (Validations.acknowledge)",
        "requirements.txt:3 pins `cdk-nag==2.28.0`: the migrated code needs cdk-nag >= 3",
    ]
    assert all(record.status is FixStatus.NO_FIX and record.code == "NAG3-1" for record in pins)
    # The Python code is still migrated; the pins are for the user to change, and stay
    # reported after the migration while they keep cdk-nag 2.
    assert b"add_plugins" in result.new_source
    app.write_bytes(result.new_source)
    again = fix_module(app.read_bytes(), str(app), config)
    assert [record.message for record in again.fixes] == [record.message for record in pins]
    assert again.new_source is None


def test_explain_gives_the_mapping():
    text = explain_text(rules_by_code()["NAG3-2"])
    assert "## Mapping (old form -> new form)" in text
    assert '`Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason=r)`' in text
    assert "reported without a fix" in explain_text(rules_by_code()["NAG3-1"])


def test_expand_keeps_the_findings_the_v2_call_covered():
    from cdkfix.transforms.nag_v3.granular import expand

    calls = [
        # a whole-rule IAM5 suppression on one resource, run twice (a helper): the union
        {"file": "app.py", "line": 7, "resources": ["S/A/Policy/Resource"],
         "suppressions": [{"id": "AwsSolutions-IAM5", "applies_to": None}, {"id": "AwsSolutions-S1", "applies_to": None}]},
        {"file": "app.py", "line": 7, "resources": ["S/B/Policy/Resource"],
         "suppressions": [{"id": "AwsSolutions-IAM5", "applies_to": None}]},
        {"file": "app.py", "line": 9, "resources": ["S/A/Policy/Resource"],
         "suppressions": [{"id": "AwsSolutions-IAM5", "applies_to": [{"regex": "/^Action::s3:.*$/g"}, "Resource::*"]}]},
    ]
    findings = [
        ("AwsSolutions-IAM5[Action::s3:*]", "S/A/Policy/Resource"),
        ("AwsSolutions-IAM5[Action::kms:*]", "S/B/Policy/Resource"),
        ("AwsSolutions-IAM5[Resource::*]", "S/C/Policy/Resource"),  # not a resource the calls covered
        ("AwsSolutions-S1", "S/A/Policy/Resource"),
    ]
    assert expand(calls, findings) == {
        "app.py:7": {
            "AwsSolutions-IAM5": ["AwsSolutions-IAM5[Action::kms:*]", "AwsSolutions-IAM5[Action::s3:*]"],
            "ids #0": ["AwsSolutions-IAM5"],
            "ids #1": ["AwsSolutions-S1"],
        },
        "app.py:9": {"ids #0": ["AwsSolutions-IAM5"], "regex #0.0": ["AwsSolutions-IAM5[Action::s3:*]"]},
    }


def test_the_granular_findings_option(tmp_path):
    app = tmp_path / "app.py"
    app.write_text('''\
from aws_cdk import aws_iam as iam
from cdk_nag import NagSuppressions

role = iam.Role(stack, "Role", assumed_by=principal)
NagSuppressions.add_resource_suppressions(
    role, [{"id": "AwsSolutions-IAM5", "reason": "Wildcards are needed"}], apply_to_children=True
)
NagSuppressions.add_resource_suppressions(role, [{"id": "AwsSolutions-IAM4", "reason": "Managed policy"}], True)
''')
    data = tmp_path / "granular.json"
    data.write_text(json.dumps({"app_root": str(tmp_path), "calls": {
        "app.py:5": {"AwsSolutions-IAM5": ["AwsSolutions-IAM5[Action::s3:*]", "AwsSolutions-IAM5[Resource::*]"]},
    }}))
    config = RunConfig(rules=tuple(NAG3), rule_options={"NAG3-2": {"granular_findings": str(data)}})
    result = fix_module(app.read_bytes(), str(app), config)
    by_status = {record.status: record for record in result.fixes}
    assert "granular IDs found by synthesis: AwsSolutions-IAM5[Action::s3:*], AwsSolutions-IAM5[Resource::*]" in by_status[FixStatus.APPLIED].message
    # The IAM4 call did not run during the synthesis: still reported, never widened.
    assert "no entry for this call" in by_status[FixStatus.NO_FIX].detail
    fixed = result.new_source.decode()
    assert 'id="AwsSolutions-IAM5[Action::s3:*]"' in fixed and 'id="AwsSolutions-IAM5[Resource::*]"' in fixed
    assert "NagSuppressions.add_resource_suppressions(role, [{\"id\": \"AwsSolutions-IAM4\"" in fixed


def test_ids_computed_by_a_helper_are_migrated_when_the_synthesis_saw_them(tmp_path):
    app = tmp_path / "stacks.py"
    app.write_text('''\
from cdk_nag import NagSuppressions


def suppress(construct, rule, why):
    NagSuppressions.add_resource_suppressions(construct, [{"id": rule, "reason": why}], True)


def suppress_granular(construct, rule, why):
    NagSuppressions.add_resource_suppressions(construct, [{"id": rule, "reason": why}], True)
''')
    data = tmp_path / "granular.json"
    data.write_text(json.dumps({"app_root": str(tmp_path), "calls": {
        "stacks.py:5": {"ids #0": ["AwsSolutions-L1", "AwsSolutions-SQS3"]},
        "stacks.py:9": {"ids #0": ["AwsSolutions-IAM5"], "AwsSolutions-IAM5": ["AwsSolutions-IAM5[Resource::*]"]},
    }}))
    config = RunConfig(rules=tuple(NAG3), rule_options={"NAG3-2": {"granular_findings": str(data)}})
    result = fix_module(app.read_bytes(), str(app), config)
    applied = [record for record in result.fixes if record.status is FixStatus.APPLIED and "construct" in record.message]
    assert len(applied) == 1
    assert "rule IDs computed by the code, seen by synthesis: AwsSolutions-L1, AwsSolutions-SQS3" in applied[0].message
    fixed = result.new_source.decode()
    assert "Validations.of(construct).acknowledge(Acknowledgment(id=rule, reason=why))" in fixed
    # A granular rule behind the parameter: one statement cannot say which IDs go with which call.
    assert fixed.count("NagSuppressions.add_resource_suppressions") == 1
