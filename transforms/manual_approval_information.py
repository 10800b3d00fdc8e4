"""CDK-B6: manual approval action without information for the approver."""

from __future__ import annotations

import json
import re
import string

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, static_text, string_value
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.transforms._removal import binding
from cdkfix.traverse import visit_readonly

APPROVAL = "aws_cdk.aws_codepipeline_actions.ManualApprovalAction"
STAGE_PROPS = "aws_cdk.aws_codepipeline.StageProps"
PLACEHOLDERS = ("subject", "action_name", "stage_name")

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z]*|[a-z]+|\d+")
# Words that say "this is an approval" rather than what is approved.
FILLER = frozenset(
    {"approve", "approval", "approvals", "manual", "action", "deploy", "deployment", "to", "for", "stage", "gate"}
)


def subject_words(text: str) -> list[str]:
    """What an action or stage name says is being approved: "ApproveStaging" -> ["staging"]."""
    return [word.lower() for word in _WORD.findall(text) if word.lower() not in FILLER]


def _string_literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _simple(node: cst.BaseExpression) -> bool:
    """A name, an attribute of one, or a method call without arguments on one (`env`,
    `props.env`, `env.title()`): evaluating it again in the same call is the same value."""
    if isinstance(node, cst.Name):
        return True
    if isinstance(node, cst.Attribute):
        return _simple(node.value)
    if isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute):
        return _simple(node.func.value)
    return False


def fstring_parts(node: cst.BaseExpression | None) -> list[tuple[str, str]] | None:
    """An f-string name as ("text", f-string-ready text) and ("expr", code) parts, when every
    placeholder is a simple expression without conversion or format spec and the text has no
    backslash: the parts can be written into a new f-string. None otherwise."""
    if not isinstance(node, cst.FormattedString) or node.prefix.lower() != "f":
        return None
    parts: list[tuple[str, str]] = []
    for part in node.parts:
        if isinstance(part, cst.FormattedStringText):
            if "\\" in part.value:
                return None
            parts.append(("text", part.value))
        elif (
            isinstance(part, cst.FormattedStringExpression)
            and part.conversion is None
            and part.format_spec is None
            and _simple(part.expression)
        ):
            parts.append(("expr", code(part.expression)))
        else:
            return None
    return parts


def _has_placeholder(parts: list[tuple[str, str]] | None) -> bool:
    return bool(parts) and any(kind == "expr" for kind, _ in parts)


def _escape(text: str) -> str:
    """Plain text as f-string text."""
    return text.replace("{", "{{").replace("}", "}}")


def _ready(parts: list[tuple[str, str]]) -> str:
    """An f-string name's parts as f-string text again."""
    return "".join(value if kind == "text" else "{" + value + "}" for kind, value in parts)


def fstring_subject(parts: list[tuple[str, str]]) -> str:
    """What an f-string name says is approved, as f-string-ready text: the subject words of
    its text and its placeholders (`f"Approve{env}"` -> "{env}")."""
    words: list[str] = []
    for kind, value in parts:
        words += subject_words(value) if kind == "text" else ["{" + value + "}"]
    return " ".join(words)


class _StageScan(cst.CSTVisitor):
    """Stage names of the actions a function (or module) puts into stages.

    Knows `codepipeline.StageProps(stage_name=..., actions=[...])`, the same as a dict,
    `pipeline.add_stage(stage_name=..., actions=[...])` and `stage.add_action(action)` on a
    stage from `stage = pipeline.add_stage(stage_name=...)`.
    """

    def __init__(self, rule: Rule, stage_vars: dict[str, str]) -> None:
        super().__init__()
        self.rule = rule
        self.stage_vars = stage_vars
        # An action -> (its stage's name as text, the expression naming the stage).
        self.by_node: dict[cst.CSTNode, tuple[str, cst.BaseExpression | None]] = {}
        self.by_name: dict[str, tuple[str, cst.BaseExpression | None]] = {}

    def _record(self, stage: str, actions: cst.BaseExpression | None, name: cst.BaseExpression | None = None) -> None:
        # An f-string with placeholders only (f"{env}") names a stage too.
        if not (stage or fstring_parts(name)) or not isinstance(actions, (cst.List, cst.Tuple)):
            return
        for element in actions.elements:
            self._record_one((stage, name), element.value)

    def _record_one(self, stage: tuple[str, cst.BaseExpression | None], action: cst.BaseExpression) -> None:
        if isinstance(action, cst.Call):
            self.by_node[action] = stage
        elif isinstance(action, (cst.Name, cst.Attribute)):
            self.by_name.setdefault(code(action), stage)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        is_add_stage = isinstance(func, cst.Attribute) and func.attr.value == "add_stage"
        if is_add_stage or self.rule.resolve(func) == STAGE_PROPS:
            stage = layout.keyword_arg(node, "stage_name")
            actions = layout.keyword_arg(node, "actions")
            if stage is not None and actions is not None:
                self._record(static_text(stage.value), actions.value, stage.value)
        elif isinstance(func, cst.Attribute) and func.attr.value == "add_action":
            stage = self.stage_vars.get(code(func.value))
            if stage and node.args:
                self._record_one((stage, None), node.args[0].value)

    def visit_Dict(self, node: cst.Dict) -> None:
        items = {
            static_text(element.key): element.value
            for element in node.elements
            if isinstance(element, cst.DictElement)
        }
        if "stage_name" in items and "actions" in items:
            self._record(static_text(items["stage_name"]), items["actions"])


