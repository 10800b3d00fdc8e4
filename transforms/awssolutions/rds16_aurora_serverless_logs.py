"""AwsSolutions-RDS16: an Aurora MySQL Serverless v1 cluster without its four log exports.

What cdk-nag 3 checks (AuroraMySQLLogging): an AWS::RDS::DBCluster whose `EngineMode` is
`serverless` (Aurora Serverless v1) and whose `Engine` is `aurora` or `aurora-mysql` must list
`audit`, `error`, `general` and `slowquery` in `EnableCloudwatchLogsExports` (one finding per
missing log). Provisioned and Serverless v2 clusters (`rds.DatabaseCluster`, no EngineMode) are
never flagged, whatever they export.

- `rds.CfnDBCluster(engine="aurora-mysql", engine_mode="serverless", ...)` (literals, or a name
  assigned once to one) without `enable_cloudwatch_logs_exports=` gets
  `enable_cloudwatch_logs_exports=["audit", "error", "general", "slowquery"]`. The export list
  needs no parameter group in CloudFormation's schema (cfn-lint: no new error) nor in RDS's log
  documentation, which says the audit, general and slow query logs are written (and so exported)
  only once the parameter group sets `server_audit_logging`, `general_log`, `slow_query_log`; the
  property updates without replacement (the fix-effect harness). Not deploy-tested: new Serverless
  v1 clusters cannot be created since its end of life, so the fix matters for templates of
  clusters AWS has already moved on.
- `rds.ServerlessCluster(...)` (the L2 of Serverless v1) has no keyword for log exports in
  aws-cdk-lib 2.275, and Aurora Serverless v1 reached its end of life on 2025-03-31 (AWS moved
  the remaining clusters to Serverless v2 or provisioned): the finding on a ServerlessCluster whose
  engine is Aurora MySQL is reported without a fix, pointing at `rds.DatabaseCluster` with a
  Serverless v2 writer and `cloudwatch_logs_exports=` (a new cluster: the data has to move).

The engine is read from the call (`rds.DatabaseClusterEngine.AURORA_MYSQL`, `.AURORA`,
`.aurora_mysql(...)`, `.aurora(...)`, resolved through the imports) or from a name assigned
once to one of those; an engine cdkfix cannot read is reported without a fix, an Aurora
PostgreSQL one is left alone. An exports list the user wrote (any value) is the user's choice.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms._bindings import single_binding

CFN_CLUSTER = "aws_cdk.aws_rds.CfnDBCluster"
SERVERLESS_CLUSTER = "aws_cdk.aws_rds.ServerlessCluster"
KEYWORD = "enable_cloudwatch_logs_exports"
LOGS = '["audit", "error", "general", "slowquery"]'
_ENGINE = "aws_cdk.aws_rds.DatabaseClusterEngine."
MYSQL_ENGINES = frozenset(_ENGINE + name for name in ("AURORA_MYSQL", "AURORA", "aurora_mysql", "aurora"))
OTHER_ENGINES = frozenset(_ENGINE + name for name in ("AURORA_POSTGRESQL", "aurora_postgres"))
_L1_MYSQL = ("aurora", "aurora-mysql")
_V1_END = (
    "ServerlessCluster (Aurora Serverless v1, end of life since 2025-03-31) has no keyword for log exports: "
    "move to rds.DatabaseCluster(writer=rds.ClusterInstance.serverless_v2(...), cloudwatch_logs_exports=[\"audit\", "
    "\"error\", \"general\", \"slowquery\"]), a new cluster the data has to move to"
)


class Rds16AuroraServerlessLogs(Rule):
    code = "AwsSolutions-RDS16"
    name = "awssolutions-aurora-serverless-log-exports"
    title = "Aurora MySQL Serverless cluster without log exports"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-RDS16: The RDS Aurora MySQL serverless cluster does not have audit, error, general, "
        "and slowquery Log Exports enabled. Without them the database's logs cannot be read in CloudWatch to "
        "diagnose problems or audit access."
    )
    fix = (
        "Sets `enable_cloudwatch_logs_exports=[\"audit\", \"error\", \"general\", \"slowquery\"]` on an "
        "`rds.CfnDBCluster` whose `engine` is \"aurora-mysql\" or \"aurora\" and `engine_mode` \"serverless\" "
        "(literals, or names assigned once to them). A call that states the keyword (any value) is left alone, and "
        "so are other engines and engine modes (cdk-nag checks only Aurora MySQL Serverless v1). Reported without a "
        "fix: `rds.ServerlessCluster` with an Aurora MySQL engine (no such keyword; Serverless v1 ended on "
        "2025-03-31: move to DatabaseCluster with a Serverless v2 writer); an engine or engine mode cdkfix cannot "
        "read; a `**` splat. The audit, general and slow query streams stay empty until the cluster's parameter "
        "group turns those logs on (`server_audit_logging`, `general_log`, `slow_query_log`)."
    )
    impact = "UNSAFE: log ingestion and storage in CloudWatch Logs are billed."
    calls = frozenset({CFN_CLUSTER, SERVERLESS_CLUSTER})
    examples = [
        Example(
            name="L1 cluster, module alias",
            before="""\
