"""NAG3-2: cdk-nag 2's NagSuppressions calls -> `Validations.of(construct).acknowledge(...)`."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from cdkfix import layout
from cdkfix.edits import ChangeNode, InsertStatements
from cdkfix.rule import Category, Example, Kind, Rule

from .imports import NagMigrationRule
from ._common import (
    ACKNOWLEDGMENT,
    GRANULAR_RULES,
    GROUP,
    NAG_PACK_SUPPRESSION,
    NAG_SUPPRESSIONS,
    REGEX_APPLIES_TO,
    VALIDATIONS,
    Unknown,
    assigned_value,
    code,
    literal_bool,
    literal_string,
    record_migration,
    scopes_of,
    single_binding,
)

STACK = f"{NAG_SUPPRESSIONS}.add_stack_suppressions"
RESOURCE = f"{NAG_SUPPRESSIONS}.add_resource_suppressions"
BY_PATH = f"{NAG_SUPPRESSIONS}.add_resource_suppressions_by_path"
NESTED_STACKS = ("aws_cdk.NestedStack", "aws_cdk.aws_cloudformation.NestedStack")

# Parameters of the v2 methods, in order (cdk-nag 2.38 NagSuppressions, Python names).
PARAMETERS = {
    STACK: ("stack", "suppressions", "apply_to_nested_stacks"),
    RESOURCE: ("construct", "suppressions", "apply_to_children"),
    BY_PATH: ("stack", "path", "suppressions", "apply_to_children"),
}
_MAX_DEPTH = 8  # how many local names are followed for one value


@dataclass
class Ack:
    id_source: str
    reason_source: str


class _Reader:
    """Reads a suppressions argument back to its elements, following local names."""

    def __init__(self, rule: Rule, scopes: list[cst.CSTNode], expansion=None) -> None:
        self.rule = rule
        self.scopes = scopes
        # The synthesis mode's data for this call (granular.py), asked for only when needed.
        self.expansion = expansion
        self.found_by_synthesis: list[str] = []
        self.found_nothing: list[str] = []
        self.dynamic_ids: list[str] = []
        self.followed: list[tuple[cst.CSTNode, str, list]] = []
        self.copied: list[cst.CSTNode] = []

    def follow(self, node: cst.CSTNode, depth: int = 0) -> cst.CSTNode:
        while isinstance(node, cst.Name) and node.value not in ("True", "False", "None"):
            if depth > _MAX_DEPTH:
                raise Unknown(f"`{node.value}` is defined too indirectly")
            value, statement = assigned_value(node.value, self.scopes)
            self.followed.append((statement, node.value, self.scopes))
            node, depth = value, depth + 1
        return node

    def elements(self, node: cst.CSTNode, what: str) -> list[cst.CSTNode]:
        node = self.follow(node)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self.elements(node.left, what) + self.elements(node.right, what)
        if isinstance(node, (cst.List, cst.Tuple)):
            out = []
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    raise Unknown(f"the {what} list unpacks `*{code(element.value)}`")
                out.append(element.value)
            return out
        raise Unknown(f"the {what} (`{_short(node)}`) are not a list cdkfix can read")

    def suppression(self, node: cst.CSTNode) -> tuple[cst.CSTNode, cst.CSTNode, cst.CSTNode | None]:
        """(id, reason, applies_to or None) of one NagPackSuppression or dict."""
        node = self.follow(node)
        fields: dict[str, cst.CSTNode] = {}
        is_dict_call = (
            isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict"
            and "dict" not in self.rule.imports.taken
        )
        if isinstance(node, cst.Call) and (self.rule.resolve(node.func) == NAG_PACK_SUPPRESSION or is_dict_call):
            for arg in node.args:
                if arg.keyword is None:
                    raise Unknown(f"a suppression `{_short(node)}` with positional or ** arguments")
                fields[arg.keyword.value] = arg.value
        elif isinstance(node, cst.Dict):
            for element in node.elements:
                key = literal_string(element.key) if isinstance(element, cst.DictElement) else None
                if key is None:
                    raise Unknown("a suppression dict with a computed key or ** unpacking")
                fields[{"appliesTo": "applies_to"}.get(key, key)] = element.value
        else:
            raise Unknown(f"a suppression cdkfix cannot read (`{_short(node)}`)")
        unknown = set(fields) - {"id", "reason", "applies_to"}
        if unknown:
            raise Unknown(f"a suppression with {', '.join(sorted(unknown))}")
        if "id" not in fields or "reason" not in fields:
            raise Unknown("a suppression without id or reason")
        applies_to = fields.get("applies_to")
        if isinstance(applies_to, cst.Name) and applies_to.value == "None":
            applies_to = None
        return fields["id"], fields["reason"], applies_to

    def rule_ids(self, node: cst.CSTNode) -> set[str]:
        """Every value the ID expression can take: a literal, or a loop over literals."""
        value = literal_string(node)
        if value is not None:
            return {value}
        if isinstance(node, cst.Name):
            binding = single_binding(node.value, self.scopes)
            if binding.kind == "assign":
                return self.rule_ids(binding.value)
            items = [literal_string(item) for item in self.elements(binding.value, "loop")]
            if binding.kind == "for" and all(item is not None for item in items):
                return set(items)
        raise Unknown(f"the rule ID `{_short(node)}` is computed at run time")

    def acknowledgments(self, suppressions: cst.CSTNode) -> list[Ack]:
        out: list[Ack] = []
        for index, element in enumerate(self.elements(suppressions, "suppressions")):
            id_node, reason, applies_to = self.suppression(element)
            self.copied.append(reason)
            reason_source = code(reason)
            if applies_to is None:
                try:
                    ids = self.rule_ids(id_node)
                except Unknown:
                    # An ID the code computes: the synthesis saw its values at this call.
                    seen = self.expansion().get(f"ids #{index}") if self.expansion is not None and self.expansion() else None
                    if not seen or set(seen) & GRANULAR_RULES:
                        raise
                    self.copied.append(id_node)
                    out.append(Ack(code(id_node), reason_source))
                    self.dynamic_ids.extend(seen)
                    continue
                granular = sorted(ids & GRANULAR_RULES)
                expanded = self.expansion() if granular and self.expansion is not None else None
                if granular and expanded is not None and len(ids) == 1 and granular[0] in expanded:
                    for finding in expanded[granular[0]]:
                        out.append(Ack(_quote(finding), reason_source))
                        self.found_by_synthesis.append(finding)
                    if not expanded[granular[0]]:
                        self.found_nothing.append(granular[0])
                    continue
                if granular and self.expansion is not None:
                    raise Unknown(
                        f"{', '.join(granular)} without applies_to: the synthesis data has no entry for this call "
                        "(it did not run, or the data is of another version of the file)"
                    )
                if granular:
                    raise Unknown(
                        f"{', '.join(granular)} without applies_to covered every granular finding in v2; "
                        f"v3 acknowledges only the exact IDs ({granular[0]}[...]), which depend on the synthesized "
                        "policies: list them with applies_to, or run the synthesis mode (option granular-findings)"
                    )
                self.copied.append(id_node)
                out.append(Ack(code(id_node), reason_source))
                continue
            rule_id = literal_string(id_node)
            if rule_id is None:
                raise Unknown(f"applies_to with a rule ID computed at run time (`{_short(id_node)}`)")
            for position, entry in enumerate(self.elements(applies_to, "applies_to")):
                out.extend(Ack(found, reason_source) for found in self.granular_ids(rule_id, entry, f"{index}.{position}"))
        return out

    def granular_ids(self, rule_id: str, entry: cst.CSTNode, where: str = "") -> list[str]:
        entry = self.follow(entry)
        value = literal_string(entry)
        if value is not None:
            return [_quote(f"{rule_id}[{value}]")]
        if isinstance(entry, cst.FormattedString):
            # Its placeholders are often CDK tokens (`{log_group.log_group_arn}`): v3 uses the
            # acknowledgement ID as a metadata key, which must resolve to a string at synthesis
            # (KeyMustResolveToString), and cdk-nag writes such a finding as `<LogicalId.Arn>`.
            raise Unknown(
                f"applies_to of {rule_id} has an f-string (`{_short(entry)}`): its values may be CDK tokens, which a "
                "v3 acknowledgement ID cannot hold; the granular ID cdk-nag reports is known only after synthesis"
            )
        regex = _regex_of(self.rule, entry)
        if regex is not None:
            expanded = self.expansion() if self.expansion is not None else None
            if expanded is not None and f"regex #{where}" in expanded:
                found = expanded[f"regex #{where}"]
                self.found_by_synthesis.extend(found)
                return [_quote(finding) for finding in found]
            raise Unknown(
                f"applies_to of {rule_id} has a regex (`{_short(entry)}`): v3 acknowledges exact IDs only, "
                "and which findings the regex matched is known only after synthesis (option granular-findings)"
            )
        raise Unknown(f"an applies_to entry of {rule_id} computed at run time (`{_short(entry)}`)")


def _regex_of(rule: Rule, entry: cst.CSTNode) -> str | bool | None:
    """The regex of a RegexAppliesTo(regex=...) or {"regex": ...} (True: one not written as a literal)."""
    value: cst.CSTNode | None = None
    if isinstance(entry, cst.Call) and rule.resolve(entry.func) == REGEX_APPLIES_TO:
        value = next((arg.value for arg in entry.args if arg.keyword and arg.keyword.value == "regex"), None)
    elif isinstance(entry, cst.Dict):
        value = next(
            (item.value for item in entry.elements if isinstance(item, cst.DictElement) and literal_string(item.key) == "regex"),
            None,
        )
        if value is None:
            return None
    else:
        return None
    text = literal_string(value)
    return text if text is not None else True


def _quote(text: str) -> str:
    return repr(text) if '"' in text else '"' + text.replace("\\", "\\\\") + '"'


def _short(node: cst.CSTNode, limit: int = 60) -> str:
    text = " ".join(code(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _simple_reference(node: cst.CSTNode) -> bool:
    """A name or attribute chain (`bucket`, `self.bucket`): cheap and safe to spell twice."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return isinstance(node, cst.Name)


