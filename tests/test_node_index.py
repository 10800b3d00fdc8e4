"""The flat node index against the walk it replaces: same nodes, same order, same calls.

Every traversal the rules do (the RuleRunner's dispatch, `visit_readonly`, CDK-B14's scan
for failure alarms) now reads the index instead of walking the tree; each is compared here
with what the walk gives, on the example apps and on every rule example.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from cdkfix.config import RunConfig
from cdkfix.constructs import code
from cdkfix.engine import RuleRunner, find_fixes
from cdkfix.names import ImportMap
from cdkfix.node_index import NodeIndex
from cdkfix.registry import all_rules
from cdkfix.rule import Category, FileContext, Kind, Rule
from cdkfix.transforms.pipeline_failure_alarm import ALARM, FAILED_METRIC, _has_failure_alarm
from cdkfix.traverse import current_index, indexed, nodes_within, visit_readonly, walk

ROOT = Path(__file__).resolve().parents[1]


def _sources() -> list[tuple[str, str]]:
    found = [(str(path.relative_to(ROOT)), path.read_text()) for path in sorted((ROOT / "examples").rglob("*.py"))]
    for rule in all_rules():
        for number, example in enumerate(rule.examples):
            found.append((f"{rule.code}-{number}", example.before))
            if example.after is not None:
                found.append((f"{rule.code}-{number}-after", example.after))
    return found


SOURCES = _sources()
IDS = [name for name, _ in SOURCES]
# A few of them for the slower checks (every node as a start).
SOME = [SOURCES[i] for i in range(0, len(SOURCES), max(1, len(SOURCES) // 12))]


def _walked(node: cst.CSTNode) -> tuple[list, list[int], list[int]]:
    """Nodes, parent positions and subtree ends, as `walk` enters and leaves them."""
    nodes: list = []
    parents: list[int] = []
    ends: list[int] = []
    stack: list[int] = []

    def enter(current: cst.CSTNode) -> None:
        stack.append(len(nodes))
        parents.append(stack[-2] if len(stack) > 1 else -1)
        nodes.append(current)
        ends.append(-1)

    def leave(current: cst.CSTNode) -> None:
        ends[stack.pop()] = len(nodes)

    walk(node, enter, leave)
    return nodes, parents, ends


@pytest.mark.parametrize("name, source", SOURCES, ids=IDS)
def test_index_has_the_walks_nodes_order_parents_and_ends(name, source):
    module = cst.parse_module(source)
    index = NodeIndex(module)
    nodes, parents, ends = _walked(module)
    assert len(index.nodes) == len(nodes)
    assert all(a is b for a, b in zip(index.nodes, nodes))
    assert index.parents == parents
    assert index.ends == ends
    for position, node in enumerate(nodes):
        assert index.position(node) == position
    for name_, positions in index.by_name.items():
        assert positions == [at for at, node in enumerate(nodes) if type(node).__name__ == name_]


def test_nodes_not_in_the_tree_have_no_position():
    module = cst.parse_module("x = f(1)\n")
    index = NodeIndex(module)
    assert index.position(cst.Name("x")) is None
    assert index.position(cst.parse_module("x = f(1)\n").body[0]) is None
    assert index.position(module) == 0


def test_ancestry_is_root_to_node():
    module = cst.parse_module("class A:\n    def f(self):\n        g(1)\n")
    index = NodeIndex(module)
    call = index.nodes[index.by_name["Call"][0]]
    chain = index.ancestry(index.position(call))
    assert chain[0] is module and chain[-1] is call
    assert [type(node).__name__ for node in chain] == [
        "Module", "ClassDef", "IndentedBlock", "FunctionDef", "IndentedBlock", "SimpleStatementLine", "Expr", "Call",
    ]


# --- visit_readonly: the index's dispatch against the walk's ----------------------------


def _recording_visitor(log: list):
    """A visitor with visit_ and leave_ handlers on several types, some of them pruning."""

    class Recorder(cst.CSTVisitor):
        def visit_FunctionDef(self, node):
            log.append(("visit", node))
            return node.name.value != "__init__"  # prunes __init__ bodies

        def leave_FunctionDef(self, node):
            log.append(("leave", node))

        def visit_Call(self, node):
            log.append(("visit", node))
            return False if any(arg.keyword is not None for arg in node.args) else None

        def leave_Call(self, node):
            log.append(("leave", node))

        def visit_Name(self, node):
            log.append(("visit", node))

        def visit_Lambda(self, node):
            log.append(("visit", node))
            return False

        def leave_ClassDef(self, node):
            log.append(("leave", node))

        def leave_SimpleStatementLine(self, node):
            log.append(("leave", node))

    return Recorder()


def _visit_only_visitor(log: list):
    class Finder(cst.CSTVisitor):
        def visit_Call(self, node):
            log.append(("visit", node))
            return False if len(node.args) > 2 else None

        def visit_Attribute(self, node):
            log.append(("visit", node))

    return Finder()


def _events(start: cst.CSTNode, make_visitor, index: NodeIndex | None) -> list:
    log: list = []
    with indexed(index):
        visit_readonly(start, make_visitor(log))
    return log


@pytest.mark.parametrize("make_visitor", [_recording_visitor, _visit_only_visitor])
@pytest.mark.parametrize("name, source", SOME, ids=[name for name, _ in SOME])
def test_visit_readonly_from_the_index_calls_what_the_walk_calls(name, source, make_visitor):
    module = cst.parse_module(source)
    index = NodeIndex(module)
    starts = [module] + [node for node in index.nodes if isinstance(node, (cst.BaseStatement, cst.Call, cst.IndentedBlock))]
    for start in starts:
        expected = _events(start, make_visitor, None)  # no index: the walk
        got = _events(start, make_visitor, index)
        assert [(kind, id(node)) for kind, node in got] == [(kind, id(node)) for kind, node in expected]


def test_visit_readonly_prunes_but_still_leaves():
    module = cst.parse_module("def __init__(self):\n    f(a)\n\ndef other():\n    g(b, key=c(d))\n")
    index = NodeIndex(module)
    log: list = []
    with indexed(index):
        visit_readonly(module, _recording_visitor(log))
    described = [(kind, code(node) if not isinstance(node, cst.FunctionDef) else node.name.value) for kind, node in log]
    # __init__ is pruned (no f, a); the call with a keyword is pruned (no c, d) but left.
    assert described[:2] == [("visit", "__init__"), ("leave", "__init__")]
    assert ("visit", "g(b, key=c(d))") in described and ("leave", "g(b, key=c(d))") in described
    assert all(text not in {"f", "a", "c", "d", "c(d)"} for _, text in described)
    assert described[-1] == ("leave", "other")


def test_visit_readonly_walks_nodes_the_index_does_not_have():
    module = cst.parse_module("f(x)\n")
    index = NodeIndex(module)
    built = cst.parse_expression("g(y)")  # e.g. a node a rule built
    log: list = []
    with indexed(index):
        visit_readonly(built, _visit_only_visitor(log))
    assert [code(node) for _, node in log] == ["g(y)"]


@pytest.mark.parametrize("types", [(cst.Call,), (cst.Name, cst.Attribute), (cst.Assign, cst.Call, cst.SimpleString)])
@pytest.mark.parametrize("name, source", SOME, ids=[name for name, _ in SOME])
def test_nodes_within_are_what_a_visitor_sees(name, source, types):
    module = cst.parse_module(source)
    index = NodeIndex(module)
    names = {kind.__name__ for kind in types}
    for start in [module] + [node for node in index.nodes if isinstance(node, (cst.BaseStatement, cst.Call))]:
        seen: list = []
        walk(start, lambda node: seen.append(node) if type(node).__name__ in names else None, lambda node: None)
        with indexed(index):
            from_index = nodes_within(start, *types)
        without_index = nodes_within(start, *types)
        assert [id(node) for node in from_index] == [id(node) for node in seen]
        assert [id(node) for node in without_index] == [id(node) for node in seen]


def test_indexed_restores_the_previous_index():
    first, second = NodeIndex(cst.parse_module("a\n")), NodeIndex(cst.parse_module("b\n"))
    assert current_index() is None
    with indexed(first):
        with indexed(second):
            assert current_index() is second
        assert current_index() is first
    assert current_index() is None


# --- the RuleRunner: visit/leave order and ancestors --------------------------------------


class _Trace(Rule):
    """Records each visit_/leave_ with the ancestors the rule sees at that moment."""

    code = "TEST-T1"
    name = "trace"
    title = "Trace"
    category = Category.IMPROVEMENT
    kind = Kind.CONFIGURATION
    issue = fix = impact = "-"
    log: list

    def _note(self, kind, node):
        ancestors = self.context.ancestors
        assert ancestors[-1] is node
        self.log.append((kind, id(node), [id(a) for a in ancestors]))

    def visit_Module(self, node):
        self._note("visit", node)

    def visit_Call(self, node):
        self._note("visit", node)

    def leave_Call(self, node):
        self._note("leave", node)

    def visit_FunctionDef(self, node):
        self._note("visit", node)
        return False  # ignored by the runner: every rule sees every node

    def leave_FunctionDef(self, node):
        self._note("leave", node)

    def leave_IndentedBlock(self, node):
        self._note("leave", node)

    def leave_Module(self, node):
        self._note("leave", node)


def _walk_trace(module: cst.Module) -> list:
    """What the walk-based runner gave: handlers in walk order, ancestors kept as a list."""
    log: list = []
    ancestors: list = []
    visits = {"Module", "Call", "FunctionDef"}
    leaves = {"Call", "FunctionDef", "IndentedBlock", "Module"}

    def enter(node):
        ancestors.append(node)
        if type(node).__name__ in visits:
            log.append(("visit", id(node), [id(a) for a in ancestors]))

    def leave(node):
        if type(node).__name__ in leaves:
            log.append(("leave", id(node), [id(a) for a in ancestors]))
        ancestors.pop()

    walk(module, enter, leave)
    return log


@pytest.mark.parametrize("name, source", SOURCES, ids=IDS)
def test_runner_calls_handlers_in_walk_order_with_the_walks_ancestors(name, source):
    module = cst.parse_module(source)
    context = FileContext(module, ImportMap.from_module(module), "x.py", 88)
    rule = _Trace(context)
    rule.log = []
    RuleRunner([rule], context).run(module)
    assert rule.log == _walk_trace(module)
    assert context.ancestors == []  # outside the traversal


def test_rules_see_a_module_index_during_find_fixes_only():
    seen = []

    class Probe(Rule):
        code = "TEST-T2"

        def visit_Module(self, node):
            seen.append((current_index(), self.context.index))

    module = cst.parse_module("from aws_cdk import aws_s3 as s3\ns3.Bucket(self, 'B')\n")
    config = RunConfig(rules=(Probe,))
    find_fixes(module, ImportMap.from_module(module), "x.py", config)
    (during, in_context), = seen
    assert during is in_context and during.root is module
    assert current_index() is None


# --- CDK-B14's scan for an existing failure alarm ------------------------------------------


def _walked_failure_alarm(module: cst.Module, imports) -> bool:
    """The walk-based scan the index-based one replaced, kept as the reference."""
    failure_names: set[str] = set()
    alarms: list[list] = []
    values: dict[int, cst.Assign] = {}
    open_values: list[list] = []
    open_alarms: list[tuple[cst.Call, list]] = []

    def enter(node: cst.CSTNode) -> None:
        kind = type(node)
        if kind is cst.Assign:
            values[id(node.value)] = node
        assignment = values.get(id(node))
        if assignment is not None and assignment.value is node:
            open_values.append([assignment, False])
        if kind is cst.Call:
            func = node.func
            if imports.resolve(func) == ALARM or (isinstance(func, cst.Attribute) and func.attr.value == "create_alarm"):
                entry = [False, set()]
                alarms.append(entry)
                open_alarms.append((node, entry))
        elif kind is cst.SimpleString and (open_values or open_alarms):
            if node.evaluated_value == FAILED_METRIC:
                for entry in open_values:
                    entry[1] = True
                for _, entry in open_alarms:
                    entry[0] = True
        elif open_alarms and (kind is cst.Name or kind is cst.Attribute):
            name = node.value if kind is cst.Name else code(node)
            for _, entry in open_alarms:
                entry[1].add(name)

    def leave(node: cst.CSTNode) -> None:
        if open_alarms and open_alarms[-1][0] is node:
            open_alarms.pop()
        if open_values and open_values[-1][0].value is node:
            assignment, mentions = open_values.pop()
            if mentions:
                for target in assignment.targets:
                    failure_names.add(code(target.target))

    walk(module, enter, leave)
    return any(mentions or names & failure_names for mentions, names in alarms)


ALARM_CASES = [
    "from aws_cdk import aws_cloudwatch as cw\ncw.Alarm(self, 'A', metric=m)\n",
    "from aws_cdk import aws_cloudwatch as cw\ncw.Alarm(self, 'A', metric=cw.Metric(metric_name='FailedPipelineExecutions'))\n",
    "from aws_cdk import aws_cloudwatch as cw\nname = 'FailedPipelineExecutions'\ncw.Alarm(self, 'A', metric=cw.Metric(metric_name=name))\n",
    "from aws_cdk import aws_cloudwatch as cw\nm = cw.Metric(metric_name='Failed' 'PipelineExecutions')\nm.create_alarm(self, 'A')\n",
    "from aws_cdk import aws_cloudwatch as cw\nm = cw.Metric(metric_name='Failed\\x50ipelineExecutions')\nm.create_alarm(self, 'A')\n",
    "from aws_cdk import aws_cloudwatch as cw\nm = cw.Metric(metric_name='Failed\\x50ipelineExecutions')\nx = m\nx.create_alarm(self, 'A')\n",
    "from aws_cdk import aws_cloudwatch as cw\nself.m = cw.Metric(metric_name=\"FailedPipelineExecutions\")\ncw.Alarm(self, 'A', metric=self.m)\n",
    "from aws_cdk import aws_cloudwatch as cw\na = b = cw.Alarm(self, 'A', metric=cw.Metric(metric_name=b'FailedPipelineExecutions'))\n",
    "from aws_cdk import aws_cloudwatch as cw\ncw.Alarm(self, 'A', metric=m)\nm = cw.Metric(metric_name='FailedPipelineExecutions')\n",
    "x = 'FailedPipelineExecutions'\ny.create_alarm(self, 'A', metric=x)\n",
    "x = ['FailedPipelineExecutions']\ny.create_alarm(self, 'A', metric=z)\n",
]


@pytest.mark.parametrize(
    "source", ALARM_CASES + [source for _, source in SOURCES], ids=[f"case{i}" for i in range(len(ALARM_CASES))] + IDS
)
def test_failure_alarm_scan_agrees_with_the_walk(source):
    module = cst.parse_module(source)
    imports = ImportMap.from_module(module)
    assert _has_failure_alarm(NodeIndex(module), imports) == _walked_failure_alarm(module, imports)


def test_failure_alarm_cases_cover_both_answers():
    answers = {_walked_failure_alarm(m, ImportMap.from_module(m)) for m in map(cst.parse_module, ALARM_CASES)}
    assert answers == {True, False}
