"""AwsSolutions-EC28 / -EC29 on `ec2.BastionHostLinux` (transforms/awssolutions/ec28_ec29_bastion_host.py):
the setting written through the escape hatch, as a `Handoff` of the ec2.Instance keyword rules."""

from __future__ import annotations

import inspect

import pytest

from cdkfix.explain import explain_text
from cdkfix.keyword_rule import _fix_text, splat_examples, generated_examples
from cdkfix.records import FixStatus
from cdkfix.registry import all_rules, rules_by_code
from cdkfix.testing import fix_source
from cdkfix.transforms.awssolutions import ec28_ec29_bastion_host as bastion

from nag_support import synth_app_with_nag

CODES = ("AwsSolutions-EC28", "AwsSolutions-EC29")


def _run(source: str, *codes: str, unsafe_fixes: bool = True):
    rules = sorted((rules_by_code()[code] for code in codes), key=all_rules().index)
    return fix_source(source, rules, unsafe_fixes=unsafe_fixes)


# The reproduction (/work/notes/s9/repro/bastion_ec28_ec29/app.py, the shape of
# keenangraham/cdk-redis app.py:89): a bare BastionHostLinux statement in a stack.
REPRO = """\
import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2


class Bastion(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        vpc = ec2.Vpc(self, "Vpc", flow_logs={"FlowLogs": ec2.FlowLogOptions()})
        # BastionHostLinux takes neither detailed_monitoring nor disable_api_termination (ec2.Instance does).
        ec2.BastionHostLinux(self, "Bastion", vpc=vpc)


app = cdk.App()
Bastion(app, "Bastion")
app.synth()
"""
REPRO_FIXED = REPRO.replace(
    '        ec2.BastionHostLinux(self, "Bastion", vpc=vpc)\n',
    '        bastion = ec2.BastionHostLinux(self, "Bastion", vpc=vpc)\n'
    "        bastion.instance.instance.monitoring = True\n"
    "        bastion.instance.instance.disable_api_termination = True\n",
)


def test_the_premise_bastion_host_linux_takes_neither_keyword():
    # If aws-cdk-lib ever adds them, the keyword path (on the call itself) is the better fix.
    import aws_cdk.aws_ec2 as ec2

    parameters = inspect.signature(ec2.BastionHostLinux.__init__).parameters
    assert "detailed_monitoring" not in parameters and "disable_api_termination" not in parameters
    assert "detailed_monitoring" in inspect.signature(ec2.Instance.__init__).parameters
    # The escape hatch the fix writes: BastionHostLinux.instance -> Instance, Instance.instance -> CfnInstance.
    import typing

    assert typing.get_type_hints(ec2.BastionHostLinux.instance.fget)["return"] is ec2.Instance
    assert typing.get_type_hints(ec2.Instance.instance.fget)["return"] is ec2.CfnInstance
    assert isinstance(ec2.CfnInstance.monitoring, property) and isinstance(ec2.CfnInstance.disable_api_termination, property)


def test_both_rules_on_the_reproduction_share_one_name_and_a_second_run_changes_nothing():
    fixed, records = _run(REPRO, *CODES)
    assert fixed == REPRO_FIXED
    assert [(r.code, r.status) for r in records] == [(code, FixStatus.APPLIED) for code in CODES]
    compile(fixed, "app.py", "exec")
    assert _run(fixed, *CODES) == (fixed, [])


def test_one_rule_then_the_other_composes_over_two_runs():
    first, _ = _run(REPRO, "AwsSolutions-EC29")
    assert "bastion.instance.instance.disable_api_termination = True" in first and ".monitoring" not in first
    second, records = _run(first, "AwsSolutions-EC28")
    assert [(r.code, r.status) for r in records] == [("AwsSolutions-EC28", FixStatus.APPLIED)]
    # EC28 goes right after the bastion's statement, before EC29's line of the first run.
    assert second == REPRO_FIXED
    assert _run(second, *CODES) == (second, [])


def test_unsafe_both_held_back_without_unsafe_fixes():
    fixed, records = _run(REPRO, *CODES, unsafe_fixes=False)
    assert fixed == REPRO
    assert [(r.code, r.status) for r in records] == [(code, FixStatus.UNSAFE) for code in CODES]


def test_a_taken_name_gets_a_fresh_one():
    source = (
        "from aws_cdk import aws_ec2 as ec2\n\n"
        "bastion = None\n"
        'ec2.BastionHostLinux(self, "Bastion", vpc=vpc)\n'
    )
    fixed, _ = _run(source, "AwsSolutions-EC28")
    assert 'bastion_2 = ec2.BastionHostLinux(self, "Bastion", vpc=vpc)' in fixed
    assert "bastion_2.instance.instance.monitoring = True" in fixed