class NagSuppressionsToAcknowledgments(NagMigrationRule):
    code = "NAG3-2"
    name = "nag-suppressions-acknowledge"
    title = "cdk-nag 2 NagSuppressions Removed in cdk-nag 3"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    groups = (GROUP,)
    default = False
    issue = (
        "cdk-nag 3 removed `NagSuppressions` and `NagPackSuppression`: the import fails. Findings are "
        "acknowledged with aws-cdk-lib's `Validations.of(construct).acknowledge(Acknowledgment(id=..., "
        "reason=...))` (aws-cdk-lib >= 2.257), which covers the construct and everything under it and "
        "matches finding IDs exactly."
    )
    fix = (
        "Each call becomes one `Validations.of(target).acknowledge(...)` statement with one "
        "`Acknowledgment` per suppression, acknowledging exactly what v2 suppressed: "
        "add_stack_suppressions(stack, s) -> Validations.of(stack); "
        "add_resource_suppressions(c, s, apply_to_children=True) -> Validations.of(c); "
        "add_resource_suppressions(c, s) -> Validations.of(c.node.default_child) when c is created in "
        "this file by an L2 class (Validations.of(c) for an L1 Cfn class), because v2 suppressed only "
        "the default child CfnResource; "
        "add_resource_suppressions_by_path(stack, \"/S/A/Resource\", s) -> "
        "Validations.of(stack.node.root.node.find_child(\"S\").node.find_child(\"A\").node.find_child(\"Resource\")) "
        "(with apply_to_children the path's parent L2 when the path ends in /Resource, as v2 matched it); "
        "a list of constructs or paths gives one statement each. "
        "{\"id\": R, \"applies_to\": [\"F\"]} -> Acknowledgment(id=\"R[F]\") (an f-string entry, whose values may be "
        "tokens, is reported). Suppression lists are followed through local names and loops over literal IDs; at the "
        "end of the file, the imports and suppression-list assignments only migrated calls used are removed. "
        "Reported without a fix (the call is left as it is): a granular rule (IAM4, IAM5, DOC5, OS9, RDS16, "
        "RDSLoggingEnabled) suppressed without applies_to, a regex in applies_to, an ID or path computed at "
        "run time, a list built at run time, a construct cdkfix cannot tell is a resource, and a stack "
        "suppression without apply_to_nested_stacks in a file that creates nested stacks (v3 would cover them). "
        "Option `granular-findings`: the JSON written by `python -m cdkfix.transforms.nag_v3.granular APP_DIR` "
        "(it synthesizes the app once, running its code), with which whole-rule granular suppressions and "
        "regexes become exactly the granular IDs they covered (named in the fix message). "
        "See docs/nag-v3-migration.md."
    )
    impact = "Without the migration the app does not import with cdk-nag 3; done by hand, acknowledgements are easily widened or lost."
    calls = frozenset({STACK, RESOURCE, BY_PATH})
    # The synthesis mode (granular.py): a JSON file of the granular IDs each call covered.
    options = {"granular_findings": ""}
    mapping = (
        ("NagSuppressions.add_stack_suppressions(stack, [NagPackSuppression(id=\"AwsSolutions-S1\", reason=r)])",
         "Validations.of(stack).acknowledge(Acknowledgment(id=\"AwsSolutions-S1\", reason=r))"),
        ("NagSuppressions.add_resource_suppressions(bucket, [{\"id\": \"AwsSolutions-S1\", \"reason\": r}])",
         "Validations.of(bucket.node.default_child).acknowledge(Acknowledgment(id=\"AwsSolutions-S1\", reason=r))"),
        ("NagSuppressions.add_resource_suppressions(c, [...], apply_to_children=True)",
         "Validations.of(c).acknowledge(...)"),
        ("NagSuppressions.add_resource_suppressions_by_path(stack, \"/S/R/Resource\", [...])",
         "Validations.of(stack.node.root.node.find_child(\"S\").node.find_child(\"R\").node.find_child(\"Resource\")).acknowledge(...)"),
        ("NagPackSuppression(id=\"AwsSolutions-IAM5\", reason=r, applies_to=[\"Resource::*\"])",
         "Acknowledgment(id=\"AwsSolutions-IAM5[Resource::*]\", reason=r)"),
        ("NagPackSuppression(id=\"AwsSolutions-IAM5\", reason=r)  # no applies_to",
         "reported without a fix: v3 needs each granular ID"),
        ("applies_to=[RegexAppliesTo(regex=\"/^Action::s3:.*$/g\")]",
         "reported without a fix: v3 has no regex acknowledgements"),
    )
    examples = [
        Example(
            before="""\
from aws_cdk import Stack, aws_s3 as s3
from cdk_nag import NagSuppressions, NagPackSuppression

bucket = s3.Bucket(stack, "Bucket")
NagSuppressions.add_resource_suppressions(
    bucket, [NagPackSuppression(id="AwsSolutions-S1", reason="Access logs are not needed here")]
)
NagSuppressions.add_stack_suppressions(stack, [{"id": "AwsSolutions-S10", "reason": "TLS enforced elsewhere"}])
""",
            after="""\
from aws_cdk import Stack, aws_s3 as s3
from aws_cdk import Validations
from aws_cdk import Acknowledgment

bucket = s3.Bucket(stack, "Bucket")
Validations.of(bucket.node.default_child).acknowledge(
    Acknowledgment(id="AwsSolutions-S1", reason="Access logs are not needed here")
)
Validations.of(stack).acknowledge(
    Acknowledgment(id="AwsSolutions-S10", reason="TLS enforced elsewhere")
)
""",
            name="resource and stack suppressions, imports cleaned up",
        ),
        Example(
            before="""\
import aws_cdk as cdk
import cdk_nag as nag

role = cdk.aws_iam.Role(self, "Role", assumed_by=principal)
nag.NagSuppressions.add_resource_suppressions(
    role,
    [
        {"id": "AwsSolutions-IAM5", "reason": "Log streams are created at run time",
         "applies_to": ["Resource::*"]},
        {"id": "AwsSolutions-IAM4", "reason": "The basic execution role is enough",
         "appliesTo": ["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]},
    ],
    apply_to_children=True,
)
""",
            after="""\
import aws_cdk as cdk

role = cdk.aws_iam.Role(self, "Role", assumed_by=principal)
cdk.Validations.of(role).acknowledge(
    cdk.Acknowledgment(
        id="AwsSolutions-IAM5[Resource::*]",
        reason="Log streams are created at run time",
    ),
    cdk.Acknowledgment(
        id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        reason="The basic execution role is enough",
    ),
)
""",
            name="granular applies_to as strings, module import style",
        ),
        Example(
            before="""\
import aws_cdk as cdk
import cdk_nag as nag

role = cdk.aws_iam.Role(self, "Role", assumed_by=principal)
nag.NagSuppressions.add_resource_suppressions(
    role,
    [{"id": "AwsSolutions-IAM5", "reason": "Log streams", "applies_to": [f"Resource::{log_group.log_group_arn}:*"]}],
)
""",
            flagged=True,
            name="an f-string applies_to (a token, which a v3 ID cannot hold) is reported, not migrated",
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_apigateway as apigw
from cdk_nag import NagSuppressions


class Api(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        rest = apigw.RestApi(self, "Rest")
        rest.root.add_method("GET", apigw.MockIntegration())
        rules = ["AwsSolutions-APIG2", "AwsSolutions-APIG4"]
        for rule in rules:
            NagSuppressions.add_resource_suppressions_by_path(
                self, "/Api/Rest/Default/GET/Resource", [{"id": rule, "reason": "A public read-only API"}]
            )
""",
            after="""\
from aws_cdk import Stack, aws_apigateway as apigw
from aws_cdk import Validations
from aws_cdk import Acknowledgment


class Api(Stack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        rest = apigw.RestApi(self, "Rest")
        rest.root.add_method("GET", apigw.MockIntegration())
        rules = ["AwsSolutions-APIG2", "AwsSolutions-APIG4"]
        for rule in rules:
            Validations.of(
                self.node.root.node.find_child("Api")
                .node.find_child("Rest")
                .node.find_child("Default")
                .node.find_child("GET")
                .node.find_child("Resource")
            ).acknowledge(Acknowledgment(id=rule, reason="A public read-only API"))
""",
            name="by path, in a loop over literal IDs",
        ),
        Example(
            before="""\
from aws_cdk import aws_sqs as sqs
from cdk_nag import NagSuppressions, NagPackSuppression

QUEUE_SUPPRESSIONS = [NagPackSuppression(id="AwsSolutions-SQS3", reason="This queue is the DLQ")]


def build(scope):
    dlq = sqs.CfnQueue(scope, "Dlq")
    NagSuppressions.add_resource_suppressions(dlq, QUEUE_SUPPRESSIONS)
""",
            after="""\
from aws_cdk import aws_sqs as sqs
from aws_cdk import Validations
from aws_cdk import Acknowledgment


def build(scope):
    dlq = sqs.CfnQueue(scope, "Dlq")
    Validations.of(dlq).acknowledge(
        Acknowledgment(id="AwsSolutions-SQS3", reason="This queue is the DLQ")
    )
""",
            name="a module-level list, an L1 construct",
        ),
        Example(
            before="""\
from aws_cdk import aws_iam as iam
from cdk_nag import NagSuppressions

role = iam.Role(stack, "Role", assumed_by=principal)
NagSuppressions.add_resource_suppressions(role, [{"id": "AwsSolutions-IAM5", "reason": "Wildcards are needed"}], True)
""",
            flagged=True,
            name="whole-rule suppression of a granular rule: reported, not widened",
        ),
        Example(
            before="""\
from cdk_nag import NagSuppressions, NagPackSuppression

NagSuppressions.add_resource_suppressions(
    fn,
    [NagPackSuppression(id="AwsSolutions-IAM5", reason="Any bucket", applies_to=[{"regex": "/^Resource::arn:aws:s3:::.*$/g"}])],
    apply_to_children=True,
)
""",
            flagged=True,
            name="regex applies_to: reported",
        ),
        Example(
            before="""\
from cdk_nag import NagSuppressions


def suppress(construct, suppressions):
    NagSuppressions.add_resource_suppressions(construct, suppressions, apply_to_children=True)
""",
            flagged=True,
            name="helper function: the list comes from the callers",
        ),
        Example(
            before="""\
from aws_cdk import aws_s3 as s3

s3.Bucket(self, "Bucket")
""",
            name="no cdk-nag: untouched",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        method = self.resolve(node.func)
        if method not in PARAMETERS:
            return
        try:
            self._migrate(node, method)
        except Unknown as why:
            self.report_without_fix(
                f"`NagSuppressions.{method.rsplit('.', 1)[1]}` cannot be migrated to cdk-nag 3 exactly",
                f"{why}; left as it is (acknowledge by hand with Validations.of(...).acknowledge(...))",
                node,
            )

    def _arguments(self, node: cst.Call, method: str) -> dict[str, cst.CSTNode]:
        if layout.has_double_star(node) or any(arg.star for arg in node.args):
            raise Unknown("the call passes *args or **kwargs")
        names = PARAMETERS[method]
        values: dict[str, cst.CSTNode] = {}
        for position, arg in enumerate(node.args):
            key = arg.keyword.value if arg.keyword is not None else (names[position] if position < len(names) else None)
            if key not in names:
                raise Unknown(f"an argument cdk-nag 2 does not have ({code(arg)})")
            values[key] = arg.value
        return values

    def _flag(self, values: dict, name: str) -> bool:
        if name not in values:
            return False
        flag = literal_bool(values[name])
        if flag is None:
            raise Unknown(f"{name} is computed at run time (`{_short(values[name])}`)")
        return flag

    def _migrate(self, node: cst.Call, method: str) -> None:
        statement = self.current_statement
        if not (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and statement.body[0].value is node
        ):
            raise Unknown("the call is part of a larger statement")
        values = self._arguments(node, method)
        scopes = scopes_of(self.context.ancestors)
        reader = _Reader(self, scopes, self._expansion(node) if self.settings.get("granular_findings") else None)
        acks = reader.acknowledgments(values.get("suppressions") or _missing("suppressions"))
        if not acks:
            raise Unknown("it acknowledges nothing (empty lists)")
        targets: list[str] = []
        copied = list(reader.copied)
        if method == STACK:
            stack = values.get("stack") or _missing("stack")
            nested = self._flag(values, "apply_to_nested_stacks")
            if not nested and any(target in NESTED_STACKS for target in self.imports.bindings.values()):
                raise Unknown(
                    "this file creates nested stacks: v2 covered only this stack's own resources, "
                    "v3's Validations.of(stack) covers its nested stacks too"
                )
            targets.append(code(stack))
            copied.append(stack)
        elif method == RESOURCE:
            construct = values.get("construct") or _missing("construct")
            children = self._flag(values, "apply_to_children")
            items = list(construct.elements) if isinstance(construct, (cst.List, cst.Tuple)) else [construct]
            for item in items:
                value = item.value if isinstance(item, cst.BaseElement) else item
                if isinstance(item, cst.StarredElement):
                    raise Unknown("the construct list unpacks a run-time list")
                targets.append(code(value) if children else self._default_child(value, scopes))
                copied.append(value)
        else:
            stack = values.get("stack") or _missing("stack")
            children = self._flag(values, "apply_to_children")
            path_node = values.get("path") or _missing("path")
            path_value = reader.follow(path_node)
            items = reader.elements(path_value, "paths") if isinstance(path_value, (cst.List, cst.Tuple)) else [path_value]
            for item in items:
                path = literal_string(reader.follow(item))
                if path is None:
                    raise Unknown(f"the path `{_short(item)}` is computed at run time")
                targets.append(self._by_path(code(stack), path, children))
            copied.append(stack)
        validations = self.ref(VALIDATIONS)
        acknowledgment = self.ref(ACKNOWLEDGMENT)
        arguments = ", ".join(f"{acknowledgment}(id={ack.id_source}, reason={ack.reason_source})" for ack in acks)
        source = "\n".join(f"{validations}.of({target}).acknowledge({arguments})" for target in targets)
        new = self.statements(source)
        spelled = [validations.split(".")[0], acknowledgment.split(".")[0]]
        record_migration(self.context, statement, copied, spelled, reader.followed)
        found = ""
        if reader.found_by_synthesis:
            found = f"; granular IDs found by synthesis: {', '.join(reader.found_by_synthesis)}"
        if reader.dynamic_ids:
            found += f"; rule IDs computed by the code, seen by synthesis: {', '.join(sorted(set(reader.dynamic_ids)))}"
        if reader.found_nothing:
            found += f"; the synthesis found no finding of {', '.join(reader.found_nothing)} on these resources (v2 suppressed none)"
        self.report(
            f"cdk-nag 3: {len(acks)} acknowledgement{'s' if len(acks) != 1 else ''} on "
            f"{', '.join(targets)} instead of NagSuppressions.{method.rsplit('.', 1)[1]}{found}",
            _replace_statement(statement, new),
        )

    def _expansion(self, node: cst.Call):
        """A function giving the synthesis data of this call (computed once, on demand)."""
        cache: list = []

        def expansion():
            if not cache:
                from cdkfix.positions import node_spans

                from .granular import granular_ids

                spans, _ = node_spans(self.context.module, [node])
                line, _column, end_line, _end = spans[node]
                cache.append(granular_ids(self.settings["granular_findings"], self.context.path, range(line, end_line + 1)))
            return cache[0]

        return expansion

    def _default_child(self, construct: cst.CSTNode, scopes: list) -> str:
        """v2 without apply_to_children suppressed only `construct.node.default_child` (or the
        construct itself when it is a CfnResource), so the acknowledgement goes there."""
        if not _simple_reference(construct):
            raise Unknown(f"cdkfix cannot tell which resource `{_short(construct)}` is")
        created = self._created_by(construct, scopes)
        if created is None:
            raise Unknown(
                f"cdkfix cannot tell whether `{_short(construct)}` is an L1 or L2 resource (v2 suppressed only "
                "its default child CfnResource, or nothing): write Validations.of(...) on that resource"
            )
        if created.rsplit(".", 1)[1].startswith("Cfn"):
            return code(construct)
        return f"{code(construct)}.node.default_child"

    def _created_by(self, construct: cst.CSTNode, scopes: list) -> str | None:
        """The CDK class whose call created `construct` (a local name or `self.x`), if known."""
        value: cst.CSTNode | None = None
        try:
            if isinstance(construct, cst.Name):
                value, _ = assigned_value(construct.value, scopes)
            elif (
                isinstance(construct, cst.Attribute)
                and isinstance(construct.value, cst.Name)
                and construct.value.value == "self"
            ):
                value = self._self_attribute(construct.attr.value)
        except Unknown:
            return None
        if not isinstance(value, cst.Call) or layout.has_double_star(value):
            return None
        qualified = self.resolve(value.func)
        if not qualified or not qualified.startswith("aws_cdk.aws_") or qualified.count(".") != 2:
            return None
        module = qualified.split(".")[1]
        if module.endswith("_patterns") or not qualified.rsplit(".", 1)[1][:1].isupper():
            return None  # patterns are not resources: no default child
        return qualified

    def _self_attribute(self, attribute: str) -> cst.CSTNode | None:
        klass = self.enclosing(cst.ClassDef)
        if klass is None:
            return None
        found: list[cst.CSTNode] = []

        class _Assigned(cst.CSTVisitor):
            def visit_Assign(self, node: cst.Assign) -> None:
                for target in node.targets:
                    t = target.target
                    if (
                        isinstance(t, cst.Attribute)
                        and isinstance(t.value, cst.Name)
                        and t.value.value == "self"
                        and t.attr.value == attribute
                    ):
                        found.append(node.value)

        klass.visit(_Assigned())
        return found[0] if len(found) == 1 else None

    def _by_path(self, stack: str, path: str, children: bool) -> str:
        parts = [part for part in path.strip("/").split("/")]
        if not path.strip("/") or any(not part for part in parts):
            raise Unknown(f"the path {path!r} is not a construct path")
        if children and parts[-1] == "Resource" and len(parts) > 1:
            parts = parts[:-1]  # v2 also matched the L2 whose path + "/Resource" is the path
        elif not children and parts[-1] != "Resource":
            raise Unknown(
                f"the path {path!r} does not end in /Resource: v2 suppressed its default child CfnResource "
                "(or nothing), which cdkfix cannot tell"
            )
        lookup = "".join(f".node.find_child({_quote(part)})" for part in parts)
        return f"{stack}.node.root{lookup}"


def _missing(name: str):
    raise Unknown(f"the call has no {name} argument")


def _replace_statement(statement: cst.SimpleStatementLine, new: list[cst.BaseStatement]) -> list:
    """Edits that replace `statement` by `new`, keeping its comments and blank lines before it."""
    first, *rest = new
    first = first.with_changes(leading_lines=statement.leading_lines)
    trailing = statement.trailing_whitespace
    if trailing.comment is not None and isinstance(first, cst.SimpleStatementLine) and not rest:
        first = first.with_changes(trailing_whitespace=trailing)
    edits: list = [ChangeNode(statement, lambda updated: first, statement)]
    if rest:
        edits.append(InsertStatements(statement, rest))
    return edits
