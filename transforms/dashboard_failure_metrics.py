"""CDK-B10: CloudWatch dashboard that shows only success metrics for a pipeline or build."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.traverse import nodes_within

DASHBOARD = "aws_cdk.aws_cloudwatch.Dashboard"
METRIC = "aws_cdk.aws_cloudwatch.Metric"
SUM = "aws_cdk.aws_cloudwatch.Stats.SUM"
AVERAGE = "aws_cdk.aws_cloudwatch.Stats.AVERAGE"

PIPELINE_NAMESPACE = "AWS/CodePipeline"
BUILD_NAMESPACE = "AWS/CodeBuild"
# (namespace, metric name) -> (subject kind, True for success / False for failure).
# CodePipeline publishes FailedPipelineExecutions (the only CodePipeline metric in
# aws-cdk-lib's canned metrics); SucceededPipelineExecutions is only ever reused from the
# user's own code, never introduced.
KNOWN_METRICS = {
    (PIPELINE_NAMESPACE, "SucceededPipelineExecutions"): ("pipeline", True),
    (PIPELINE_NAMESPACE, "FailedPipelineExecutions"): ("pipeline", False),
    (BUILD_NAMESPACE, "SucceededBuilds"): ("build", True),
    (BUILD_NAMESPACE, "FailedBuilds"): ("build", False),
}
# Names models write for CodePipeline metrics that CodePipeline never published (the seed's
# MODEL_RESPONSE graphs `Metric(metric_name="PipelineExecutionSuccess")`): a graph of one is
# empty forever. They become the failure metric CodePipeline does publish.
NONEXISTENT_PIPELINE_METRICS = frozenset({"PipelineExecutionSuccess", "PipelineExecutionFailure"})
# Keywords of the replaced metric that stay: everything but what names the metric and its statistic.
REPLACED_KEYWORDS = frozenset({"namespace", "metric_name", "statistic"})
PROJECT_METHODS = {"metric_succeeded_builds": True, "metric_failed_builds": False}
# Keywords a derived metric copies from the success metric it completes.
COPIED_KEYWORDS = ("dimensions_map", "period", "region", "account")
SUCCESS_RATE = "100 * s / (s + f)"


@dataclass
class _Subject:
    """One pipeline or build project whose success metric the dashboard shows."""

    kind: str  # "pipeline", "build" (a cloudwatch.Metric in AWS/CodeBuild) or "project" (project.metric_*())
    key: str  # what identifies it: the dimensions' code, or the project's code
    success: str  # code that spells the success metric (a variable name or the call's code)
    call: cst.Call  # the success metric's call (its keywords are copied)
    project: str | None = None


def _normal(source: str) -> str:
    return re.sub(r"\s+", "", source)


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


class DashboardFailureMetrics(Rule):
    code = "CDK-B10"
    name = "dashboard-failure-metrics"
    title = "CloudWatch Dashboard Limited Metrics"
    category = Category.CONFIGURATION
    kind = Kind.OBSERVABILITY
    issue = (
        "The dashboard graphs only the successful pipeline executions or builds. A failing pipeline "
        "shows up as a flat line that looks the same as an idle one, and slow builds are invisible: "
        "the dashboard cannot answer whether the delivery pipeline is healthy."
    )
    fix = (
        "Adds one `dashboard.add_widgets(...)` after the dashboard's last one, with a graph of the failures "
        "and a success-rate graph (`cloudwatch.MathExpression` \"100 * s / (s + f)\") for every pipeline or "
        "build project shown only by its success metric, plus build duration for CodeBuild. Failures use real "
        "metrics with the success metric's own dimensions: `FailedPipelineExecutions` in `AWS/CodePipeline`, "
        "`FailedBuilds`/`Duration` in `AWS/CodeBuild`, or `project.metric_failed_builds()`/`metric_duration()`. "
        "Pipeline duration is added only when the `pipeline_duration_metric` option names the metric. A "
        "`cloudwatch.Metric` named `PipelineExecutionSuccess`/`PipelineExecutionFailure` (no namespace, or "
        "`AWS/CodePipeline`: the seed's own code), which CodePipeline never publishes, becomes "
        "`FailedPipelineExecutions` in `AWS/CodePipeline` (statistic Sum unless one is given), in place, keeping "
        "its other keywords; with a `**` splat it is reported without a fix."
    )
    impact = "Pipeline and build failures go unnoticed on the dashboard; no view of build duration or success rate."
    options = {
        # CodePipeline V2 pipelines also publish an execution-duration metric; set its name
        # (e.g. "PipelineDuration") to graph it. Off by default: cdkfix emits only metric
        # names it can vouch for.
        "pipeline_duration_metric": "",
    }
    calls = frozenset({DASHBOARD, METRIC})
    examples = [
        Example(
            before='''\
from aws_cdk import Stack, aws_cloudwatch as cloudwatch


class MonitoringStack(Stack):
    def __init__(self, scope, construct_id, *, pipeline_name: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        dashboard = cloudwatch.Dashboard(self, "Dashboard")

        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Pipeline Executions",
                left=[
                    cloudwatch.Metric(
                        namespace="AWS/CodePipeline",
                        metric_name="SucceededPipelineExecutions",
                        dimensions_map={"PipelineName": pipeline_name},
                        statistic="Sum"
                    )
                ]
                # Missing failure metrics
            )
        )

        self.dashboard = dashboard
''',
            after='''\
from aws_cdk import Stack, aws_cloudwatch as cloudwatch


class MonitoringStack(Stack):
    def __init__(self, scope, construct_id, *, pipeline_name: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        dashboard = cloudwatch.Dashboard(self, "Dashboard")

        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Pipeline Executions",
                left=[
                    cloudwatch.Metric(
                        namespace="AWS/CodePipeline",
                        metric_name="SucceededPipelineExecutions",
                        dimensions_map={"PipelineName": pipeline_name},
                        statistic="Sum"
                    )
                ]
                # Missing failure metrics
            )
        )

        pipeline_failures = cloudwatch.Metric(
            namespace="AWS/CodePipeline",
            metric_name="FailedPipelineExecutions",
            dimensions_map={"PipelineName": pipeline_name},
            statistic=cloudwatch.Stats.SUM,
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(title="Pipeline Failures", left=[pipeline_failures]),
            cloudwatch.GraphWidget(
                title="Pipeline Success Rate (%)",
                left=[
                    cloudwatch.MathExpression(
                        expression="100 * s / (s + f)",
                        using_metrics={
                            "s": cloudwatch.Metric(
                                namespace="AWS/CodePipeline",
                                metric_name="SucceededPipelineExecutions",
                                dimensions_map={"PipelineName": pipeline_name},
                                statistic="Sum",
                            ),
                            "f": pipeline_failures,
                        },
                        label="Success rate",
                    )
                ],
            ),
        )

        self.dashboard = dashboard
''',
            name="pipeline success metric, multi-line call with a comment",
        ),
        Example(
            before='''\
import aws_cdk as cdk


class BuildDashboardStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        project = cdk.aws_codebuild.PipelineProject(self, "Build")
        board = cdk.aws_cloudwatch.Dashboard(
            self,
            "Board",
            widgets=[[cdk.aws_cloudwatch.GraphWidget(title="Builds", left=[project.metric_succeeded_builds()])]],
        )
''',
            after='''\
import aws_cdk as cdk


class BuildDashboardStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        project = cdk.aws_codebuild.PipelineProject(self, "Build")
        board = cdk.aws_cloudwatch.Dashboard(
            self,
            "Board",
            widgets=[[cdk.aws_cloudwatch.GraphWidget(title="Builds", left=[project.metric_succeeded_builds()])]],
        )

        board.add_widgets(
            cdk.aws_cloudwatch.GraphWidget(
                title="Build Failures", left=[project.metric_failed_builds()]
            ),
            cdk.aws_cloudwatch.GraphWidget(
                title="Build Duration", left=[project.metric_duration()]
            ),
            cdk.aws_cloudwatch.GraphWidget(
                title="Build Success Rate (%)",
                left=[
                    cdk.aws_cloudwatch.MathExpression(
                        expression="100 * s / (s + f)",
                        using_metrics={
                            "s": project.metric_succeeded_builds(),
                            "f": project.metric_failed_builds(),
                        },
                        label="Success rate",
                    )
                ],
            ),
        )
''',
            name="project metric method in widgets=, cdk.aws_x imports",
        ),
        Example(
            before='''\
from aws_cdk.aws_cloudwatch import Dashboard, GraphWidget, Metric
from aws_cdk import Duration

succeeded = Metric(namespace="AWS/CodeBuild", metric_name="SucceededBuilds", dimensions_map={"ProjectName": "app-build"}, period=Duration.hours(1))
dash = Dashboard(stack, "Dash")
dash.add_widgets(GraphWidget(title="Builds", left=[succeeded]))
''',
            after='''\
from aws_cdk.aws_cloudwatch import Dashboard, GraphWidget, Metric
from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch

succeeded = Metric(namespace="AWS/CodeBuild", metric_name="SucceededBuilds", dimensions_map={"ProjectName": "app-build"}, period=Duration.hours(1))
dash = Dashboard(stack, "Dash")
dash.add_widgets(GraphWidget(title="Builds", left=[succeeded]))
build_failures = Metric(
    namespace="AWS/CodeBuild",
    metric_name="FailedBuilds",
    dimensions_map={"ProjectName": "app-build"},
    period=Duration.hours(1),
    statistic=cloudwatch.Stats.SUM,
)
dash.add_widgets(
    GraphWidget(title="Build Failures", left=[build_failures]),
    GraphWidget(
        title="Build Duration",
        left=[
            Metric(
                namespace="AWS/CodeBuild",
                metric_name="Duration",
                dimensions_map={"ProjectName": "app-build"},
                period=Duration.hours(1),
                statistic=cloudwatch.Stats.AVERAGE,
            )
        ],
    ),
    GraphWidget(
        title="Build Success Rate (%)",
        left=[
            cloudwatch.MathExpression(
                expression="100 * s / (s + f)",
                using_metrics={"s": succeeded, "f": build_failures},
                label="Success rate",
            )
        ],
    ),
)
''',
            name="CodeBuild metric bound to a variable, classes imported directly",
        ),
        Example(
            before='''\
import aws_cdk.aws_cloudwatch as cw

dashboard = cw.Dashboard(self, "D")
dashboard.add_widgets(cw.GraphWidget(left=[cw.Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions", dimensions_map={"PipelineName": name})]))
''',
            after='''\
import aws_cdk.aws_cloudwatch as cw

dashboard = cw.Dashboard(self, "D")
dashboard.add_widgets(cw.GraphWidget(left=[cw.Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions", dimensions_map={"PipelineName": name})]))
pipeline_failures = cw.Metric(
    namespace="AWS/CodePipeline",
    metric_name="FailedPipelineExecutions",
    dimensions_map={"PipelineName": name},
    statistic=cw.Stats.SUM,
)
dashboard.add_widgets(
    cw.GraphWidget(title="Pipeline Failures", left=[pipeline_failures]),
    cw.GraphWidget(
        title="Pipeline Duration",
        left=[
            cw.Metric(
                namespace="AWS/CodePipeline",
                metric_name="PipelineDuration",
                dimensions_map={"PipelineName": name},
                statistic=cw.Stats.AVERAGE,
            )
        ],
    ),
    cw.GraphWidget(
        title="Pipeline Success Rate (%)",
        left=[
            cw.MathExpression(
                expression="100 * s / (s + f)",
                using_metrics={
                    "s": cw.Metric(
                        namespace="AWS/CodePipeline",
                        metric_name="SucceededPipelineExecutions",
                        dimensions_map={"PipelineName": name},
                    ),
                    "f": pipeline_failures,
                },
                label="Success rate",
            )
        ],
    ),
)
''',
            options={"pipeline_duration_metric": "PipelineDuration"},
            name="pipeline duration metric named by the option",
        ),
        Example(
            before='''\
from aws_cdk import aws_cloudwatch as cloudwatch

dashboard = cloudwatch.Dashboard(self, "D")
dashboard.add_widgets(
    cloudwatch.GraphWidget(left=[project.metric_succeeded_builds()], right=[project.metric_failed_builds()])
)
''',
            name="failures already graphed",
        ),
        Example(
            before='''\
from aws_cdk import Stack, aws_cloudwatch as cloudwatch


class MonitoringStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        dashboard = cloudwatch.Dashboard(self, "Dashboard")
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Pipeline Executions",
                left=[
                    cloudwatch.Metric(metric_name="PipelineExecutionSuccess")
                ]
                # Missing failure metrics, build metrics
            )
        )
''',
            after='''\
from aws_cdk import Stack, aws_cloudwatch as cloudwatch


class MonitoringStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        dashboard = cloudwatch.Dashboard(self, "Dashboard")
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Pipeline Executions",
                left=[
                    cloudwatch.Metric(metric_name="FailedPipelineExecutions", namespace="AWS/CodePipeline", statistic=cloudwatch.Stats.SUM)
                ]
                # Missing failure metrics, build metrics
            )
        )
''',
            name="the seed's MODEL_RESPONSE: a metric CodePipeline does not publish, no namespace",
        ),
        Example(
            before='''\
from aws_cdk.aws_cloudwatch import Dashboard, GraphWidget, Metric
from constructs import Construct


class Monitoring(Construct):
    def __init__(self, scope, construct_id, *, pipeline_name: str) -> None:
        super().__init__(scope, construct_id)
        success = Metric(namespace="AWS/CodePipeline", metric_name="PipelineExecutionSuccess", dimensions_map={"PipelineName": pipeline_name}, statistic="Sum")
        Dashboard(self, "Board", widgets=[[GraphWidget(title="Runs", left=[success])]])
''',
            after='''\
from aws_cdk.aws_cloudwatch import Dashboard, GraphWidget, Metric
from constructs import Construct


class Monitoring(Construct):
    def __init__(self, scope, construct_id, *, pipeline_name: str) -> None:
        super().__init__(scope, construct_id)
        success = Metric(namespace="AWS/CodePipeline", metric_name="FailedPipelineExecutions", dimensions_map={"PipelineName": pipeline_name}, statistic="Sum")
        Dashboard(self, "Board", widgets=[[GraphWidget(title="Runs", left=[success])]])
''',
            name="nonexistent metric in a variable, classes imported by name, in a plain Construct, widgets=",
        ),
        Example(
            before='''\
import aws_cdk as cdk

board = cdk.aws_cloudwatch.Dashboard(stack, "Board")
board.add_widgets(cdk.aws_cloudwatch.SingleValueWidget(metrics=[cdk.aws_cloudwatch.Metric(namespace="AWS/CodePipeline", metric_name="PipelineExecutionFailure", period=cdk.Duration.hours(24))]))
''',
            after='''\
import aws_cdk as cdk

board = cdk.aws_cloudwatch.Dashboard(stack, "Board")
board.add_widgets(cdk.aws_cloudwatch.SingleValueWidget(metrics=[cdk.aws_cloudwatch.Metric(namespace="AWS/CodePipeline", metric_name="FailedPipelineExecutions", period=cdk.Duration.hours(24), statistic=cdk.aws_cloudwatch.Stats.SUM)]))
''',
            name="nonexistent failure metric through import aws_cdk as cdk, single-value widget",
        ),
        Example(
            before='''\
from aws_cdk import aws_cloudwatch as cloudwatch

metric = cloudwatch.Metric(metric_name="PipelineExecutionSuccess", **metric_props)
''',
            flagged=True,
            name="nonexistent metric with a ** splat: reported without a fix",
        ),
        Example(
            before='''\
from aws_cdk import aws_cloudwatch as cloudwatch

metric = cloudwatch.Metric(namespace="MyApp/Delivery", metric_name="PipelineExecutionSuccess")
''',
            name="the application's own namespace publishes whatever it likes",
        ),
        Example(
            before='''\
from aws_cdk import aws_cloudwatch as cloudwatch

dashboard = cloudwatch.Dashboard(self, "D", **props)
dashboard.add_widgets(cloudwatch.GraphWidget(left=[project.metric_succeeded_builds()]))
other = cloudwatch.Dashboard(self, "E")
other.add_widgets(*widgets)
other.add_widgets(cloudwatch.GraphWidget(left=[project.metric_succeeded_builds()]))
''',
            name="splats: unknown widgets",
        ),
        Example(
            before='''\
from aws_cdk import aws_cloudwatch as cloudwatch

dashboard = cloudwatch.Dashboard(self, "D")
dashboard.add_widgets(cloudwatch.GraphWidget(left=[queue.metric_approximate_number_of_messages_visible()]))
''',
            name="no pipeline or build metrics",
        ),
        Example(
            before='''\
class Dashboard:
    def add_widgets(self, *widgets): ...


dashboard = Dashboard()
dashboard.add_widgets(Metric(namespace="AWS/CodePipeline", metric_name="SucceededPipelineExecutions"))
''',
            name="look-alike, not CDK",
        ),
    ]

    # --- finding what the dashboard shows ---

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) == METRIC:
            self._nonexistent_metric(node)
            return
        if not self.is_call_to(node, DASHBOARD):
            return
        statement = self.current_statement
        dashboard = _bound_name(statement, node)
        if dashboard is None and not _is_bare(statement, node):
            return  # nested in another expression: nothing can refer to it
        block = self.enclosing(cst.IndentedBlock, cst.Module)
        body = list(block.body) if block is not None else []
        if statement not in body:
            return
        scope = self.enclosing(cst.FunctionDef) or self.context.module
        bindings = _bindings(scope)

        widget_args: list[cst.CSTNode] = []
        widgets = _keyword(node, "widgets")
        if widgets is not None:
            widget_args.append(widgets.value)
        anchor = statement
        for sibling in body[body.index(statement) + 1:] if dashboard is not None else ():
            calls = _add_widgets_calls(sibling, dashboard)
            if calls is None:
                return  # `add_widgets(*widgets)`: what the dashboard shows is unknown
            if calls:
                anchor = sibling
                widget_args.extend(arg.value for call in calls for arg in call.args)

        subjects, covered = self._subjects(widget_args, bindings)
        missing = [subject for key, subject in subjects.items() if key not in covered]
        if not missing:
            return
        binding = []
        if dashboard is None:
            reference = self.reference_to(node, "dashboard")
            if reference is None:
                return
            dashboard, binding = reference
        source, names = self._source(dashboard, missing)
        edits = [*binding, self.insert_after(anchor, source)]
        self.report(f"dashboard shows only success metrics for {names}", edits, anchor=anchor)

    def _nonexistent_metric(self, node: cst.Call) -> None:
        """`Metric(metric_name="PipelineExecutionSuccess")`: replaced by `FailedPipelineExecutions`."""
        metric_name = _keyword(node, "metric_name")
        if metric_name is None or string_value(metric_name.value) not in NONEXISTENT_PIPELINE_METRICS:
            return
        namespace = _keyword(node, "namespace")
        if namespace is not None and string_value(namespace.value) != PIPELINE_NAMESPACE:
            return  # a custom namespace: the user's own application may publish it
        wrong = string_value(metric_name.value)
        if any(arg.star for arg in node.args):
            self.report_without_fix(
                f"`{wrong}` is not a CodePipeline metric",
                "the call takes keywords from a `**` splat, which may set the namespace or dimensions",
                node,
            )
            return
        # The call keeps its layout and every other keyword (dimensions, period, label).
        changes = [("metric_name", self.expression("'FailedPipelineExecutions'"))]
        if namespace is None:
            changes.append(("namespace", self.expression(repr(PIPELINE_NAMESPACE))))
        if _keyword(node, "statistic") is None:
            changes.append(("statistic", self.expression(self.ref(SUM))))

        def replace(updated: cst.Call) -> cst.Call:
            for name, value in changes:
                updated = layout.set_keyword(updated, name, value)
            return updated

        self.report(
            f"`{wrong}` is not a metric CodePipeline publishes: graph `FailedPipelineExecutions` instead",
            [self.change(node, replace)],
        )

    def _subjects(self, nodes, bindings) -> tuple[dict[tuple[str, str], _Subject], set[tuple[str, str]]]:
        subjects: dict[tuple[str, str], _Subject] = {}
        covered: set[tuple[str, str]] = set()
        for node in nodes:
            for found in nodes_within(node, cst.Name, cst.Call):
                if isinstance(found, cst.Call):
                    self._classify(found, None, subjects, covered)
                else:
                    bound = bindings.get(found.value)
                    if bound is not None:
                        self._classify(bound, found.value, subjects, covered)
        return subjects, covered

    def _classify(self, call: cst.Call, name: str | None, subjects, covered) -> None:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in PROJECT_METHODS:
            project = code(func.value)
            key = ("project", _normal(project))
            if PROJECT_METHODS[func.attr.value]:
                subjects.setdefault(key, _Subject("project", key[1], name or code(call), call, project))
            else:
                covered.add(key)
            return
        if self.resolve(func) != METRIC:
            return
        namespace = _keyword(call, "namespace")
        metric_name = _keyword(call, "metric_name")
        if namespace is None or metric_name is None:
            return
        known = KNOWN_METRICS.get((string_value(namespace.value), string_value(metric_name.value)))
        if known is None:
            return
        kind, success = known
        dimensions = _keyword(call, "dimensions_map")
        key = (kind, _normal(code(dimensions.value)) if dimensions is not None else "")
        if success:
            subjects.setdefault(key, _Subject(kind, key[1], name or code(call), call))
        else:
            covered.add(key)

    # --- writing the new widgets ---

    def _source(self, dashboard: str, subjects: list[_Subject]) -> tuple[str, str]:
        cw = lambda name: self.ref(f"aws_cdk.aws_cloudwatch.{name}")  # noqa: E731
        graph, math_expression = cw("GraphWidget"), cw("MathExpression")
        lines: list[str] = []
        widgets: list[str] = []
        described: list[str] = []
        kinds = [subject.kind if subject.kind == "pipeline" else "build" for subject in subjects]
        for subject, kind in zip(subjects, kinds):
            noun = "Pipeline" if kind == "pipeline" else "Build"
            if subject.kind == "project":
                label = subject.project
            else:
                label = _label(subject.call, "PipelineName" if kind == "pipeline" else "ProjectName")
            shown = _shown(label)
            suffix = f" ({shown})" if kinds.count(kind) > 1 else ""
            if subject.kind == "project":
                described.append(f"build project `{subject.project}`")
                copied = _copied(subject.call, exclude=("dimensions_map",))
                failed = f"{subject.project}.metric_failed_builds({copied})"
                duration = f"{subject.project}.metric_duration({copied})"
            else:
                described.append(f"{'pipeline' if kind == 'pipeline' else 'CodeBuild project'} `{label}`")
                metric = self.ref(METRIC)
                namespace = code(_keyword(subject.call, "namespace").value)
                copied = _copied(subject.call)
                variable = self.unique_name("pipeline_failures" if kind == "pipeline" else "build_failures")
                failed_name = "FailedPipelineExecutions" if kind == "pipeline" else "FailedBuilds"
                lines.append(
                    f"{variable} = {metric}(namespace={namespace}, metric_name={failed_name!r}, {copied}"
                    f"{', ' if copied else ''}statistic={self.ref(SUM)})"
                )
                failed = variable
                duration_name = "Duration" if kind == "build" else self.settings.get("pipeline_duration_metric")
                duration = (
                    f"{metric}(namespace={namespace}, metric_name={duration_name!r}, {copied}"
                    f"{', ' if copied else ''}statistic={self.ref(AVERAGE)})"
                    if duration_name else None
                )
            widgets.append(f"{graph}(title={noun + ' Failures' + suffix!r}, left=[{failed}])")
            if duration is not None:
                widgets.append(f"{graph}(title={noun + ' Duration' + suffix!r}, left=[{duration}])")
            rate = (
                f"{math_expression}(expression={SUCCESS_RATE!r}, "
                f"using_metrics={{'s': {subject.success}, 'f': {failed}}}, label='Success rate')"
            )
            widgets.append(f"{graph}(title={noun + ' Success Rate (%)' + suffix!r}, left=[{rate}])")
        lines.append(f"{dashboard}.add_widgets({', '.join(widgets)})")
        return "\n".join(lines) + "\n", ", ".join(described)


def _bound_name(statement: cst.CSTNode, call: cst.Call) -> str | None:
    """`x` for `x = call`, `self.x` for `self.x = call`; None otherwise."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign) and small.value is call and len(small.targets) == 1:
            target = small.targets[0].target
        elif isinstance(small, cst.AnnAssign) and small.value is call:
            target = small.target
        else:
            return None
        if isinstance(target, (cst.Name, cst.Attribute)):
            return code(target)
    return None