class _StageVars(cst.CSTVisitor):
    """`stage = pipeline.add_stage(stage_name="Approve")` -> {"stage": "Approve"}."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if len(node.targets) != 1 or not isinstance(value, cst.Call):
            return
        if not (isinstance(value.func, cst.Attribute) and value.func.attr.value == "add_stage"):
            return
        stage = layout.keyword_arg(value, "stage_name")
        if stage is not None and static_text(stage.value):
            self.found[code(node.targets[0].target)] = static_text(stage.value)


class ManualApprovalInformation(Rule):
    code = "CDK-B6"
    name = "manual-approval-information"
    title = "Manual Approval Missing Additional Information"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    issue = (
        "The manual approval action gives the approver no `additional_information`: the notification e-mail and "
        "the console show only the action's name, so the approver has to guess what is being released and where."
    )
    fix = (
        "Adds `additional_information=` with a sentence made from the option `template` (default "
        '"Approve deployment to {subject} environment"). `{subject}` is what the action name says is approved - '
        "its CamelCase, kebab or snake words, lower-cased, without Approve/Approval/Manual/Deploy/Stage and "
        'similar words ("ApproveStaging" -> "staging") - or, when that leaves nothing, the same from the name of '
        "the stage the action is put in (`StageProps`, `add_stage(...)`, `stage.add_action(...)`). "
        "`{action_name}` and `{stage_name}` give the names as written. An f-string name (actions built in a loop, "
        'a comprehension or a helper) gives an f-string over the same placeholders (`f"Approve{env}"` -> '
        '`f"Approve deployment to {env} environment"`) when each is a name, an attribute or a method call without '
        "arguments. When a placeholder has no value (no stage found), nothing is written; a name known only at run "
        "time (a variable, another f-string) or keywords from a `**` splat are reported without a fix."
    )
    impact = "Reduced clarity for approvers: a release may be approved without knowing what it deploys."
    options = {"template": "Approve deployment to {subject} environment"}
    calls = frozenset({APPROVAL})
    examples = [
        Example(
            name="multi-line call with a trailing comment",
            before="""\
from aws_cdk import aws_codepipeline_actions as codepipeline_actions

staging_approval_action = codepipeline_actions.ManualApprovalAction(
    action_name="ApproveStaging",
    notification_topic=approval_topic  # Missing additional_information
)
""",
            after="""\
from aws_cdk import aws_codepipeline_actions as codepipeline_actions

staging_approval_action = codepipeline_actions.ManualApprovalAction(
    action_name="ApproveStaging",
    notification_topic=approval_topic,  # Missing additional_information
    additional_information="Approve deployment to staging environment"
)
""",
        ),
        Example(
            name="subject from the stage: add_stage with an inline action, `import aws_cdk as cdk`",
            before="""\
import aws_cdk as cdk

pipeline.add_stage(
    stage_name="Production",
    actions=[cdk.aws_codepipeline_actions.ManualApprovalAction(action_name="Approve")],
)
""",
            after="""\
import aws_cdk as cdk

pipeline.add_stage(
    stage_name="Production",
    actions=[cdk.aws_codepipeline_actions.ManualApprovalAction(action_name="Approve", additional_information="Approve deployment to production environment")],
)
""",
        ),
        Example(
            name="subject from the stage of StageProps, kebab-case names, class imported directly",
            before="""\
from aws_cdk.aws_codepipeline import StageProps
from aws_cdk.aws_codepipeline_actions import ManualApprovalAction


def stages(self):
    gate = ManualApprovalAction(action_name="manual-approval", run_order=2,)
    return [StageProps(stage_name="deploy-to-qa", actions=[gate])]
""",
            after="""\
from aws_cdk.aws_codepipeline import StageProps
from aws_cdk.aws_codepipeline_actions import ManualApprovalAction


def stages(self):
    gate = ManualApprovalAction(action_name="manual-approval", run_order=2, additional_information="Approve deployment to qa environment",)
    return [StageProps(stage_name="deploy-to-qa", actions=[gate])]
