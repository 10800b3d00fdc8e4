"""AwsSolutions-RS1 and -RS11: a Redshift cluster without a parameter group that requires SSL
and logs user activity gets one, shared by the two rules.

aws-cdk-lib 2.275 has only the L1 `aws_redshift.CfnCluster` (the L2 is the alpha module). cdk-nag 3
(RedshiftRequireTlsSSL.ts, RedshiftClusterUserActivityLogging.ts) reads the cluster's
`ClusterParameterGroupName` through `NagRules.resolveResourceFromIntrinsic` (a `Ref` to a resource
becomes its logical id; a literal name stays a name) and looks, among the stack's
`CfnClusterParameterGroup`s, for the one whose logical id that is. RS1 passes when that group's
`parameters` hold `require_ssl` = `true` (name and value compared lower-cased), RS11 when they hold
`enable_user_activity_logging` = `true` (compared exactly). A cluster naming a group by its name
(a literal, a group made outside the stack) is flagged by both, whatever the group holds.

The fix inserts, before the cluster's statement,
`<name>_parameters = redshift.CfnClusterParameterGroup(<scope>, "<Id>Parameters", description=...,
parameter_group_family="redshift-1.0", parameters=[ParameterProperty(...), ...])` and sets
`cluster_parameter_group_name=<name>_parameters.ref` on the cluster. One group serves both rules:
each rule's fix carries the same inserted statement (the very same objects: the engine inserts it
once, cdkfix/edits.py `_distinct`) and a change of that statement's call that adds its own
parameter, so with both fixes applied the group holds both parameters, and with one fix applied
alone (the other suppressed, not selected or refused) it holds that rule's parameter only.

`enable_user_activity_logging` does nothing by itself: Redshift writes the user activity log only
when audit logging is on too (the cluster's `logging_properties=`; Amazon Redshift Management
Guide, "Database audit logging"). cdk-nag checks only the parameter, and the fix writes only what
RS11 asks for; audit logging is AwsSolutions-RS5's fix (value_rules_analytics.py: CloudWatch as the
destination, the user activity log among its exports), so with both selected every query is logged.

A cluster that names a parameter group keeps it. When the group is a
`CfnClusterParameterGroup(...)` of the same file (no splat), bound once to a name the cluster
reads as `<name>.ref`, with a literal `parameters` list (or none) of literal names and values:
the parameter set to true there means no finding; the parameter not named there is appended to
that list (a dict entry when its entries are dicts, else a ParameterProperty; every cluster of
the group gets it, once); the parameter set to another value is the user's, reported without a
fix. Any other group (a literal name, a group made elsewhere, run-time parameters) is reported
without a fix: cdkfix cannot see it, and cdk-nag flags a group named by its name whatever it
holds.

Unsafe: `require_ssl` refuses every client that connects without TLS, and a cluster moved to a new
parameter group (or a group whose static parameters change) applies it only after a reboot.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.edits import ChangeNode
from cdkfix.formatting import format_statements
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms._bindings import binding_of
from cdkfix.transforms.awssolutions._scaffold import binding, in_plain_statement, scope_and_id

CLUSTER = "aws_cdk.aws_redshift.CfnCluster"
PARAMETER_GROUP = "aws_cdk.aws_redshift.CfnClusterParameterGroup"
PARAMETER = "aws_cdk.aws_redshift.CfnClusterParameterGroup.ParameterProperty"
KEYWORD = "cluster_parameter_group_name"
FAMILY = "redshift-1.0"
DESCRIPTION = "Parameters of the Redshift cluster"
# The order the parameters are written in, whichever rule's change runs first.
ORDER = ("require_ssl", "enable_user_activity_logging")
_SHARED = "awssolutions-redshift-parameter-group"

_ARGS = (
    'self, "Warehouse", cluster_type="single-node", db_name="db", master_username="admin", '
    'node_type="ra3.xlplus", master_user_password="Password1!"'
)


class _Group:
    """The parameter group both rules' fixes insert for one cluster call."""

    def __init__(self, insert, call: cst.Call, variable: str, statement: cst.BaseStatement) -> None:
        self.insert = insert
        self.call = call  # the CfnClusterParameterGroup call inside the inserted statement
        self.variable = variable
        self.statement = statement  # the cluster's statement (the insertion's anchor)