from aws_cdk import aws_rds as rds

cluster = rds.CfnDBCluster(self, "Db", engine="aurora-mysql", engine_mode="serverless", master_username="admin", master_user_password="Password1!")
""",
            after="""\
from aws_cdk import aws_rds as rds

cluster = rds.CfnDBCluster(self, "Db", engine="aurora-mysql", engine_mode="serverless", master_username="admin", master_user_password="Password1!", enable_cloudwatch_logs_exports=["audit", "error", "general", "slowquery"])
""",
        ),
        Example(
            name="import aws_cdk as cdk, engine in a name assigned once",
            before="""\
import aws_cdk as cdk

ENGINE = "aurora"
self.db = cdk.aws_rds.CfnDBCluster(
    self,
    "Db",
    engine=ENGINE,
    engine_mode="serverless",
    master_username="admin",
    master_user_password="Password1!",
)
""",
            after="""\
import aws_cdk as cdk

ENGINE = "aurora"
self.db = cdk.aws_rds.CfnDBCluster(
    self,
    "Db",
    engine=ENGINE,
    engine_mode="serverless",
    master_username="admin",
    master_user_password="Password1!",
    enable_cloudwatch_logs_exports=["audit", "error", "general", "slowquery"],
)
""",
        ),
        Example(
            name="class imported by name",
            before="""\
from aws_cdk.aws_rds import CfnDBCluster

CfnDBCluster(self, "Db", engine="aurora-mysql", engine_mode="serverless", master_username="admin", master_user_password="Password1!")
""",
            after="""\
from aws_cdk.aws_rds import CfnDBCluster

CfnDBCluster(self, "Db", engine="aurora-mysql", engine_mode="serverless", master_username="admin", master_user_password="Password1!", enable_cloudwatch_logs_exports=["audit", "error", "general", "slowquery"])
""",
        ),
        Example(
            name="left alone: exports stated (any value), provisioned, PostgreSQL, Serverless v2",
            before="""\
from aws_cdk import aws_rds as rds

rds.CfnDBCluster(self, "A", engine="aurora-mysql", engine_mode="serverless", enable_cloudwatch_logs_exports=["error"])
rds.CfnDBCluster(self, "B", engine="aurora-mysql")
rds.CfnDBCluster(self, "C", engine="aurora-postgresql", engine_mode="serverless")
rds.CfnDBCluster(self, "D", engine="aurora-mysql", engine_mode="provisioned", **props)
rds.ServerlessCluster(self, "E", engine=rds.DatabaseClusterEngine.AURORA_POSTGRESQL, vpc=vpc)
rds.DatabaseCluster(self, "F", engine=rds.DatabaseClusterEngine.aurora_mysql(version=version), writer=writer, vpc=vpc)
""",
        ),
        Example(
            name="reported without a fix: ServerlessCluster (no keyword, end of life), unknown engine, splat",
            before="""\