""",
        ),
        Example(
            name="option template with the stage of `stage.add_action(...)`",
            options={"template": "Check the {stage_name} stage, then approve {action_name}"},
            before="""\
import aws_cdk.aws_codepipeline_actions as actions

release = pipeline.add_stage(stage_name="Release")
release.add_action(actions.ManualApprovalAction(action_name="Sign_Off"))
""",
            after="""\
import aws_cdk.aws_codepipeline_actions as actions

release = pipeline.add_stage(stage_name="Release")
release.add_action(actions.ManualApprovalAction(action_name="Sign_Off", additional_information="Check the Release stage, then approve Sign_Off"))
""",
        ),
        Example(
            name="information given, nothing to say and look-alikes left alone",
            before="""\
from aws_cdk import aws_codepipeline_actions as codepipeline_actions

codepipeline_actions.ManualApprovalAction(action_name="ApproveProd", additional_information=info)
codepipeline_actions.ManualApprovalAction(action_name="Approve")
ManualApprovalAction(action_name="ApproveStaging")
""",
        ),
        Example(
            before="""\
from aws_cdk import aws_codepipeline as codepipeline, aws_codepipeline_actions as codepipeline_actions


def approval_stage(pipeline: codepipeline.Pipeline, topic):
    approve = codepipeline_actions.ManualApprovalAction(action_name="ApproveProduction", notification_topic=topic)
    pipeline.add_stage(stage_name="ApproveProduction", actions=[approve])
""",
            after="""\
from aws_cdk import aws_codepipeline as codepipeline, aws_codepipeline_actions as codepipeline_actions


def approval_stage(pipeline: codepipeline.Pipeline, topic):
    approve = codepipeline_actions.ManualApprovalAction(action_name="ApproveProduction", notification_topic=topic, additional_information="Approve deployment to production environment")
    pipeline.add_stage(stage_name="ApproveProduction", actions=[approve])
