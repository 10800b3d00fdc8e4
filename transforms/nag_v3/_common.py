"""What the cdk-nag v2 -> v3 rules share: cdk-nag's names and rule IDs, reading local names
back to the literal they were assigned, and the notes the rules leave for the import clean-up.

Facts from cdk-nag's own source (cdklabs/cdk-nag, v2.38.2 and v3.0.x) and its MIGRATION.md:
- v3 acknowledges a finding when its exact ID is in the acknowledged-rules metadata of the
  resource or of one of its ancestors (`NagPack.isAcknowledged`): no regex, no prefix match.
- A granular rule (one returning findings) reports `Rule[finding]`, e.g.
  `AwsSolutions-IAM5[Action::s3:*]`; acknowledging `AwsSolutions-IAM5` does not cover it.
- v2's `applies_to` compared each finding with the strings (exactly) and regexes listed;
  a v2 suppression without `applies_to` covered every finding of the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

NAG = "cdk_nag"
GROUP = "cdk-nag-v3"
SHARED_KEY = "nag_v3"

NAG_SUPPRESSIONS = f"{NAG}.NagSuppressions"
NAG_PACK_SUPPRESSION = f"{NAG}.NagPackSuppression"
REGEX_APPLIES_TO = f"{NAG}.RegexAppliesTo"
VALIDATIONS = "aws_cdk.Validations"
ACKNOWLEDGMENT = "aws_cdk.Acknowledgment"
ASPECTS_OF = "aws_cdk.Aspects.of"

# The packs cdk-nag 2 and 3 both ship (class name -> the prefix of its rule IDs).
PACKS = {
    "AwsSolutionsChecks": "AwsSolutions",
    "HIPAASecurityChecks": "HIPAA.Security",
    "NIST80053R4Checks": "NIST.800.53.R4",
    "NIST80053R5Checks": "NIST.800.53.R5",
    "PCIDSS321Checks": "PCI.DSS.321",
    "ServerlessChecks": "Serverless",
}
PACK_CLASSES = frozenset(f"{NAG}.{name}" for name in PACKS)

# The rules that report granular findings (`Rule[finding]`): the rule functions that return a
# list of findings (IAMNoManagedPolicies, IAMNoWildcardPermissions, DocumentDBClusterLogExports,
# OpenSearchSlowLogsToCloudWatch, AuroraMySQLLogging, RDSLoggingEnabled) under the IDs the packs
# give them (src/packs/*.ts, `ruleSuffixOverride`, or the function's name without one).
GRANULAR_RULES = frozenset(
    {
        "AwsSolutions-DOC5",
        "AwsSolutions-IAM4",
        "AwsSolutions-IAM5",
        "AwsSolutions-OS9",
        "AwsSolutions-RDS16",
        "HIPAA.Security-RDSLoggingEnabled",
        "NIST.800.53.R4-RDSLoggingEnabled",
        "NIST.800.53.R5-RDSLoggingEnabled",
        "PCI.DSS.321-RDSLoggingEnabled",
    }
)

_EMPTY = cst.Module([])


def code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def literal_string(node: cst.CSTNode | None) -> str | None:
    """The value of a plain string literal ("a", 'a' "b"); None for anything else (f-strings too)."""
    if isinstance(node, cst.SimpleString):
        if "b" in node.prefix.lower():
            return None
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.FormattedString) and all(isinstance(part, cst.FormattedStringText) for part in node.parts):
        # An f-string without placeholders (`f"Stack/Fn/Resource"`) is a constant.
        prefix = node.prefix.replace("f", "").replace("F", "")
        text = "".join(part.value for part in node.parts).replace("{{", "{").replace("}}", "}")
        return literal_string(cst.SimpleString(f"{prefix}{node.start[len(node.prefix):]}{text}{node.end}"))
    if isinstance(node, cst.ConcatenatedString):
        left, right = literal_string(node.left), literal_string(node.right)
        return None if left is None or right is None else left + right
    return None


def literal_bool(node: cst.CSTNode | None) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


class Unknown(Exception):
    """What cdkfix cannot read statically; the message is the reason shown to the user."""


# --- local names ---------------------------------------------------------------------------

_MUTATORS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "__setitem__", "__iadd__", "sort"})


@dataclass
class Binding:
    kind: str  # "assign", "for", "param", "other"
    value: cst.CSTNode | None  # assigned value or iterated expression
    statement: cst.CSTNode | None


@dataclass
class _Scan:
    name: str
    bindings: list[Binding] = field(default_factory=list)
    mutated: bool = False


class _BindingFinder(cst.CSTVisitor):
    """Bindings of one name in one scope (not inside nested functions, classes or lambdas)."""

    def __init__(self, scan: _Scan, root: cst.CSTNode) -> None:
        self.scan = scan
        self.root = root
        self.statement: cst.CSTNode | None = None

    def _nested(self, node: cst.CSTNode) -> bool:
        return node is not self.root

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if node is self.root:
            for param in [*node.params.params, *node.params.posonly_params, *node.params.kwonly_params]:
                if param.name.value == self.scan.name:
                    self.scan.bindings.append(Binding("param", None, node))
            for star in (node.params.star_arg, node.params.star_kwarg):
                if isinstance(star, cst.Param) and star.name.value == self.scan.name:
                    self.scan.bindings.append(Binding("param", None, node))
            return True
        if node.name.value == self.scan.name:
            self.scan.bindings.append(Binding("other", None, node))
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if node.name.value == self.scan.name:
            self.scan.bindings.append(Binding("other", None, node))
        return node is self.root

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.statement = node

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name) and target.target.value == self.scan.name:
                kind = "assign" if len(node.targets) == 1 else "other"
                self.scan.bindings.append(Binding(kind, node.value, self.statement))
            elif _names_in(target.target, self.scan.name):
                # unpacking, `name[0] = ...`, `name.x = ...`
                self.scan.bindings.append(Binding("other", None, self.statement))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == self.scan.name and node.value is not None:
            self.scan.bindings.append(Binding("assign", node.value, self.statement))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if _names_in(node.target, self.scan.name):
            self.scan.bindings.append(Binding("other", None, self.statement))

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == self.scan.name:
            self.scan.bindings.append(Binding("for", node.iter, node))
        elif _names_in(node.target, self.scan.name):
            self.scan.bindings.append(Binding("other", None, node))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == self.scan.name:
            self.scan.bindings.append(Binding("other", None, self.statement))

    def visit_AsName(self, node: cst.AsName) -> None:
        if isinstance(node.name, cst.Name) and node.name.value == self.scan.name:
            self.scan.bindings.append(Binding("other", None, self.statement))

    def visit_Global(self, node: cst.Global) -> None:
        if any(item.name.value == self.scan.name for item in node.names):
            self.scan.bindings.append(Binding("other", None, self.statement))

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        if any(item.name.value == self.scan.name for item in node.names):
            self.scan.bindings.append(Binding("other", None, self.statement))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        local = node.asname.name if node.asname else node.name
        if isinstance(local, cst.Name) and local.value == self.scan.name:
            self.scan.bindings.append(Binding("other", None, self.statement))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == self.scan.name
            and func.attr.value in _MUTATORS
        ):
            self.scan.mutated = True


def _names_in(node: cst.CSTNode, name: str) -> bool:
    found = []

    class _Find(cst.CSTVisitor):
        def visit_Name(self, inner: cst.Name) -> None:
            if inner.value == name:
                found.append(inner)

    node.visit(_Find())
    return bool(found)


def scopes_of(ancestors: list[cst.CSTNode]) -> list[cst.CSTNode]:
    """The scopes a name may come from, innermost first: the enclosing function (if any), then
    the module. Class bodies are skipped, as Python does for the methods inside them."""
    scopes: list[cst.CSTNode] = []
    for node in reversed(ancestors):
        if isinstance(node, cst.FunctionDef) and not scopes:
            scopes.append(node)
    if ancestors:
        scopes.append(ancestors[0])
    return scopes


def single_binding(name: str, scopes: list[cst.CSTNode]) -> Binding:
    """The one binding of `name` (Unknown when it has none, several, or may change at run time)."""
    for scope in scopes:
        scan = _Scan(name)
        scope.visit(_BindingFinder(scan, scope))
        if not scan.bindings and not scan.mutated:
            continue  # not bound here: look further out
        if scan.mutated:
            raise Unknown(f"`{name}` is changed at run time (append/extend...)")
        if len(scan.bindings) != 1:
            raise Unknown(f"`{name}` is bound {len(scan.bindings)} times")
        binding = scan.bindings[0]
        if binding.kind == "param":
            raise Unknown(f"`{name}` is a parameter: its value comes from the callers")
        if binding.kind == "other":
            raise Unknown(f"`{name}` is bound in a way cdkfix does not follow")
        return binding
    raise Unknown(f"`{name}` is not bound in this file")


def assigned_value(name: str, scopes: list[cst.CSTNode]) -> tuple[cst.CSTNode, cst.CSTNode | None]:
    binding = single_binding(name, scopes)
    if binding.kind != "assign" or binding.value is None:
        raise Unknown(f"`{name}` is a loop variable")
    return binding.value, binding.statement


# --- the notes rules leave for the import clean-up (imports.py) ----------------------------


def notes(context) -> dict:
    return context.shared.setdefault(
        SHARED_KEY,
        {
            "removed": set(),  # id() of Name nodes the migrated statements drop
            "kept": set(),  # names the new code still spells (copied expressions, new imports)
            "followed": {},  # id(statement) -> (statement, name, scopes): assignments read back
        },
    )


def name_nodes(node: cst.CSTNode) -> list[cst.Name]:
    """The Name nodes under `node` that refer to something (not attribute or keyword names)."""
    found: list[cst.Name] = []

    class _Refs(cst.CSTVisitor):
        def visit_Attribute(self, inner: cst.Attribute) -> bool:
            inner.value.visit(self)
            return False

        def visit_Arg(self, inner: cst.Arg) -> bool:
            inner.value.visit(self)
            return False

        def visit_Name(self, inner: cst.Name) -> None:
            found.append(inner)

    node.visit(_Refs())
    return found


def record_migration(context, replaced: cst.CSTNode, copied: list[cst.CSTNode], spelled: list[str],
                     followed: list[tuple[cst.CSTNode, str, list]]) -> None:
    """A fix replaces `replaced` by new code that copies the `copied` nodes and spells the
    `spelled` names: the names only `replaced` used are gone once it is applied."""
    shared = notes(context)
    kept_ids = {id(name) for node in copied for name in name_nodes(node)}
    shared["removed"].update(id(name) for name in name_nodes(replaced) if id(name) not in kept_ids)
    shared["kept"].update(name.value for node in copied for name in name_nodes(node))
    shared["kept"].update(spelled)
    for statement, name, scopes in followed:
        if statement is not None:
            shared["followed"][id(statement)] = (statement, name, scopes)