def _is_bare(statement: cst.CSTNode, call: cst.Call) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and statement.body[0].value is call
    )


def _label(call: cst.Call, dimension: str) -> str:
    """How the report and titles name a metric's subject: its `dimension` value's code."""
    dimensions = _keyword(call, "dimensions_map")
    if dimensions is None:
        return "account-wide"
    if isinstance(dimensions.value, cst.Dict):
        for element in dimensions.value.elements:
            if isinstance(element, cst.DictElement) and string_value(element.key) == dimension:
                return code(element.value)
    return code(dimensions.value)


def _shown(label: str) -> str:
    """A label for a title: a string literal's text, any other code as written."""
    try:
        return string_value(cst.parse_expression(label)) or label
    except cst.ParserSyntaxError:
        return label


def _copied(call: cst.Call, exclude: tuple[str, ...] = ()) -> str:
    parts = []
    for name in COPIED_KEYWORDS:
        arg = _keyword(call, name)
        if arg is not None and name not in exclude:
            parts.append(f"{name}={code(arg.value)}")
    return ", ".join(parts)


def _bindings(scope: cst.CSTNode) -> dict[str, cst.Call]:
    """Simple names bound once to a call in `scope` (`ok = cloudwatch.Metric(...)`)."""
    found: dict[str, list[cst.Call]] = {}
    for node in nodes_within(scope, cst.Assign):
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                found.setdefault(target.target.value, []).append(node.value)
    return {name: values[0] for name, values in found.items() if len(values) == 1 and isinstance(values[0], cst.Call)}


def _add_widgets_calls(statement: cst.CSTNode, dashboard: str) -> list[cst.Call] | None:
    """The `<dashboard>.add_widgets(...)` calls in `statement`; None if one has a `*` splat."""
    calls: list[cst.Call] = []
    unknown = False
    for node in nodes_within(statement, cst.Call):
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "add_widgets" and code(func.value) == dashboard:
            if any(arg.star for arg in node.args):
                unknown = True
            calls.append(node)
    return None if unknown else calls