class _ParameterGroupRule(Rule):
    """What RS1 and RS11 share: which calls, which guards, one parameter group."""

    category = Category.CONFIGURATION
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    calls = frozenset({CLUSTER})
    parameter = ""  # the parameter this rule writes; its value is always "true"
    case_blind = False  # RS1 compares name and value lower-cased, RS11 exactly

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) != CLUSTER:
            return
        what = code(node.func)
        message = f"{what} without a parameter group setting `{self.parameter}` to true ({self.title})"
        if layout.has_double_star(node):
            self.report_without_fix(
                f"{what} may lack a parameter group with `{self.parameter}` ({self.code})",
                f"a `**` splat may set `{KEYWORD}`",
                node,
            )
            return
        named = layout.keyword_arg(node, KEYWORD)
        if named is not None:
            self._named_group(node, named.value, message)
            return
        place = scope_and_id(node, "Parameters", "ClusterParameters")
        if place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new parameter group next to", node)
            return
        group = self._group(node, place)
        parameter_ref = self.ref(PARAMETER)
        group_ref = self.ref(PARAMETER_GROUP)
        scope, new_id = place
        width = self.context.line_length - self.indent_width
        mine = self.parameter

        def add_parameter(updated: cst.Call) -> cst.Call:
            present = _written_parameters(updated)
            wanted = [name for name in ORDER if name in present or name == mine]
            items = ", ".join(f'{parameter_ref}(parameter_name="{name}", parameter_value="true")' for name in wanted)
            source = (
                f'{group.variable} = {group_ref}({scope}, {new_id}, description="{DESCRIPTION}", '
                f'parameter_group_family="{FAMILY}", parameters=[{items}])'
            )
            return format_statements(source, width)[0].body[0].value

        def name_group(updated: cst.Call) -> cst.Call:
            if layout.keyword_arg(updated, KEYWORD) is not None:
                return updated  # named already, by the other rule's copy of this change
            return layout.set_keyword(updated, KEYWORD, cst.parse_expression(f"{group.variable}.ref"))

        edits = [group.insert, ChangeNode(group.call, add_parameter, group.statement), self.change(node, name_group)]
        self.report(message, edits, anchor=group.statement, node=node)

    def _group(self, node: cst.Call, place: tuple[str, str]) -> _Group:
        """The group inserted for `node`: made by the first of the two rules to visit it, the
        same objects for the second (one insertion whichever fixes apply)."""
        groups = self.context.shared.setdefault(_SHARED, {})
        found = groups.get(id(node))
        if found is not None and found.statement is self.current_statement:
            return found
        name = binding(self, node)
        variable = self.unique_name(f"{name.rsplit('.', 1)[-1]}_parameters" if name else "cluster_parameters")
        scope, new_id = place
        # No parameters yet: each rule's change adds its own (`add_parameter`).
        insert = self.insert_before(
            self.current_statement,
            f'{variable} = {self.ref(PARAMETER_GROUP)}({scope}, {new_id}, description="{DESCRIPTION}", '
            f'parameter_group_family="{FAMILY}", parameters=[])',
        )
        call = insert.statements[0].body[0].value
        group = groups[id(node)] = _Group(insert, call, variable, self.current_statement)
        return group

    def _named_group(self, node: cst.Call, value: cst.BaseExpression, message: str) -> None:
        """A cluster that names `value` as its parameter group: nothing when the group is one of
        this file whose literal parameters set this rule's parameter to true; the parameter added
        to that group when it does not name it at all; reported without a fix otherwise."""
        if not (isinstance(value, cst.Attribute) and value.attr.value == "ref"):
            self.report_without_fix(
                message,
                f"`{KEYWORD}` is not `<group>.ref` of a CfnClusterParameterGroup of this file: cdk-nag matches the "
                f"group by its logical id, so a group named otherwise (a literal name, one made elsewhere) is "
                f"flagged whatever it holds; set `{self.parameter}` to true in it and pass `<group>.ref`",
                node,
            )
            return
        found = binding_of(self, value.value)
        if found is None or not self.is_call_to(found[1], PARAMETER_GROUP):
            self.report_without_fix(
                message,
                f"`{code(value)}` is not a CfnClusterParameterGroup(...) bound once in this file: cdkfix cannot "
                f"see whether it sets `{self.parameter}` to true",
                node,
            )
            return
        statement, group = found
        parameters = layout.keyword_arg(group, "parameters")
        entries: list = []
        if parameters is not None:
            if not isinstance(parameters.value, cst.List):
                self.report_without_fix(
                    message, f"the group's `parameters` is not a literal list: cdkfix cannot see `{self.parameter}`", node
                )
                return
            entries = list(parameters.value.elements)
        pairs = [_parameter_pair(element.value) if isinstance(element, cst.Element) else None for element in entries]
        if any(pair is None or pair[0] is None for pair in pairs):
            self.report_without_fix(
                message,
                f"an entry of the group's `parameters` has no literal parameter name: cdkfix cannot see `{self.parameter}`",
                node,
            )
            return
        for name, setting in pairs:  # type: ignore[misc]
            if self._same(name, self.parameter):
                if setting is None:
                    self.report_without_fix(
                        message, f"the group's `{name}` is not a literal value: cdkfix cannot tell what it is", node
                    )
                    return
                if self._same(setting, "true"):
                    return  # cdk-nag passes the cluster
                self.report_without_fix(
                    message,
                    f"the group sets `{name}` to \"{setting}\" (cdk-nag asks for \"true\"): the user's value, which "
                    "cdkfix does not change",
                    node,
                )
                return
        dicts = bool(entries) and all(isinstance(element.value, cst.Dict) for element in entries)
        if dicts:
            entry = f'{{"parameterName": "{self.parameter}", "parameterValue": "true"}}'
        else:
            entry = f'{self.ref(PARAMETER)}(parameter_name="{self.parameter}", parameter_value="true")'
        mine = self.parameter

        def add(updated: cst.Call) -> cst.Call:
            arg = layout.keyword_arg(updated, "parameters")
            if arg is None:
                return layout.set_keyword(updated, "parameters", cst.parse_expression(f"[{entry}]"))
            if not isinstance(arg.value, cst.List) or mine in _written_parameters(updated):
                return updated  # added already, for another cluster of the group
            listed = layout.append_element(arg.value, cst.parse_expression(entry))
            return updated.with_changes(args=[a.with_changes(value=listed) if a is arg else a for a in updated.args])

        self.report(
            f"{message}: `{self.parameter}` added to its group `{code(value.value)}`",
            [ChangeNode(group, add, statement)],
            # The finding is the cluster's: its statement is shown with the group's.
            anchor=self.current_statement,
            node=node,
        )

    def _same(self, text: str, wanted: str) -> bool:
        return text.lower() == wanted if self.case_blind else text == wanted


