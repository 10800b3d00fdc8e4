"""The rule model: metadata, examples, and the helpers a rule uses to describe its fixes.

A rule is one class in one module of `transforms/`: its metadata (printed by the report,
`cdkfix rules` and `cdkfix explain`), its examples (run by the test suite for every rule),
and `visit_<Node>`/`leave_<Node>` methods that match constructs by their resolved CDK
name and describe edits. All selected rules see the same traversal of a file.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Sequence, TypeVar

import libcst as cst

from cdkfix import layout
from cdkfix.edits import ChangeNode, Edit, InsertStatements, NeededImport
from cdkfix.formatting import DEFAULT_LINE_LENGTH, format_expression, format_statements
from cdkfix.names import CONVENTIONAL_ALIASES, CDK_ROOT, ImportMap
from cdkfix.node_index import NodeIndex
from cdkfix.traverse import visit_readonly

_Visitor = TypeVar("_Visitor", bound=cst.CSTVisitor)


class Category(str, enum.Enum):
    CRITICAL = "A"
    CONFIGURATION = "B"
    IMPROVEMENT = "I"

    @property
    def label(self) -> str:
        return {
            "A": "Category A (Critical Security & Architecture)",
            "B": "Category B (Configuration & Best Practices)",
            "I": "Additional Improvements",
        }[self.value]


# The group of the destroyability rules (CDK-B1, B3, B4): opt-in, for ephemeral environments.
DESTROYABLE = "destroyable"


class Safety(str, enum.Enum):
    SAFE = "safe"
    # Changes data lifetime, cost or access: applied only when the user asks for it.
    UNSAFE = "unsafe"


class Kind(str, enum.Enum):
    """What a fix is about, for the report's analysis section."""

    SECURITY = "security"
    HIGH_AVAILABILITY = "high availability"
    DESTROYABILITY = "destroyability"
    OBSERVABILITY = "observability"
    CONFIGURATION = "configuration"


@dataclass(frozen=True)
class Example:
    """`before` must become exactly `after`; with `after=None`, `before` must stay untouched
    (and, with `flagged=True`, be reported as a finding without an automatic fix).

    `also_select`: codes or groups selected in the run besides the rule (`("destroyable",)`
    for a fix whose DESTROY part is written only in a destroyable run); their rules run too.
    """

    before: str
    after: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    flagged: bool = False
    also_select: tuple[str, ...] = ()


@dataclass
class Fix:
    """One fix found in a file, described against the original tree."""

    rule: "Rule"
    message: str
    anchor: cst.BaseStatement
    edits: list[Edit]
    imports: list[NeededImport]
    node: cst.CSTNode  # what the finding is about (the construct call), for line:column
    no_fix_reason: str = ""  # set (with no edits) for a finding cdkfix cannot fix safely
    # The local names (roots, `s3` of `s3.Bucket`) its code spells CDK names with (`ref()`):
    # each must mean its import where the code goes (cdkfix.placement checks).
    names: tuple[str, ...] = ()
    # The node whose visit_/leave_ reported the fix (the construct call, for most rules): if
    # it runs only in some cases, statements the fix inserts must not run in every case.
    trigger: cst.CSTNode | None = None


class FileContext:
    """What every rule shares while one file is traversed."""

    def __init__(self, module: cst.Module, imports: ImportMap, path: str, line_length: int) -> None:
        self.module = module
        self.imports = imports
        self.path = path
        self.line_length = line_length
        # Where the traversal is: set by the RuleRunner while rules' handlers run.
        self.index: NodeIndex | None = None
        self.position = -1
        self.fixes: list[Fix] = []
        self.added_imports: dict[str, NeededImport] = {}
        # Rules that cooperate leave notes here, keyed by rule code (e.g. the deployment
        # group CDK-A3 inserts, which CDK-I3 gives automatic rollback). Rules run in code order.
        self.shared: dict[str, dict] = {}
        # Codes of the rules in this run, for the rare rule whose fix depends on another's.
        self.selected: frozenset[str] = frozenset()
        self._names_in_module: set[str] | None = None

    @property
    def ancestors(self) -> list[cst.CSTNode]:
        """[module, ..., parent, current node] for the node whose visit_/leave_ is running
        (empty outside the traversal). Built from the index on demand: a list kept up to
        date on every node entered cost more than all the questions asked of it."""
        if self.index is None or self.position < 0:
            return []
        return self.index.ancestry(self.position)

    @property
    def names_in_module(self) -> set[str]:
        """Every identifier the module uses: a new variable must not collide with any."""
        if self._names_in_module is None:
            names: set[str] = set()

            class _Names(cst.CSTVisitor):
                def visit_Name(self, node: cst.Name) -> None:
                    names.add(node.value)

            visit_readonly(self.module, _Names())
            self._names_in_module = names
        return self._names_in_module


