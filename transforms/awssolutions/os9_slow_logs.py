"""AwsSolutions-OS9: an OpenSearch domain without slow logs gets both, with a plain log policy.

cdk-nag 3 (OpenSearchSlowLogsToCloudWatch) flags an AWS::OpenSearchService::Domain whose
`LogPublishingOptions` lack `SEARCH_SLOW_LOGS` or `INDEX_SLOW_LOGS` with `Enabled: true`
(one finding each, `[LogExport::SEARCH_SLOW_LOGS]` / `[LogExport::INDEX_SLOW_LOGS]`).

`Domain(logging=LoggingOptions(slow_search_log_enabled=True, slow_index_log_enabled=True))`
alone would clear them, but aws-cdk-lib 2.275 then writes the log groups' resource policy with
`LogGroupResourcePolicy`, a custom resource whose Lambda function has AWSLambdaBasicExecutionRole
(AwsSolutions-IAM4) and a `logs:PutResourcePolicy` statement on `*` (IAM5). Another valid fix
avoids both: `suppress_logs_resource_policy=True` and the policy written as a plain
AWS::Logs::ResourcePolicy. What the fix writes before the domain's statement:
- two `logs.LogGroup`s (slow search, slow index) kept one month, CDK's own retention for the
  groups it makes (and `removal_policy=DESTROY` in a destroyable run);
- `logs.ResourcePolicy` with the statement CDK itself writes (domain.ts): principal
  `es.amazonaws.com`, `logs:PutLogEvents` and `logs:CreateLogStream`, on the ARNs of every log
  group the domain publishes to;
and after it `<domain>.node.add_dependency(<policy>)`: OpenSearch checks the policy when log
publishing is set ("The Resource Access Policy specified for the CloudWatch Logs log group ...
does not grant sufficient permissions"), so the domain must be created after it, as CDK makes
its own CfnDomain depend on its policy custom resource (tests/test_awssolutions_opensearch.py
checks the DependsOn). The policy refers only to groups made outside the domain, so the
dependency makes no cycle.

`suppress_logs_resource_policy=True` suppresses CDK's policy for all of the domain's logs, so an
existing `logging=LoggingOptions(...)` is merged into only when the policy can cover every log
it enables: an app or audit log enabled (literal True) with a `*_log_group=` that is a plain
name (its ARN goes into the policy). Reported without a fix: an enabled app or audit log whose
group CDK makes (inside the domain: not known before the domain), a run-time `*_enabled`
value, `logging=` that is not a literal LoggingOptions, a stated `suppress_logs_resource_policy=`
(the user manages the policy), a `**` splat, no plain scope, id or statement. A LoggingOptions
that states a slow log keyword (either value) is left alone: turning a log off is the user's
choice, and one already on is the user's group and policy.

The L1 `CfnDomain` gets the same groups, policy and dependency, and `SEARCH_SLOW_LOGS` /
`INDEX_SLOW_LOGS` entries (`LogPublishingOptionProperty(cloud_watch_logs_log_group_arn=...,
enabled=True)`) in `log_publishing_options=` (a new dict, or added to a literal dict that has no
slow log key; one with a slow log key is left alone). CDK writes no policy for an L1: the user's
other logs have their own.

Unsafe: log ingestion and storage are billed; CloudWatch Logs allows 10 resource policies per
account and region (CDK's custom resource makes one per domain too).
"""

from __future__ import annotations

import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, construct_id, string_value
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions._scaffold import in_plain_statement, log_group_source, scope_and_id
from cdkfix.transforms.awssolutions.os7_zone_awareness import CFN_DOMAIN, DOMAIN

LOGGING_OPTIONS = "aws_cdk.aws_opensearchservice.LoggingOptions"
LOG_PUBLISHING = "aws_cdk.aws_opensearchservice.CfnDomain.LogPublishingOptionProperty"
_L1_SLOW = ("SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS")
ONE_MONTH = "aws_cdk.aws_logs.RetentionDays.ONE_MONTH"
RESOURCE_POLICY = "aws_cdk.aws_logs.ResourcePolicy"
POLICY_STATEMENT = "aws_cdk.aws_iam.PolicyStatement"
SERVICE_PRINCIPAL = "aws_cdk.aws_iam.ServicePrincipal"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
_SLOW = ("slow_search_log_enabled", "slow_search_log_group", "slow_index_log_enabled", "slow_index_log_group")
# The other logs a LoggingOptions can enable; the fix's policy must cover their groups too.
_OTHER_LOGS = ("app", "audit")
_VERSION = "version=opensearch.EngineVersion.OPENSEARCH_2_11"