def _parameter_pair(node: cst.BaseExpression) -> tuple[str | None, str | None] | None:
    """(name, value) of a `ParameterProperty(parameter_name=..., parameter_value=...)` call or a
    `{"parameterName": ..., "parameterValue": ...}` dict, each None when it is not a string
    literal (`json.dumps(wlm)`: only the entry of the rule's parameter needs a literal value);
    None for anything else (a name, a splat)."""
    if isinstance(node, cst.Call) and not layout.has_double_star(node):
        name = layout.keyword_arg(node, "parameter_name")
        setting = layout.keyword_arg(node, "parameter_value")
        values = (string_value(name.value) if name else None, string_value(setting.value) if setting else None)
    elif isinstance(node, cst.Dict):
        if any(not isinstance(item, cst.DictElement) for item in node.elements):
            return None  # a `**` inside may hold the name
        fields = {
            string_value(item.key): item.value for item in node.elements if isinstance(item, cst.DictElement)
        }
        values = tuple(
            string_value(fields.get(snake, fields.get(camel)))
            for snake, camel in (("parameter_name", "parameterName"), ("parameter_value", "parameterValue"))
        )
    else:
        return None
    return values  # type: ignore[return-value]


def _written_parameters(call: cst.Call) -> set[str]:
    """The parameter names the inserted group's call holds so far (its own code: literals)."""
    arg = layout.keyword_arg(call, "parameters")
    if arg is None or not isinstance(arg.value, cst.List):
        return set()
    names = set()
    for element in arg.value.elements:
        pair = _parameter_pair(element.value)
        if pair is not None and pair[0] is not None:
            names.add(pair[0])
    return names