def test_two_bastions_each_get_their_own_setting():
    source = (
        "from aws_cdk import aws_ec2 as ec2\n\n"
        'east = ec2.BastionHostLinux(self, "East", vpc=vpc)\n'
        'west = ec2.BastionHostLinux(self, "West", vpc=vpc)\n'
        "west.instance.instance.monitoring = False\n"
    )
    fixed, records = _run(source, "AwsSolutions-EC28")
    assert [r.status for r in records] == [FixStatus.APPLIED]
    assert "east.instance.instance.monitoring = True" in fixed
    assert "west.instance.instance.monitoring = False" in fixed and "west.instance.instance.monitoring = True" not in fixed


@pytest.mark.parametrize(
    "statement, why",
    [
        ('ec2.BastionHostLinux(self, "B", vpc=vpc, **props)', "`**` splat"),
        ('make = lambda: ec2.BastionHostLinux(self, "B", vpc=vpc)', "not made in a plain statement"),
        ('hosts = [ec2.BastionHostLinux(self, "B", vpc=vpc)]', "not bound to a name"),
        ('a, b = ec2.BastionHostLinux(self, "B", vpc=vpc), None', "not bound to a name"),
    ],
)
def test_reported_without_a_fix_says_why(statement, why):
    source = f"from aws_cdk import aws_ec2 as ec2\n\n{statement}\n"
    fixed, records = _run(source, "AwsSolutions-EC28")
    assert fixed == source
    assert [(r.code, r.status) for r in records] == [("AwsSolutions-EC28", FixStatus.NO_FIX)]
    assert why in records[0].detail


def test_a_setting_cdkfix_cannot_tie_is_named():
    source = (
        "from aws_cdk import aws_ec2 as ec2\n\n"
        'host = ec2.BastionHostLinux(self, "B", vpc=vpc)\n'
        "cfn = host.instance.instance\n"
        "cfn.disable_api_termination = True\n"
    )
    fixed, records = _run(source, "AwsSolutions-EC29")
    assert fixed == source
    assert [r.status for r in records] == [FixStatus.NO_FIX]
    assert "`cfn.disable_api_termination`" in records[0].detail


def test_one_rule_one_explain_page_for_both_shapes():
    for code, attribute, keyword, note in (
        ("AwsSolutions-EC28", "monitoring", "detailed_monitoring", "detailed monitoring is billed per metric"),
        ("AwsSolutions-EC29", "disable_api_termination", "disable_api_termination", "a deployment that replaces the instance"),
    ):
        rule = rules_by_code()[code]
        assert bastion.BASTION in rule.calls and "aws_cdk.aws_ec2.Instance" in rule.calls
        page = " ".join(explain_text(rule).split())  # explain wraps its lines
        assert f"`{keyword}=True`" in page and f"`<bastion>.instance.instance.{attribute} = True`" in page
        # One safety note for both shapes, after both fixes' text.
        assert page.index(note) > page.index(f"`<bastion>.instance.instance.{attribute} = True`")
        assert rule.safety.value == "unsafe"


def test_declarations_without_a_handoff_are_unchanged():
    """The Handoff fields only add: every other KeywordRule's calls, fix text and examples are
    what the declaration alone gives."""
    # Rules generated by keyword_rule() (EC26 and VPC7 subclass one with code of their own).
    generated = "keyword_rule.<locals>.visit_Call"
    declared = [rule for rule in all_rules() if getattr(getattr(rule, "visit_Call", None), "__qualname__", "") == generated]
    plain = [rule for rule in declared if not rule.spec.handoffs]
    assert len(plain) >= 20
    for rule in plain:
        assert rule.calls == frozenset(rule.spec.constructs)
        assert rule.fix == _fix_text(rule.spec)
        assert rule.examples == [*generated_examples(rule.spec), *rule.spec.examples, *splat_examples(rule.spec)]


def _nag_app(source: str) -> tuple[set[tuple[str, str]], dict]:
    """The app's stack class built in an App with cdk-nag AwsSolutions on: (findings as (rule,
    construct path), template). The module's own `app = cdk.App()` lines are not run."""

    def build(cdk, app):
        namespace: dict = {"__name__": "repro"}
        exec(compile(source.split("\napp = cdk.App()")[0], "app.py", "exec"), namespace)
        namespace["Bastion"](app, "Bastion", env=cdk.Environment(account="123456789012", region="us-east-1"))

    return synth_app_with_nag(build, "Bastion")


@pytest.mark.synth
def test_the_reproduction_synthesized_with_cdk_nag_loses_ec28_and_ec29_and_gains_nothing():
    pytest.importorskip("cdk_nag")
    fixed, _ = _run(REPRO, *CODES)
    before, _ = _nag_app(REPRO)
    after, template = _nag_app(fixed)
    # The BastionHostLinux's Instance is "Resource", its CfnInstance that Instance's "Resource".
    gone = {(code, "Bastion/Bastion/Resource/Resource") for code in CODES}
    assert gone <= before
    assert after == before - gone
    instances = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::Instance"]
    assert len(instances) == 1
    assert instances[0]["Properties"]["Monitoring"] is True
    assert instances[0]["Properties"]["DisableApiTermination"] is True