class Os9SlowLogs(Rule):
    code = "AwsSolutions-OS9"
    name = "awssolutions-opensearch-slow-logs"
    title = "OpenSearch domain without slow logs in CloudWatch"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-OS9: The OpenSearch Service domain does not minimally publish SEARCH_SLOW_LOGS and "
        "INDEX_SLOW_LOGS to CloudWatch Logs. Slow queries and slow indexing leave no trace to tune the domain from."
    )
    fix = (
        "Before the `opensearchservice.Domain` statement: two `logs.LogGroup`s (one month's retention) and a "
        "`logs.ResourcePolicy` letting `es.amazonaws.com` call logs:PutLogEvents and logs:CreateLogStream on them; on "
        "the call `logging=LoggingOptions(slow_search_log_enabled=True, slow_search_log_group=..., "
        "slow_index_log_enabled=True, slow_index_log_group=...)` (merged into an existing LoggingOptions, whose named "
        "app/audit groups join the policy) and `suppress_logs_resource_policy=True` (no CDK custom resource, so no "
        "IAM4/IAM5); after it `<domain>.node.add_dependency(<policy>)`. A LoggingOptions stating a slow log keyword is "
        "left alone. Reported without a fix: a `**` splat, `logging=` not a literal LoggingOptions, an enabled app or "
        "audit log without a named group, a stated `suppress_logs_resource_policy=`, no plain scope, id or statement. "
        "L1 `CfnDomain`: the same groups, policy and dependency, with `SEARCH_SLOW_LOGS` and `INDEX_SLOW_LOGS` "
        "`LogPublishingOptionProperty(cloud_watch_logs_log_group_arn=..., enabled=True)` entries in "
        "`log_publishing_options=` (a new dict, or added to a literal one without slow log keys)."
    )
    impact = (
        "UNSAFE: two log groups billed for ingestion and storage; one of the account's 10 CloudWatch Logs resource "
        "policies per region."
    )
    calls = frozenset({DOMAIN, CFN_DOMAIN})
    examples = [
        Example(
            name='module alias, bound to a name',
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

search = opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11)
""",
            after="""\
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

search_slow_search_logs = logs.LogGroup(
    self, "SearchSlowSearchLogs", retention=logs.RetentionDays.ONE_MONTH
)
search_slow_index_logs = logs.LogGroup(
    self, "SearchSlowIndexLogs", retention=logs.RetentionDays.ONE_MONTH
)
search_logs_policy = logs.ResourcePolicy(
    self,
    "SearchLogsPolicy",
    policy_statements=[
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("es.amazonaws.com")],
            actions=["logs:PutLogEvents", "logs:CreateLogStream"],
            resources=[
                search_slow_search_logs.log_group_arn,
                search_slow_index_logs.log_group_arn,
            ],
        )
    ],
)

search = opensearch.Domain(self, "Search", version=opensearch.EngineVersion.OPENSEARCH_2_11, logging=opensearch.LoggingOptions(
    slow_search_log_enabled=True,
    slow_search_log_group=search_slow_search_logs,
    slow_index_log_enabled=True,
    slow_index_log_group=search_slow_index_logs,
), suppress_logs_resource_policy=True)

search.node.add_dependency(search_logs_policy)
""",
        ),
        Example(
            name='import aws_cdk as cdk, bound to an attribute',
            before="""\
import aws_cdk as cdk

self.search = cdk.aws_opensearchservice.Domain(
    self,
    "Search",
    version=cdk.aws_opensearchservice.EngineVersion.OPENSEARCH_2_11,
)
""",
            after="""\
import aws_cdk as cdk

search_slow_search_logs = cdk.aws_logs.LogGroup(
    self, "SearchSlowSearchLogs", retention=cdk.aws_logs.RetentionDays.ONE_MONTH
)
search_slow_index_logs = cdk.aws_logs.LogGroup(
    self, "SearchSlowIndexLogs", retention=cdk.aws_logs.RetentionDays.ONE_MONTH
)
search_logs_policy = cdk.aws_logs.ResourcePolicy(
    self,
    "SearchLogsPolicy",
    policy_statements=[
        cdk.aws_iam.PolicyStatement(
            principals=[cdk.aws_iam.ServicePrincipal("es.amazonaws.com")],
            actions=["logs:PutLogEvents", "logs:CreateLogStream"],
            resources=[
                search_slow_search_logs.log_group_arn,
                search_slow_index_logs.log_group_arn,
            ],
        )
    ],
)