_UNSAFE_NOTE = (
    "A cluster moved to a new parameter group applies it after a reboot (Redshift shows it pending-reboot until then)."
)


class Rs1RedshiftRequireSsl(_ParameterGroupRule):
    code = "AwsSolutions-RS1"
    name = "awssolutions-redshift-require-ssl"
    title = "Redshift cluster does not require SSL"
    kind = Kind.SECURITY
    parameter = "require_ssl"
    case_blind = True
    issue = (
        "cdk-nag AwsSolutions-RS1: The Redshift cluster does not require TLS/SSL encryption. Clients may connect "
        "without TLS, and queries and results then cross the network in clear text."
    )
    fix = (
        "Inserts before the cluster's statement `<name>_parameters = redshift.CfnClusterParameterGroup(<scope>, "
        "\"<Id>Parameters\", description=..., parameter_group_family=\"redshift-1.0\", parameters=["
        "ParameterProperty(parameter_name=\"require_ssl\", parameter_value=\"true\")])` and sets "
        "`cluster_parameter_group_name=<name>_parameters.ref` on the `redshift.CfnCluster`. With AwsSolutions-RS11 "
        "selected too, both write into the one group (it gets `enable_user_activity_logging` as well). A cluster that "
        "names a CfnClusterParameterGroup of the file (`<group>.ref`, literal parameters) keeps it: no finding when "
        "it sets `require_ssl` to true, the parameter appended to its list when it does not name it. Reported "
        "without a fix: `require_ssl` set to another value in that group (the user's), any other group (a literal "
        "name, one made elsewhere: cdk-nag flags a group named by its name whatever it holds), a `**` splat, no "
        "plain scope, id and statement."
    )
    impact = "UNSAFE: clients that connect without TLS are refused. " + _UNSAFE_NOTE
    examples = [
        Example(
            name="module alias, bound to a name",
            before=f"""\
from aws_cdk import aws_redshift as redshift

warehouse = redshift.CfnCluster({_ARGS})
""",
            after=f"""\
from aws_cdk import aws_redshift as redshift

warehouse_parameters = redshift.CfnClusterParameterGroup(
    self,
    "WarehouseParameters",
    description="{DESCRIPTION}",
    parameter_group_family="redshift-1.0",
    parameters=[
        redshift.CfnClusterParameterGroup.ParameterProperty(
            parameter_name="require_ssl", parameter_value="true"
        )
    ],
)

warehouse = redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=warehouse_parameters.ref)
""",
        ),
        Example(
            name="import aws_cdk as cdk, self attribute",
            before=f"""\
import aws_cdk as cdk

self.warehouse = cdk.aws_redshift.CfnCluster(
    {_ARGS},
)
""",
            after=f"""\
import aws_cdk as cdk

warehouse_parameters = cdk.aws_redshift.CfnClusterParameterGroup(
    self,
    "WarehouseParameters",
    description="{DESCRIPTION}",
    parameter_group_family="redshift-1.0",
    parameters=[
        cdk.aws_redshift.CfnClusterParameterGroup.ParameterProperty(
            parameter_name="require_ssl", parameter_value="true"
        )
    ],
)

self.warehouse = cdk.aws_redshift.CfnCluster(
    {_ARGS},
    cluster_parameter_group_name=warehouse_parameters.ref,
)
""",
        ),
        Example(
            name="class imported by name, a bare statement",
            before=f"""\
from aws_cdk.aws_redshift import CfnCluster

CfnCluster({_ARGS})
""",
            after=f"""\
from aws_cdk.aws_redshift import CfnCluster
from aws_cdk import aws_redshift as redshift

cluster_parameters = redshift.CfnClusterParameterGroup(
    self,
    "WarehouseParameters",
    description="{DESCRIPTION}",
    parameter_group_family="redshift-1.0",
    parameters=[
        redshift.CfnClusterParameterGroup.ParameterProperty(
            parameter_name="require_ssl", parameter_value="true"
        )
    ],
)

CfnCluster({_ARGS}, cluster_parameter_group_name=cluster_parameters.ref)
""",
        ),
        Example(
            name="with AwsSolutions-RS11 selected: one group, both parameters",
            before=f"""\
from aws_cdk import aws_redshift as redshift

warehouse = redshift.CfnCluster({_ARGS})
""",
            after=f"""\
from aws_cdk import aws_redshift as redshift

warehouse_parameters = redshift.CfnClusterParameterGroup(
    self,
    "WarehouseParameters",
    description="{DESCRIPTION}",
    parameter_group_family="redshift-1.0",
    parameters=[
        redshift.CfnClusterParameterGroup.ParameterProperty(
            parameter_name="require_ssl", parameter_value="true"
        ),
        redshift.CfnClusterParameterGroup.ParameterProperty(
            parameter_name="enable_user_activity_logging", parameter_value="true"
        ),
    ],
)

warehouse = redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=warehouse_parameters.ref)
""",
            also_select=("AwsSolutions-RS11",),
        ),
        Example(
            name="left alone: a group of the file that requires SSL (any case), passed by ref",
            before=f"""\
from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self, "Params", description="mine", parameter_group_family="redshift-1.0",
    parameters=[redshift.CfnClusterParameterGroup.ParameterProperty(parameter_name="require_ssl", parameter_value="TRUE")],
)
redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
""",
        ),
        Example(
            name="reported without a fix: a splat, a group named by name, require_ssl set false by the user, run-time parameters",
            before=f"""\
from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self, "Params", description="mine", parameter_group_family="redshift-1.0",
    parameters=[{{"parameterName": "require_ssl", "parameterValue": "false"}}],
)
dynamic = redshift.CfnClusterParameterGroup(
    self, "Dynamic", description="mine", parameter_group_family="redshift-1.0", parameters=settings,
)
redshift.CfnCluster(self, "A", **props)
redshift.CfnCluster(self, "B", cluster_parameter_group_name="my-group", **props)
redshift.CfnCluster(self, "C", cluster_parameter_group_name=params.ref)
redshift.CfnCluster(self, "D", cluster_parameter_group_name=dynamic.ref)
redshift.CfnCluster(self, "E", cluster_parameter_group_name=other_stack_group.ref)
""",
            flagged=True,
        ),
        # Appended: the fix-effect harness names examples by their index.
        Example(
            name="a group of the file without the parameter: require_ssl added to it",
            before=f"""\
from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self, "Params", description="mine", parameter_group_family="redshift-1.0",
    parameters=[redshift.CfnClusterParameterGroup.ParameterProperty(parameter_name="statement_timeout", parameter_value="60000")],
)
redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
""",
            after=f"""\
from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self, "Params", description="mine", parameter_group_family="redshift-1.0",
    parameters=[redshift.CfnClusterParameterGroup.ParameterProperty(parameter_name="statement_timeout", parameter_value="60000"), redshift.CfnClusterParameterGroup.ParameterProperty(parameter_name="require_ssl", parameter_value="true")],
)
redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
""",
        ),
        Example(
            name="with AwsSolutions-RS11 selected, a group of the file without parameters: both added",
            before=f"""\
from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(self, "Params", description="mine", parameter_group_family="redshift-1.0")
redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
""",
            after=f"""\
from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(self, "Params", description="mine", parameter_group_family="redshift-1.0", parameters=[redshift.CfnClusterParameterGroup.ParameterProperty(parameter_name="require_ssl", parameter_value="true"), redshift.CfnClusterParameterGroup.ParameterProperty(parameter_name="enable_user_activity_logging", parameter_value="true")])
redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
""",
            also_select=("AwsSolutions-RS11",),
        ),
        Example(
            name="a group of the file with a run-time value for another parameter: require_ssl added",
            before=f"""\
import json

from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self,
    "Params",
    description="WLM",
    parameter_group_family="redshift-1.0",
    parameters=[
        {{"parameterName": "wlm_json_configuration", "parameterValue": json.dumps([{{"query_concurrency": 5}}])}},
        {{"parameterName": "enable_user_activity_logging", "parameterValue": "true"}},
    ],
)
self.cluster = redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
""",
            after=f"""\
import json

from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self,
    "Params",
    description="WLM",
    parameter_group_family="redshift-1.0",
    parameters=[
        {{"parameterName": "wlm_json_configuration", "parameterValue": json.dumps([{{"query_concurrency": 5}}])}},
        {{"parameterName": "enable_user_activity_logging", "parameterValue": "true"}},
        {{"parameterName": "require_ssl", "parameterValue": "true"}},
    ],
)
self.cluster = redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
""",
        ),
    ]