from aws_cdk import aws_rds as rds

engine = rds.DatabaseClusterEngine.aurora_mysql(version=rds.AuroraMysqlEngineVersion.VER_2_11_2)
rds.ServerlessCluster(self, "A", engine=rds.DatabaseClusterEngine.AURORA_MYSQL, vpc=vpc)
rds.ServerlessCluster(self, "B", engine=engine, vpc=vpc)
rds.ServerlessCluster(self, "C", engine=make_engine(), vpc=vpc)
rds.CfnDBCluster(self, "D", engine=settings.engine, engine_mode="serverless")
rds.CfnDBCluster(self, "E", **props)
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified == SERVERLESS_CLUSTER:
            self._serverless_cluster(node)
        elif qualified == CFN_CLUSTER:
            self._cfn_cluster(node)

    def _serverless_cluster(self, node: cst.Call) -> None:
        what = code(node.func)
        engine = layout.keyword_arg(node, "engine")
        family = self._engine_family(engine.value) if engine is not None else None
        if family == "other":
            return
        if family is None:
            why = "a `**` splat may set the engine" if engine is None else "cdkfix cannot read the engine"
            self.report_without_fix(
                f"{what} may be Aurora MySQL without log exports (RDS16)", f"{why}; if it is Aurora MySQL: {_V1_END}", node
            )
            return
        self.report_without_fix(f"{what} without log exports ({self.title})", _V1_END, node)

    def _cfn_cluster(self, node: cst.Call) -> None:
        if layout.keyword_arg(node, KEYWORD) is not None:
            return  # the user's choice (also beside a splat: Python refuses a keyword twice)
        engine = self._literal(layout.keyword_arg(node, "engine"))
        mode = self._literal(layout.keyword_arg(node, "engine_mode"))
        if engine not in (None, "") and engine.lower() not in _L1_MYSQL:
            return
        if mode not in (None, "") and mode.lower() != "serverless":
            return
        what = code(node.func)
        if layout.has_double_star(node):
            self.report_without_fix(
                f"{what} may lack `{KEYWORD}` (RDS16)",
                f"a `**` splat may set the engine, the engine mode or `{KEYWORD}`",
                node,
            )
            return
        if mode == "":
            return  # no engine mode: provisioned, not checked by cdk-nag
        if engine in (None, "") or mode is None:
            self.report_without_fix(
                f"{what} may be Aurora MySQL Serverless without log exports (RDS16)",
                "cdkfix cannot read the engine or the engine mode",
                node,
            )
            return
        self.report(f"{what} without `{KEYWORD}` ({self.title})", [self.set_keyword(node, KEYWORD, LOGS)])

    def _literal(self, arg: cst.Arg | None) -> str | None:
        """The string an argument holds ("" when absent), through one assignment of a name;
        None when it is decided at run time."""
        if arg is None:
            return ""
        value = arg.value
        if isinstance(value, (cst.Name, cst.Attribute)) and self.resolve(value) is None:
            found = single_binding(self, value)
            value = found[1] if found is not None else value
        return string_value(value)

    def _engine_family(self, value: cst.BaseExpression, follow: bool = True) -> str | None:
        """"mysql", "other" (an Aurora PostgreSQL engine) or None (cdkfix cannot tell)."""
        target = value.func if isinstance(value, cst.Call) else value
        resolved = self.resolve(target)
        if resolved in MYSQL_ENGINES:
            return "mysql"
        if resolved in OTHER_ENGINES:
            return "other"
        if follow and resolved is None and isinstance(value, (cst.Name, cst.Attribute)):
            found = single_binding(self, value)
            if found is not None:
                return self._engine_family(found[1], follow=False)
        return None