self.search = cdk.aws_opensearchservice.Domain(
    self,
    "Search",
    version=cdk.aws_opensearchservice.EngineVersion.OPENSEARCH_2_11,
    logging=cdk.aws_opensearchservice.LoggingOptions(
        slow_search_log_enabled=True,
        slow_search_log_group=search_slow_search_logs,
        slow_index_log_enabled=True,
        slow_index_log_group=search_slow_index_logs,
    ),
    suppress_logs_resource_policy=True,
)

self.search.node.add_dependency(search_logs_policy)
""",
        ),
        Example(
            name='classes imported by name, a bare statement bound to a name',
            before="""\
from aws_cdk.aws_opensearchservice import Domain, EngineVersion

Domain(self, "SearchDomain", version=EngineVersion.OPENSEARCH_2_11)
""",
            after="""\
from aws_cdk.aws_opensearchservice import Domain, EngineVersion
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_opensearchservice as opensearchservice

search_domain_slow_search_logs = logs.LogGroup(
    self, "SearchDomainSlowSearchLogs", retention=logs.RetentionDays.ONE_MONTH
)
search_domain_slow_index_logs = logs.LogGroup(
    self, "SearchDomainSlowIndexLogs", retention=logs.RetentionDays.ONE_MONTH
)
search_domain_logs_policy = logs.ResourcePolicy(
    self,
    "SearchDomainLogsPolicy",
    policy_statements=[
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("es.amazonaws.com")],
            actions=["logs:PutLogEvents", "logs:CreateLogStream"],
            resources=[
                search_domain_slow_search_logs.log_group_arn,
                search_domain_slow_index_logs.log_group_arn,
            ],
        )
    ],
)

search_domain = Domain(self, "SearchDomain", version=EngineVersion.OPENSEARCH_2_11, logging=opensearchservice.LoggingOptions(
    slow_search_log_enabled=True,
    slow_search_log_group=search_domain_slow_search_logs,
    slow_index_log_enabled=True,
    slow_index_log_group=search_domain_slow_index_logs,
), suppress_logs_resource_policy=True)

search_domain.node.add_dependency(search_domain_logs_policy)
""",
        ),
        Example(
            name='an existing LoggingOptions with a named app log group: merged, the group in the policy',
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

search = opensearch.Domain(
    self,
    "Search",
    version=opensearch.EngineVersion.OPENSEARCH_2_11,
    logging=opensearch.LoggingOptions(app_log_enabled=True, app_log_group=log_group),
)
""",
            after="""\
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

search_slow_search_logs = logs.LogGroup(
    self, "SearchSlowSearchLogs", retention=logs.RetentionDays.ONE_MONTH
)
search_slow_index_logs = logs.LogGroup(
    self, "SearchSlowIndexLogs", retention=logs.RetentionDays.ONE_MONTH
)
search_logs_policy = logs.ResourcePolicy(
    self,
    "SearchLogsPolicy",
    policy_statements=[
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("es.amazonaws.com")],
            actions=["logs:PutLogEvents", "logs:CreateLogStream"],
            resources=[
                search_slow_search_logs.log_group_arn,
                search_slow_index_logs.log_group_arn,
                log_group.log_group_arn,
            ],
        )
    ],
)

search = opensearch.Domain(
    self,
    "Search",
    version=opensearch.EngineVersion.OPENSEARCH_2_11,
    logging=opensearch.LoggingOptions(app_log_enabled=True, app_log_group=log_group, slow_search_log_enabled=True, slow_search_log_group=search_slow_search_logs, slow_index_log_enabled=True, slow_index_log_group=search_slow_index_logs),
    suppress_logs_resource_policy=True,
)

search.node.add_dependency(search_logs_policy)
""",
        ),
        Example(
            name="left alone: a slow log stated (either value), also beside a splat",
            before=f"""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(self, "A", {_VERSION}, logging=opensearch.LoggingOptions(slow_search_log_enabled=False))
opensearch.Domain(self, "B", {_VERSION}, logging=opensearch.LoggingOptions(slow_index_log_enabled=True), **props)
""",
        ),
        Example(
            name="reported without a fix: a splat, a stated policy suppression, a logging variable, a CDK-made app group",
            before=f"""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.Domain(self, "A", {_VERSION}, **props)
opensearch.Domain(self, "B", {_VERSION}, suppress_logs_resource_policy=True)
opensearch.Domain(self, "C", {_VERSION}, logging=logging_options)
opensearch.Domain(self, "D", {_VERSION}, logging=opensearch.LoggingOptions(audit_log_enabled=True))
domains = [opensearch.Domain(self, "E", {_VERSION})]
""",
            flagged=True,
        ),
        Example(
            name="L1 CfnDomain: slow logs in log_publishing_options (a new dict, or added to the user's)",
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

search = opensearch.CfnDomain(self, "Search", engine_version="OpenSearch_2.11")
opensearch.CfnDomain(
    self,
    "Analytics",
    engine_version="OpenSearch_2.11",
    log_publishing_options={
        "ES_APPLICATION_LOGS": opensearch.CfnDomain.LogPublishingOptionProperty(enabled=False),
    },
)
""",
            after="""\
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_logs as logs
from aws_cdk import aws_iam as iam

search_slow_search_logs = logs.LogGroup(
    self, "SearchSlowSearchLogs", retention=logs.RetentionDays.ONE_MONTH
)
search_slow_index_logs = logs.LogGroup(
    self, "SearchSlowIndexLogs", retention=logs.RetentionDays.ONE_MONTH
)
search_logs_policy = logs.ResourcePolicy(
    self,
    "SearchLogsPolicy",
    policy_statements=[
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("es.amazonaws.com")],
            actions=["logs:PutLogEvents", "logs:CreateLogStream"],
            resources=[
                search_slow_search_logs.log_group_arn,
                search_slow_index_logs.log_group_arn,
            ],
        )
    ],
)