class Rs11RedshiftUserActivityLogging(_ParameterGroupRule):
    code = "AwsSolutions-RS11"
    name = "awssolutions-redshift-user-activity-logging"
    title = "Redshift cluster without user activity logging"
    kind = Kind.OBSERVABILITY
    parameter = "enable_user_activity_logging"
    issue = (
        "cdk-nag AwsSolutions-RS11: The Redshift cluster does not have user activity logging enabled. Without it "
        "there is no record of the queries run against the database."
    )
    fix = (
        "Inserts before the cluster's statement `<name>_parameters = redshift.CfnClusterParameterGroup(<scope>, "
        "\"<Id>Parameters\", description=..., parameter_group_family=\"redshift-1.0\", parameters=["
        "ParameterProperty(parameter_name=\"enable_user_activity_logging\", parameter_value=\"true\")])` and sets "
        "`cluster_parameter_group_name=<name>_parameters.ref` on the `redshift.CfnCluster`. With AwsSolutions-RS1 "
        "selected too, both write into the one group (it gets `require_ssl` as well). The parameter does nothing "
        "until audit logging is on as well (`logging_properties=`: AwsSolutions-RS5's fix, not this one's); "
        "cdk-nag checks only the parameter. A cluster that names a CfnClusterParameterGroup of "
        "the file (`<group>.ref`, literal parameters) keeps it: no finding when it sets "
        "`enable_user_activity_logging` to \"true\" (compared exactly), the parameter appended to its list when it "
        "does not name it. Reported without a fix: another value in that group (the user's), any other group, a "
        "`**` splat, no plain scope, id and statement."
    )
    impact = (
        "UNSAFE: once audit logging is on, every query is logged (storage billed). " + _UNSAFE_NOTE
    )
    examples = [
        Example(
            name="module alias, bound to a name",
            before=f"""\
from aws_cdk import aws_redshift as redshift

warehouse = redshift.CfnCluster({_ARGS})
""",
            after=f"""\
from aws_cdk import aws_redshift as redshift

warehouse_parameters = redshift.CfnClusterParameterGroup(
    self,
    "WarehouseParameters",
    description="{DESCRIPTION}",
    parameter_group_family="redshift-1.0",
    parameters=[
        redshift.CfnClusterParameterGroup.ParameterProperty(
            parameter_name="enable_user_activity_logging", parameter_value="true"
        )
    ],
)

warehouse = redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=warehouse_parameters.ref)
""",
        ),
        Example(
            name="import aws_cdk as cdk, inside a stack",
            before=f"""\
import aws_cdk as cdk


class WarehouseStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        self.warehouse = cdk.aws_redshift.CfnCluster({_ARGS})
""",
            after=f"""\
import aws_cdk as cdk


class WarehouseStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        warehouse_parameters = cdk.aws_redshift.CfnClusterParameterGroup(
            self,
            "WarehouseParameters",
            description="{DESCRIPTION}",
            parameter_group_family="redshift-1.0",
            parameters=[
                cdk.aws_redshift.CfnClusterParameterGroup.ParameterProperty(
                    parameter_name="enable_user_activity_logging",
                    parameter_value="true",
                )
            ],
        )
        self.warehouse = cdk.aws_redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=warehouse_parameters.ref)
""",
        ),
        Example(
            name="with AwsSolutions-RS1 selected: one group, both parameters",
            before=f"""\
from aws_cdk import aws_redshift as redshift

warehouse = redshift.CfnCluster({_ARGS})
""",
            after=f"""\
from aws_cdk import aws_redshift as redshift

warehouse_parameters = redshift.CfnClusterParameterGroup(
    self,
    "WarehouseParameters",
    description="{DESCRIPTION}",
    parameter_group_family="redshift-1.0",
    parameters=[
        redshift.CfnClusterParameterGroup.ParameterProperty(
            parameter_name="require_ssl", parameter_value="true"
        ),
        redshift.CfnClusterParameterGroup.ParameterProperty(
            parameter_name="enable_user_activity_logging", parameter_value="true"
        ),
    ],
)

warehouse = redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=warehouse_parameters.ref)
""",
            also_select=("AwsSolutions-RS1",),
        ),
        Example(
            name="left alone: a group of the file that logs user activity (a dict entry), passed by ref",
            before=f"""\
from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self, "Params", description="mine", parameter_group_family="redshift-1.0",
    parameters=[{{"parameterName": "enable_user_activity_logging", "parameterValue": "true"}}],
)
redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
""",
        ),
        Example(
            name="reported without a fix: a splat, a group named by name, a value cdk-nag compares exactly",
            before=f"""\
from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self, "Params", description="mine", parameter_group_family="redshift-1.0",
    parameters=[{{"parameterName": "enable_user_activity_logging", "parameterValue": "TRUE"}}],
)
redshift.CfnCluster(self, "A", **props)
redshift.CfnCluster(self, "B", cluster_parameter_group_name="my-group")
redshift.CfnCluster(self, "C", cluster_parameter_group_name=params.ref)
""",
            flagged=True,
        ),
        # Appended: the fix-effect harness names examples by their index.
        Example(
            name="a group of the file with dict entries: a dict entry added, for each cluster once",
            before=f"""\
from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self, "Params", description="mine", parameter_group_family="redshift-1.0",
    parameters=[{{"parameterName": "require_ssl", "parameterValue": "true"}}],
)
redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
redshift.CfnCluster({_ARGS.replace('"Warehouse"', '"Replica"')}, cluster_parameter_group_name=params.ref)
""",
            after=f"""\
from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self, "Params", description="mine", parameter_group_family="redshift-1.0",
    parameters=[{{"parameterName": "require_ssl", "parameterValue": "true"}}, {{"parameterName": "enable_user_activity_logging", "parameterValue": "true"}}],
)
redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
redshift.CfnCluster({_ARGS.replace('"Warehouse"', '"Replica"')}, cluster_parameter_group_name=params.ref)
""",
        ),
        Example(
            name="left alone: the parameter in a group whose other entry is a run-time value",
            before=f"""\
import json

from aws_cdk import aws_redshift as redshift

params = redshift.CfnClusterParameterGroup(
    self, "Params", description="WLM", parameter_group_family="redshift-1.0",
    parameters=[
        {{"parameterName": "wlm_json_configuration", "parameterValue": json.dumps(wlm)}},
        {{"parameterName": "enable_user_activity_logging", "parameterValue": "true"}},
    ],
)
redshift.CfnCluster({_ARGS}, cluster_parameter_group_name=params.ref)
""",
        ),
    ]
