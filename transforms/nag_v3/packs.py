"""NAG3-1: `Aspects.of(app).add(AwsSolutionsChecks())` -> `Validations.of(app).add_plugins(AwsSolutionsChecks(app))`."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.rule import Category, Example, Kind, Rule

from .imports import NagMigrationRule
from ._common import (
    ASPECTS_OF,
    GROUP,
    PACK_CLASSES,
    VALIDATIONS,
    Unknown,
    assigned_value,
    code,
    notes,
    record_migration,
    scopes_of,
)
from .pins import report_pins

# NagPackProps in cdk-nag 2 (Python names) and what cdk-nag 3 has for them (MIGRATION.md).
KEPT = frozenset({"verbose"})
DROPPED = {
    "reports": "v3 writes no CSV/JSON reports; CDK writes validation-report.json into the cloud assembly",
    "report_formats": "v3 writes no NagReport files",
    "log_ignores": "v3 does not log acknowledged findings",
}
# Options whose behaviour v3 cannot reproduce: dropping them would change what is reported.
NOT_MIGRATABLE = {
    "suppression_ignore_condition": "v3 acknowledgements cannot be overridden (no INagSuppressionIgnore)",
    "additional_loggers": "v3 has no loggers: findings go to validation-report.json",
}
SCOPES = frozenset({"aws_cdk.App", "aws_cdk.Stage"})


class NagPackToValidationPlugin(NagMigrationRule):
    code = "NAG3-1"
    name = "nag-pack-validation-plugin"
    title = "cdk-nag 2 Pack Registered as an Aspect"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    groups = (GROUP,)
    default = False
    issue = (
        "cdk-nag 3 packs are policy-validation plugins, not Aspects: `Aspects.of(app).add(AwsSolutionsChecks())` "
        "no longer runs any check, and the pack's constructor takes the scope first. "
        "`reports`, `report_formats` and `log_ignores` were removed; `verbose` remains."
    )
    fix = (
        "`Aspects.of(app).add(Pack(verbose=v, reports=r, log_ignores=l))` becomes "
        "`Validations.of(app).add_plugins(Pack(app, verbose=v))` for AwsSolutionsChecks, HIPAASecurityChecks, "
        "NIST80053R4Checks, NIST80053R5Checks, PCIDSS321Checks and ServerlessChecks; the fix message names the "
        "dropped options (v3 writes validation-report.json instead of reports). Only on an App or a Stage (a "
        "name assigned from App(...)/Stage(...) in the file, or `self` in an App/Stage subclass): v3 plugins "
        "cannot be registered on a Stack. Reported without a fix: a Stack or unknown scope, "
        "suppression_ignore_condition and additional_loggers (no v3 equivalent), a pack held in a variable. "
        "Also reports requirements/pyproject pins that keep cdk-nag < 3 or aws-cdk-lib < 2.257, without a fix (cdkfix rewrites Python files only); `Aspects` is removed from the imports when nothing else uses it."
    )
    impact = "With cdk-nag 3 installed, the v2 form fails on import or silently checks nothing."
    call_names = frozenset({"add"})
    calls = PACK_CLASSES  # pins are checked at any pack, migrated or not
    mapping = (
        ("Aspects.of(app).add(AwsSolutionsChecks())", "Validations.of(app).add_plugins(AwsSolutionsChecks(app))"),
        ("Aspects.of(app).add(HIPAASecurityChecks(verbose=True))",
         "Validations.of(app).add_plugins(HIPAASecurityChecks(app, verbose=True))"),
        ("AwsSolutionsChecks(reports=True, report_formats=[...], log_ignores=True)",
         "AwsSolutionsChecks(app)  # no equivalent: CDK writes validation-report.json"),
        ("AwsSolutionsChecks(suppression_ignore_condition=..., additional_loggers=[...])",
         "reported without a fix: no v3 equivalent"),
        ("Aspects.of(stack).add(AwsSolutionsChecks())", "reported without a fix: v3 plugins go on an App or Stage"),
    )
    examples = [
        Example(
            before="""\
import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

app = cdk.App()
cdk.Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
app.synth()
""",
            after="""\
import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

app = cdk.App()
cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
app.synth()
""",
            name="AwsSolutions with verbose",
        ),
        Example(
            before="""\
from aws_cdk import App, Aspects
import cdk_nag

app = App()
Aspects.of(app).add(cdk_nag.HIPAASecurityChecks(reports=True, log_ignores=True))
Aspects.of(app).add(cdk_nag.NIST80053R5Checks())
""",
            after="""\
from aws_cdk import App
import cdk_nag
from aws_cdk import Validations

app = App()
Validations.of(app).add_plugins(cdk_nag.HIPAASecurityChecks(app))
Validations.of(app).add_plugins(cdk_nag.NIST80053R5Checks(app))
""",
            name="other packs, removed options dropped",
        ),
        Example(
            before="""\
from aws_cdk import Stage, Aspects
from cdk_nag import ServerlessChecks, PCIDSS321Checks