search = opensearch.CfnDomain(self, "Search", engine_version="OpenSearch_2.11", log_publishing_options={
    "SEARCH_SLOW_LOGS": opensearch.CfnDomain.LogPublishingOptionProperty(
        cloud_watch_logs_log_group_arn=search_slow_search_logs.log_group_arn,
        enabled=True,
    ),
    "INDEX_SLOW_LOGS": opensearch.CfnDomain.LogPublishingOptionProperty(
        cloud_watch_logs_log_group_arn=search_slow_index_logs.log_group_arn,
        enabled=True,
    ),
})

search.node.add_dependency(search_logs_policy)
analytics_slow_search_logs = logs.LogGroup(
    self, "AnalyticsSlowSearchLogs", retention=logs.RetentionDays.ONE_MONTH
)
analytics_slow_index_logs = logs.LogGroup(
    self, "AnalyticsSlowIndexLogs", retention=logs.RetentionDays.ONE_MONTH
)
analytics_logs_policy = logs.ResourcePolicy(
    self,
    "AnalyticsLogsPolicy",
    policy_statements=[
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("es.amazonaws.com")],
            actions=["logs:PutLogEvents", "logs:CreateLogStream"],
            resources=[
                analytics_slow_search_logs.log_group_arn,
                analytics_slow_index_logs.log_group_arn,
            ],
        )
    ],
)
analytics = opensearch.CfnDomain(
    self,
    "Analytics",
    engine_version="OpenSearch_2.11",
    log_publishing_options={
        "ES_APPLICATION_LOGS": opensearch.CfnDomain.LogPublishingOptionProperty(enabled=False),
        "SEARCH_SLOW_LOGS": opensearch.CfnDomain.LogPublishingOptionProperty(cloud_watch_logs_log_group_arn=analytics_slow_search_logs.log_group_arn, enabled=True),
        "INDEX_SLOW_LOGS": opensearch.CfnDomain.LogPublishingOptionProperty(cloud_watch_logs_log_group_arn=analytics_slow_index_logs.log_group_arn, enabled=True),
    },
)

analytics.node.add_dependency(analytics_logs_policy)
""",
        ),
        Example(
            name="L1 reported without a fix: a splat, log_publishing_options not a dict (a stated slow log left alone)",
            before="""\
from aws_cdk import aws_opensearchservice as opensearch