class Rule:
    # --- metadata (every rule sets these) ---
    code: ClassVar[str]
    name: ClassVar[str]
    title: ClassVar[str]
    category: ClassVar[Category]
    kind: ClassVar[Kind]
    safety: ClassVar[Safety] = Safety.SAFE
    issue: ClassVar[str]  # why the flagged code is wrong
    fix: ClassVar[str]  # what the rule writes instead
    impact: ClassVar[str]
    options: ClassVar[dict[str, Any]] = {}
    examples: ClassVar[Sequence[Example]] = ()
    # Named groups the rule belongs to, selectable wherever a code is (`--extend-select
    # destroyable`, `select = ["AwsSolutions"]`); and whether the rule is in the default
    # selection. Opt-in rules (default False) are turned on by code, name or group only.
    groups: ClassVar[tuple[str, ...]] = ()
    # Resources the fix makes CloudFormation replace (create new, delete old), as the fix-effect
    # harness finds them on the rule's examples: "AWS::Logs::LogGroup (logical ID changes)",
    # "AWS::ECS::TaskDefinition (ContainerDefinitions is create-only)". Printed by `explain`;
    # tests/test_fix_effects.py checks it equals what the harness finds.
    replaces: ClassVar[tuple[str, ...]] = ()
    # False for a rule that only reports (with the reason): every fix would be invalid or would
    # destroy data (a value rule whose fix replaces a stateful resource, cdkfix/value_rule.py).
    fixes: ClassVar[bool] = True
    default: ClassVar[bool] = True
    # What visit_Call is about, so that the runner hands this rule only those calls instead
    # of every rule testing every call of the file: `calls`, qualified CDK names as the
    # file's imports resolve the callee; `call_names`, the callee's last name as written
    # (`x.add_container(...)` on a variable, an unresolved `FargateService(...)`). None
    # (the default): every call. A rule may narrow it per instance (from its options).
    calls: ClassVar[frozenset[str] | None] = None
    call_names: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, context: FileContext, options: dict[str, Any] | None = None) -> None:
        self.context = context
        self.settings = {**self.options, **(options or {})}
        self._pending_imports: list[NeededImport] = []
        self._pending_names: list[str] = []

    def module_facts(self, key: str, make: Callable[[], _Visitor]) -> _Visitor:
        """The visitor `make()` run once over the whole module (read-only), kept under `key` for the
        rest of this file: what a rule needs to know about statements other than the one it is at
        (which receivers call a method, which names are bound once, ...). A rule instance lives for
        one file, so the facts never outlive the module they describe."""
        facts = self.__dict__.setdefault("_module_facts", {})
        if key not in facts:
            visitor = make()
            visit_readonly(self.context.module, visitor)
            facts[key] = visitor
        return facts[key]

    # --- names ---
    @property
    def imports(self) -> ImportMap:
        return self.context.imports

    def resolve(self, node: cst.BaseExpression) -> str | None:
        return self.context.imports.resolve(node)

    def is_call_to(self, node: cst.CSTNode, *qualified: str) -> bool:
        """True when `node` calls one of `qualified` with no `**` splat (a splat means unknown)."""
        return (
            isinstance(node, cst.Call)
            and self.resolve(node.func) in qualified
            and not layout.has_double_star(node)
        )

    def ref(self, qualified: str) -> str:
        """How to spell `qualified` in this file, importing it the file's way when needed."""
        local = self.context.imports.local_name_for(qualified)
        if local is None:
            local = self._import(qualified)
        self._pending_names.append(local.split(".")[0])
        # Every fix that spells a name through an import cdkfix adds carries that import,
        # so it stays correct when another fix is dropped.
        added = self.context.added_imports.get(local.split(".")[0])
        if added is not None:
            self._pending_imports.append(added)
        return local

    def _import(self, qualified: str) -> str:
        imports = self.context.imports
        parts = qualified.split(".")
        if len(parts) > 2 and parts[1].startswith("aws_"):
            module = ".".join(parts[:2])  # aws_cdk.aws_ecr.Repository -> aws_cdk.aws_ecr
        else:
            module = CDK_ROOT  # aws_cdk.RemovalPolicy.DESTROY -> RemovalPolicy
            name = parts[1]
            imports.bind(name, f"{CDK_ROOT}.{name}")
            imports.taken.add(name)
            self.context.added_imports[name] = NeededImport(CDK_ROOT, name, None)
            return imports.local_name_for(qualified)
        submodule = module.split(".")[1]
        alias = CONVENTIONAL_ALIASES.get(module, submodule.removeprefix("aws_"))
        if alias in imports.taken or alias in self.context.names_in_module:
            alias = submodule
        imports.bind(alias, module)
        imports.taken.add(alias)
        if imports.prefers_module_imports:
            needed = NeededImport(module, None, alias)  # import aws_cdk.aws_ecr as ecr
        else:
            needed = NeededImport(CDK_ROOT, submodule, alias)  # from aws_cdk import aws_ecr as ecr
        self.context.added_imports[alias] = needed
        return imports.local_name_for(qualified)

    # --- where we are ---
    @property
    def current_statement(self) -> cst.BaseStatement:
        """The innermost statement around the node being visited."""
        for node in reversed(self.context.ancestors):
            if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return node
        raise LookupError("not inside a statement")

    def enclosing(self, *types: type) -> cst.CSTNode | None:
        for node in reversed(self.context.ancestors[:-1]):
            if isinstance(node, types):
                return node
        return None

    @property
    def indent_width(self) -> int:
        depth = sum(isinstance(node, cst.IndentedBlock) for node in self.context.ancestors)
        return depth * len(self.context.module.default_indent.expandtabs())

    # --- building edits ---
    def expression(self, source: str, extra_indent: int = 0) -> cst.BaseExpression:
        width = self.context.line_length - self.indent_width - extra_indent
        return format_expression(source, width)

    def statements(self, source: str) -> list[cst.BaseStatement]:
        return format_statements(source, self.context.line_length - self.indent_width)

    def set_keyword(
        self, call: cst.Call, name: str, value: str, statement: cst.BaseStatement | None = None
    ) -> ChangeNode:
        """An edit that sets `name=value` on `call`, keeping the call's layout."""
        expression = self.expression(value, extra_indent=len(self.context.module.default_indent) + len(name) + 2)
        return ChangeNode(
            call,
            lambda updated: layout.set_keyword(updated, name, expression),
            statement or self.current_statement,
        )

    def change(self, node: cst.CSTNode, change, statement: cst.BaseStatement | None = None) -> ChangeNode:
        return ChangeNode(node, change, statement or self.current_statement)

    def insert_after(self, anchor: cst.BaseStatement, source: str) -> InsertStatements:
        return InsertStatements(anchor, self.statements(source))

    def insert_before(self, anchor: cst.BaseStatement, source: str) -> InsertStatements:
        return InsertStatements(anchor, self.statements(source), before=True)

    def unique_name(self, preferred: str) -> str:
        taken = self.context.names_in_module | self.context.imports.taken
        name, counter = preferred, 2
        while name in taken:
            name, counter = f"{preferred}_{counter}", counter + 1
        self.context.names_in_module.add(name)
        return name

    def bound_target(self, call: cst.Call) -> cst.BaseAssignTargetExpression | None:
        """The target the current statement binds the construct `call` creates to: `x` in
        `x = Call(...)` or `x: T = Call(...)`, `self.x` in `self.x = Call(...)`; None when the
        statement is anything else (several targets, several statements on the line, `Call`
        nested in another expression)."""
        statement = self.current_statement
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        small = statement.body[0]
        if isinstance(small, cst.Assign) and small.value is call and len(small.targets) == 1:
            return small.targets[0].target
        if isinstance(small, cst.AnnAssign) and small.value is call:
            return small.target
        return None

    def reference_to(self, call: cst.Call, preferred: str) -> tuple[str, list[Edit]] | None:
        """How later code can refer to the construct `call` creates.

        `x = Call(...)` -> "x"; `self.x = Call(...)` -> "self.x"; a bare `Call(...)`
        statement gets bound to a new variable. A construct nested in another expression
        has no name to use: None.
        """
        target = self.bound_target(call)
        if target is not None:
            return (cst.Module([]).code_for_node(target), []) if isinstance(target, (cst.Name, cst.Attribute)) else None
        statement = self.current_statement
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return None
        small = statement.body[0]
        if isinstance(small, cst.Expr) and small.value is call:
            # One name per bare statement, whichever rules bind it in this run (CDK-B11 and
            # AwsSolutions-ELB2 may both need the same pattern service): each fix carries the
            # same binding edit, and applying it a second time changes nothing, so any of those
            # fixes applied alone still defines the name the others use.
            bindings = self.context.shared.setdefault("reference_to", {})
            name = bindings.get(id(statement))
            if name is None:
                name = bindings[id(statement)] = self.unique_name(preferred)

            def bind(updated: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
                expr = updated.body[0]
                if not isinstance(expr, cst.Expr):
                    return updated  # bound already, by another fix's copy of this edit
                return updated.with_changes(
                    body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=expr.value, semicolon=expr.semicolon)]
                )

            return name, [ChangeNode(statement, bind, statement)]
        return None

    def report(
        self,
        message: str,
        edits: Sequence[Edit],
        anchor: cst.BaseStatement | None = None,
        node: cst.CSTNode | None = None,
    ) -> None:
        """Record a fix. Must be called after the `ref()` calls whose imports it needs.

        `anchor` is the statement the report shows (default: the first edit's); `node` is
        what the finding points at (default: the first edit's target, else the anchor).
        """
        imports, self._pending_imports = self._pending_imports, []
        names, self._pending_names = self._pending_names, []
        if anchor is None:
            anchor = edits[0].statement if edits else self.current_statement
        if node is None:
            first = edits[0] if edits else None
            node = first.target if isinstance(first, ChangeNode) else anchor
        context = self.context
        trigger = context.index.nodes[context.position] if context.index is not None and context.position >= 0 else None
        context.fixes.append(
            Fix(self, message, anchor, list(edits), imports, node, names=tuple(dict.fromkeys(names)), trigger=trigger)
        )

    def report_without_fix(self, message: str, why: str, node: cst.CSTNode | None = None) -> None:
        """Record a finding that has no automatic fix: `why` says what cdkfix could not decide
        (shown to the user as the record's detail). The file is not changed for it."""
        # What `ref()` gathered for the abandoned fix belongs to no later one.
        self._pending_imports, self._pending_names = [], []
        anchor = self.current_statement
        self.context.fixes.append(Fix(self, message, anchor, [], [], node if node is not None else anchor, why))

    # --- what the run asks for ---
    @property
    def destroyable_selected(self) -> bool:
        """True when a rule of the `destroyable` group (CDK-B1, B3, B4) runs on this file.

        The destroyability profile is for ephemeral environments and is opt-in: a fix that
        creates a resource writes `removal_policy=RemovalPolicy.DESTROY` (and auto-emptying)
        only when the run asked for it (`--extend-select destroyable`, or one of its rules),
        so a production run never gets a DESTROY it did not ask for, and a destroyable run
        never gets a new resource that its own B1 would flag on the next run.
        """
        from cdkfix.registry import all_rules  # the registry imports this module

        return any(
            DESTROYABLE in rule.groups and rule.code in self.context.selected for rule in all_rules()
        )

    @classmethod
    def cache_inputs(cls, path: str) -> object:
        """What, besides the file's bytes, path and the configuration, decides this rule's
        result for the file at `path` (JSON-serialisable; None: nothing). Part of the check
        cache's key: a rule that reads the project around the file (AwsSolutions-L1 reads the
        aws-cdk-lib pin of requirements.txt) must say so, or a stale result is reused."""
        return None

    # --- metadata helpers ---
    @classmethod
    def number_prefix(cls) -> str:
        return cls.category.value