class Prod(Stage):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        Aspects.of(self).add(ServerlessChecks())
        Aspects.of(self).add(PCIDSS321Checks(verbose=False))
""",
            after="""\
from aws_cdk import Stage
from cdk_nag import ServerlessChecks, PCIDSS321Checks
from aws_cdk import Validations


class Prod(Stage):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        Validations.of(self).add_plugins(ServerlessChecks(self))
        Validations.of(self).add_plugins(PCIDSS321Checks(self, verbose=False))
""",
            name="in a Stage subclass",
        ),
        Example(
            before="""\
from aws_cdk import Aspects, Stack
from cdk_nag import AwsSolutionsChecks


class Api(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        Aspects.of(self).add(AwsSolutionsChecks())
""",
            flagged=True,
            name="on a Stack: reported",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

app = cdk.App()
cdk.Aspects.of(app).add(AwsSolutionsChecks(suppression_ignore_condition=ignore_errors))
""",
            flagged=True,
            name="suppression_ignore_condition: no v3 equivalent",
        ),
        Example(
            before="""\
import aws_cdk as cdk

app = cdk.App()
cdk.Aspects.of(app).add(cdk.Tag("team", "platform"))
""",
            name="another aspect: untouched",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) in PACK_CLASSES:
            # Once per file, at the first pack: a migrated app pinned to cdk-nag 2 still fails.
            shared = notes(self.context)
            if not shared.get("pins_checked"):
                shared["pins_checked"] = True
                report_pins(self, node)
            return
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "add" and isinstance(func.value, cst.Call)):
            return
        of_call = func.value
        if self.resolve(of_call.func) != ASPECTS_OF or len(node.args) < 1:
            return
        pack = node.args[0].value
        pack_class = self.resolve(pack.func) if isinstance(pack, cst.Call) else None
        scopes = scopes_of(self.context.ancestors)
        if pack_class not in PACK_CLASSES:
            if isinstance(pack, cst.Name):
                try:
                    value, _ = assigned_value(pack.value, scopes)
                except Unknown:
                    return
                if isinstance(value, cst.Call) and self.resolve(value.func) in PACK_CLASSES:
                    self.report_without_fix(
                        "cdk-nag pack added as an Aspect (cdk-nag 2)",
                        f"the pack is created elsewhere (`{pack.value}`): v3 needs the scope as its first argument "
                        "and Validations.of(app).add_plugins(...); migrate it by hand",
                        node,
                    )
            return
        try:
            self._migrate(node, of_call, pack, scopes)
        except Unknown as why:
            self.report_without_fix("cdk-nag pack added as an Aspect (cdk-nag 2)", str(why), node)

    def _migrate(self, node: cst.Call, of_call: cst.Call, pack: cst.Call, scopes: list) -> None:
        if len(node.args) != 1 or layout.has_double_star(node) or len(of_call.args) != 1 or of_call.args[0].keyword:
            raise Unknown("Aspects.of(...).add(...) with other arguments (priority?) has no v3 form")
        scope = of_call.args[0].value
        self._check_scope(scope, scopes)
        if layout.has_double_star(pack) or any(arg.keyword is None for arg in pack.args):
            raise Unknown("the pack is created with positional or ** arguments")
        kept, dropped = [], []
        for arg in pack.args:
            name = arg.keyword.value
            if name in NOT_MIGRATABLE:
                raise Unknown(f"`{name}`: {NOT_MIGRATABLE[name]}")
            if name in DROPPED:
                dropped.append(name)
            elif name in KEPT:
                kept.append(arg)
            else:
                raise Unknown(f"`{name}` is not a cdk-nag 2 pack option cdkfix knows")
        validations = self.ref(VALIDATIONS)
        arguments = ", ".join([code(scope), *(code(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for arg in kept)])
        new = self.expression(f"{validations}.of({code(scope)}).add_plugins({code(pack.func)}({arguments}))")
        record_migration(self.context, node, [scope, pack.func, *kept], [validations.split(".")[0]], [])
        message = "cdk-nag 3: the pack is a validation plugin (Validations.of(...).add_plugins)"
        if dropped:
            message += "; dropped " + ", ".join(f"`{name}` ({DROPPED[name]})" for name in dropped)
        self.report(message, [self.change(node, lambda updated: new)])

    def _check_scope(self, scope: cst.CSTNode, scopes: list) -> None:
        why = (
            f"cdkfix cannot tell that `{code(scope)}` is an App or a Stage: v3 plugins are registered on one "
            "(they check the whole App or Stage; v2 checked only this scope)"
        )
        if isinstance(scope, cst.Name) and scope.value == "self":
            klass = self.enclosing(cst.ClassDef)
            if klass is not None and any(self.resolve(base.value) in SCOPES for base in klass.bases):
                return
            raise Unknown(why)
        if isinstance(scope, cst.Name):
            try:
                value, _ = assigned_value(scope.value, scopes)
            except Unknown:
                raise Unknown(why) from None
            if isinstance(value, cst.Call) and self.resolve(value.func) in SCOPES:
                return
        raise Unknown(why)