opensearch.CfnDomain(self, "A", **props)
opensearch.CfnDomain(self, "B", log_publishing_options=publishing)
opensearch.CfnDomain(self, "C", log_publishing_options={"SEARCH_SLOW_LOGS": search_slow})
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified == CFN_DOMAIN:
            self._cfn_domain(node)
            return
        if qualified != DOMAIN:
            return
        logging = layout.keyword_arg(node, "logging")
        options = logging.value if logging is not None else None
        if isinstance(options, cst.Call) and any(layout.keyword_arg(options, key) for key in _SLOW):
            return  # a slow log stated: the user's choice (on: their group and policy; off: their call)
        what = code(node.func)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may lack slow logs (OS9)", "a `**` splat may set `logging`", node)
            return
        message = f"{what} without search and index slow logs ({self.title})"
        why, named_groups = self._blocked(node, options)
        if why:
            self.report_without_fix(message, why, node)
            return

        def domain_edits(search_logs: str, index_logs: str) -> list:
            inner = {
                "slow_search_log_enabled": "True",
                "slow_search_log_group": search_logs,
                "slow_index_log_enabled": "True",
                "slow_index_log_group": index_logs,
            }
            if options is None:
                logging_edit = self.set_keyword(
                    node, "logging", f"{self.ref(LOGGING_OPTIONS)}({', '.join(f'{k}={v}' for k, v in inner.items())})"
                )
            else:
                logging_edit = self.change(node, lambda updated: _merge_logging(updated, inner))
            return [logging_edit, self.set_keyword(node, "suppress_logs_resource_policy", "True")]

        self._scaffold(node, message, named_groups, domain_edits)

    def _cfn_domain(self, node: cst.Call) -> None:
        """The L1: `log_publishing_options={"SEARCH_SLOW_LOGS": LogPublishingOptionProperty(
        cloud_watch_logs_log_group_arn=<group>.log_group_arn, enabled=True), "INDEX_SLOW_LOGS": ...}`,
        added to a literal dict. CDK writes no log policy for an L1: the user's other logs have
        their own, and the fix's policy covers its two groups only."""
        arg = layout.keyword_arg(node, "log_publishing_options")
        options = arg.value if arg is not None else None
        if isinstance(options, cst.Dict) and any(
            isinstance(item, cst.DictElement) and string_value(item.key) in _L1_SLOW for item in options.elements
        ):
            return  # a slow log stated: the user's choice
        what = code(node.func)
        if layout.has_double_star(node):
            self.report_without_fix(
                f"{what} may lack slow logs (OS9)", "a `**` splat may set `log_publishing_options`", node
            )
            return
        message = f"{what} without search and index slow logs ({self.title})"
        if options is not None and not (
            isinstance(options, cst.Dict)
            and all(isinstance(item, cst.DictElement) and string_value(item.key) for item in options.elements)
        ):
            self.report_without_fix(
                message, "`log_publishing_options=` is not a dict display with string keys: which logs it sets is unknown", node
            )
            return

        def domain_edits(search_logs: str, index_logs: str) -> list:
            entries = {
                log: f"{self.ref(LOG_PUBLISHING)}(cloud_watch_logs_log_group_arn={group}.log_group_arn, enabled=True)"
                for log, group in zip(_L1_SLOW, (search_logs, index_logs))
            }
            if options is None:
                text = "{" + ", ".join(f'"{log}": {value}' for log, value in entries.items()) + "}"
                return [self.set_keyword(node, "log_publishing_options", text)]
            return [self.change(node, lambda updated: _merge_publishing(updated, entries))]

        self._scaffold(node, message, [], domain_edits)

    def _scaffold(self, node: cst.Call, message: str, named_groups: list[str], domain_edits) -> None:
        """The log groups and their policy before the domain's statement, `domain_edits(search
        group, index group)` on the call, the dependency after it."""
        places = scope_and_id(node, "SlowSearchLogs", "SlowSearchLogs")
        index_id = scope_and_id(node, "SlowIndexLogs", "SlowIndexLogs")
        policy_id = scope_and_id(node, "LogsPolicy", "LogsPolicy")
        if places is None or index_id is None or policy_id is None or not in_plain_statement(self):
            self.report_without_fix(
                message,
                "no plain scope, id and statement to create the log groups and their policy next to; pass logging= yourself",
                node,
            )
            return
        stem = self._stem(node)
        reference = self.reference_to(node, stem or "domain")
        if reference is None:
            self.report_without_fix(
                message, "the domain is nested in another expression: the policy dependency needs a name for it", node
            )
            return
        domain, bind_edits = reference
        scope = places[0]
        base = stem or "domain"
        search_logs = self.unique_name(f"{base}_slow_search_logs")
        index_logs = self.unique_name(f"{base}_slow_index_logs")
        policy = self.unique_name(f"{base}_logs_policy")
        retention = self.ref(ONE_MONTH)
        arns = ", ".join(f"{group}.log_group_arn" for group in (search_logs, index_logs, *named_groups))
        before = "\n".join(
            [
                log_group_source(self, search_logs, scope, places[1], retention),
                log_group_source(self, index_logs, scope, index_id[1], retention),
                f"{policy} = {self.ref(RESOURCE_POLICY)}({scope}, {policy_id[1]}, policy_statements=["
                f"{self.ref(POLICY_STATEMENT)}(principals=[{self.ref(SERVICE_PRINCIPAL)}(\"es.amazonaws.com\")], "
                f"actions=[\"logs:PutLogEvents\", \"logs:CreateLogStream\"], resources=[{arns}])])",
            ]
        )
        statement = self.current_statement
        edits = [
            *domain_edits(search_logs, index_logs),
            *bind_edits,
            self.insert_before(statement, before),
            self.insert_after(statement, f"{domain}.node.add_dependency({policy})"),
        ]
        self.report(message, edits, node=node)

    def _blocked(self, node: cst.Call, options: cst.BaseExpression | None) -> tuple[str, list[str]]:
        """(why the fix cannot be written, "" when it can; the named app/audit groups the policy must cover)."""
        if layout.keyword_arg(node, "suppress_logs_resource_policy") is not None:
            return (
                "`suppress_logs_resource_policy=` is stated: the domain's log group policy is managed by hand, and "
                "cdkfix cannot tell whether it would cover new slow log groups",
                [],
            )
        if options is None:
            return "", []
        if not isinstance(options, cst.Call) or self.resolve(options.func) != LOGGING_OPTIONS:
            return "`logging=` is not a literal `LoggingOptions(...)` call: which logs it enables is unknown", []
        if layout.has_double_star(options):
            return "a `**` splat in `LoggingOptions(...)` may set the slow logs", []
        groups = []
        for kind in _OTHER_LOGS:
            enabled = layout.keyword_arg(options, f"{kind}_log_enabled")
            value = code(enabled.value) if enabled is not None else "False"
            if value == "False":
                continue
            if value != "True":
                return f"`{kind}_log_enabled` is not a literal: whether the log policy must cover its group is unknown", []
            group = layout.keyword_arg(options, f"{kind}_log_group")
            name = dotted_name(group.value) if group is not None else None
            if name is None:
                return (
                    f"the {kind} log's group is made by CDK inside the domain (no plain `{kind}_log_group=` name): the "
                    "policy the fix writes before the domain cannot name it, and `suppress_logs_resource_policy` "
                    "would leave it without one",
                    [],
                )
            groups.append(name)
        return "", groups

    def _stem(self, node: cst.Call) -> str:
        """A snake_case stem for the new names: the domain's variable, else its id."""
        target = self.bound_target(node)
        name = dotted_name(target) if target is not None else None
        if name:
            return name.rsplit(".", 1)[-1]
        id_node = construct_id(node)
        text = code(id_node) if isinstance(id_node, cst.SimpleString) else ""
        words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", text.strip("\"'"))
        return "_".join(word.lower() for word in words).lstrip("0123456789_")


def _merge_logging(updated: cst.Call, inner: dict[str, str]) -> cst.Call:
    """The domain call with `inner` added to its `logging=LoggingOptions(...)`."""
    arg = layout.keyword_arg(updated, "logging")
    if arg is None or not isinstance(arg.value, cst.Call):
        return updated  # checked on the original call; never reached
    options = arg.value
    for key, value in inner.items():
        options = layout.set_keyword(options, key, cst.parse_expression(value))
    return updated.with_changes(args=[a.with_changes(value=options) if a is arg else a for a in updated.args])


def _merge_publishing(updated: cst.Call, entries: dict[str, str]) -> cst.Call:
    """The CfnDomain call with `entries` added to its `log_publishing_options={...}` dict."""
    arg = layout.keyword_arg(updated, "log_publishing_options")
    if arg is None or not isinstance(arg.value, cst.Dict):
        return updated  # checked on the original call; never reached
    mapping = arg.value
    for log, value in entries.items():
        mapping = layout.set_dict_item(mapping, cst.SimpleString(f'"{log}"'), cst.parse_expression(value))
    return updated.with_changes(args=[a.with_changes(value=mapping) if a is arg else a for a in updated.args])