""",
            name='action bound to a variable in a helper function, then put in a stage',
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Gate(Construct):
    def __init__(self, scope, construct_id, *, pipeline, approval_topic) -> None:
        super().__init__(scope, construct_id)
        stage = pipeline.add_stage(stage_name="Staging")
        stage.add_action(cdk.aws_codepipeline_actions.ManualApprovalAction(action_name="Approve", notification_topic=approval_topic, run_order=2))
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Gate(Construct):
    def __init__(self, scope, construct_id, *, pipeline, approval_topic) -> None:
        super().__init__(scope, construct_id)
        stage = pipeline.add_stage(stage_name="Staging")
        stage.add_action(cdk.aws_codepipeline_actions.ManualApprovalAction(action_name="Approve", notification_topic=approval_topic, run_order=2, additional_information="Approve deployment to staging environment"))
""",
            name='stage.add_action in a plain Construct through import aws_cdk as cdk',
        ),
        Example(
            name="approval actions built in a list comprehension, f-string name: an f-string over the same placeholder",
            before="""\
from aws_cdk import aws_codepipeline_actions as codepipeline_actions

approvals = [
    codepipeline_actions.ManualApprovalAction(action_name=f"Approve{env.title()}", notification_topic=approval_topic)
    for env in ("staging", "production")
]
""",
            after="""\
from aws_cdk import aws_codepipeline_actions as codepipeline_actions

approvals = [
    codepipeline_actions.ManualApprovalAction(action_name=f"Approve{env.title()}", notification_topic=approval_topic, additional_information=f"Approve deployment to {env.title()} environment")
    for env in ("staging", "production")
]
""",
        ),
        Example(
            name="stages added in a for loop, the subject from the stage's f-string name",
            before="""\
from aws_cdk import aws_codepipeline_actions as codepipeline_actions

for environment in ["Staging", "Production"]:
    pipeline.add_stage(
        stage_name=f"Approve{environment}",
        actions=[codepipeline_actions.ManualApprovalAction(action_name="Approve", notification_topic=topic)],
    )
""",
            after="""\
from aws_cdk import aws_codepipeline_actions as codepipeline_actions

for environment in ["Staging", "Production"]:
    pipeline.add_stage(
        stage_name=f"Approve{environment}",
        actions=[codepipeline_actions.ManualApprovalAction(action_name="Approve", notification_topic=topic, additional_information=f"Approve deployment to {environment} environment")],
    )
""",
        ),
        Example(
            name="a helper function taking the environment's name, class imported by name",
            before="""\
from aws_cdk.aws_codepipeline_actions import ManualApprovalAction


def approval(env_name, topic):
    return ManualApprovalAction(
        action_name=f"{env_name}-approval",
        notification_topic=topic,
    )
""",
            after="""\
from aws_cdk.aws_codepipeline_actions import ManualApprovalAction


def approval(env_name, topic):
    return ManualApprovalAction(
        action_name=f"{env_name}-approval",
        notification_topic=topic,
        additional_information=f"Approve deployment to {env_name} environment",
    )
""",
        ),
        Example(
            name="cannot decide: a `**` splat, a name known only at run time: reported without a fix",
            flagged=True,
            before="""\
from aws_cdk import aws_codepipeline_actions as codepipeline_actions


def approvals(approval_props, name, names):
    codepipeline_actions.ManualApprovalAction(**approval_props)
    codepipeline_actions.ManualApprovalAction(action_name=name)
    codepipeline_actions.ManualApprovalAction(action_name=f"Approve{names[0]!r}")
""",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        template = self.settings["template"]
        try:
            fields = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
        except (ValueError, TypeError) as error:
            raise ValueError(f"CDK-B6 option `template` is not a format string: {error}") from None
        unknown = fields - set(PLACEHOLDERS)
        if unknown:
            raise ValueError(f"CDK-B6 option `template` may use {list(PLACEHOLDERS)}, not {sorted(unknown)}")
        self.template = template
        self._scans: dict[cst.CSTNode, _StageScan] = {}

    def _stage_of(self, node: cst.Call) -> tuple[str, cst.BaseExpression | None]:
        """The name (text, and the expression naming it) of the stage `node` is put in."""
        scope = self.enclosing(cst.FunctionDef) or self.context.module
        scan = self._scans.get(scope)
        if scan is None:
            stage_vars = _StageVars()
            visit_readonly(scope, stage_vars)
            scan = _StageScan(self, stage_vars.found)
            visit_readonly(scope, scan)
            self._scans[scope] = scan
        if node in scan.by_node:
            return scan.by_node[node]
        name = binding(self, node)
        return scan.by_name.get(name, ("", None)) if name else ("", None)

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) != APPROVAL or layout.keyword_arg(node, "additional_information") is not None:
            return
        if layout.has_double_star(node):
            self.report_without_fix(
                "manual approval with a `**` splat: its name and additional_information cannot be read",
                "the keywords come from a `**` splat; give the approver additional_information where they are built",
                node,
            )
            return
        name_arg = layout.keyword_arg(node, "action_name")
        name_node = name_arg.value if name_arg is not None else None
        action_name = static_text(name_node)
        stage_name, stage_node = self._stage_of(node)
        needed = {field for _, field, _, _ in string.Formatter().parse(self.template) if field}
        action_parts, stage_parts = fstring_parts(name_node), fstring_parts(stage_node)
        if _has_placeholder(action_parts) or _has_placeholder(stage_parts):
            sentence = self._fstring_sentence(action_name, action_parts, stage_name, stage_parts, needed)
        else:
            subject = " ".join(subject_words(action_name) or subject_words(stage_name))
            values = {"subject": subject, "action_name": action_name, "stage_name": stage_name}
            sentence = None
            if all(values[field] for field in needed):
                sentence = _string_literal(self.template.format(**values))
        if sentence is None:
            if name_node is not None and string_value(name_node) is None:
                self.report_without_fix(
                    f"manual approval named {code(name_node)} without additional_information",
                    "the action's name is only known at run time; say what the approval releases in additional_information",
                    node,
                )
            return  # nothing specific to tell the approver
        edit = self.set_keyword(node, "additional_information", sentence)
        shown = code(name_node) if action_parts else repr(action_name or "(unnamed)")
        where = f" in stage {code(stage_node) if stage_parts else repr(stage_name)}" if stage_name or stage_parts else ""
        self.report(f"manual approval {shown}{where} without additional_information", [edit])

    def _fstring_sentence(self, action_name, action_parts, stage_name, stage_parts, needed) -> str | None:
        """The template as an f-string over the placeholders of an f-string action or stage name
        (`action_name=f"Approve{env}"` -> `f"Approve deployment to {env} environment"`), for
        actions built in a loop, a comprehension or a helper taking the environment's name."""
        subject = " ".join(subject_words(action_name))
        if not subject and action_parts:
            subject = fstring_subject(action_parts)
        if not subject:
            subject = " ".join(subject_words(stage_name)) or (fstring_subject(stage_parts) if stage_parts else "")
        values = {
            "subject": subject,
            "action_name": _ready(action_parts) if action_parts else _escape(action_name),
            "stage_name": _ready(stage_parts) if stage_parts else _escape(stage_name),
        }
        if any(not values[field] for field in needed):
            return None
        text = "".join(
            _escape(literal) + (values[field] if field else "") for literal, field, _, _ in string.Formatter().parse(self.template)
        )
        if "{" in text.replace("{{", ""):
            return "f" + _string_literal(text)
        return _string_literal(text.replace("{{", "{").replace("}}", "}"))  # the placeholders were not used
