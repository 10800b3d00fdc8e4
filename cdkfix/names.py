"""The CDK import map: which local names stand for which aws_cdk modules and classes.

LibCST's QualifiedNameProvider answers the same question through full scope analysis,
at about ten times the cost of the parse on real CDK code. CDK code names its constructs
through imports, so a map built from the module's import statements is enough:
``s3 -> aws_cdk.aws_s3``, ``Bucket -> aws_cdk.aws_s3.Bucket``, ``cdk -> aws_cdk``.
Resolving ``s3.Bucket`` is then a dictionary look-up plus attribute joining.

A name the file also binds to something else (a local ``s3 = boto3.resource("s3")``, a
parameter, a user's ``class Bucket``) is resolved with its scope: cdkfix.scopes, asked
only about such names, so a file that rebinds none of its CDK names pays nothing for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from cdkfix.scopes import Scopes, analyse as analyse_scopes

if TYPE_CHECKING:
    from cdkfix.node_index import NodeIndex

CDK_ROOT = "aws_cdk"
# Packages whose names resolve like aws_cdk's: cdk-nag's classes (`NagSuppressions`,
# `AwsSolutionsChecks`) are named through imports too, and the nag_v3 migration matches them.
RESOLVED_ROOTS = frozenset({CDK_ROOT, "cdk_nag"})

# The alias a new import gets when the module has no name for that CDK module yet,
# following the names the CDK documentation uses.
CONVENTIONAL_ALIASES = {
    "aws_cdk.aws_cloudwatch_actions": "cw_actions",
    "aws_cdk.aws_codepipeline_actions": "codepipeline_actions",
    "aws_cdk.aws_elasticloadbalancingv2": "elbv2",
    "aws_cdk.aws_events_targets": "targets",
    "aws_cdk.aws_lambda": "lambda_",
    "aws_cdk.aws_applicationautoscaling": "appscaling",
}


def dotted_name(node: cst.BaseExpression | cst.ImportAlias | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _module_name(node: cst.ImportFrom) -> str | None:
    if node.relative:
        return None
    return dotted_name(node.module) if node.module is not None else None


class ImportMap:
    """Local name -> qualified name, for the names the module imports from aws_cdk."""

    def __init__(self) -> None:
        self.bindings: dict[str, str] = {}
        # Every name the module imports, CDK or not: a new import must not shadow one.
        self.taken: set[str] = set()
        # How the module imports CDK submodules, so added imports follow its style:
        # `import aws_cdk.aws_s3 as s3` versus `from aws_cdk import aws_s3 as s3`.
        self.submodule_imports = 0
        self.submodule_from_imports = 0
        # id(node) -> (node, resolve(node)): every rule resolves every call's function, so
        # each is resolved once per file. Valid while `bindings` stays as it is, so once
        # names are resolved, bindings change only through `bind`, which clears it. Keyed by
        # id to avoid CSTNode's Python-level __hash__; the node is kept in the value so its
        # id cannot be reused while the entry exists.
        self._resolved: dict[int, tuple[cst.CSTNode, str | None]] = {}
        # The scopes that bind an imported CDK name to something else (cdkfix.scopes), once
        # `use_scopes` has looked; None: no such scope, every use is the import.
        self.scopes: Scopes | None = None

    @classmethod
    def from_module(cls, module: cst.Module) -> "ImportMap":
        imports = cls()
        imports._scan(module.body)
        return imports

    def _scan(self, body) -> None:
        for statement in body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Import):
                        self._add_import(small)
                    elif isinstance(small, cst.ImportFrom):
                        self._add_import_from(small)
            elif isinstance(statement, (cst.If, cst.Try)):
                # `if TYPE_CHECKING:` and `try: import ... except ImportError:` blocks.
                self._scan(statement.body.body)
                for handler in getattr(statement, "handlers", ()):
                    self._scan(handler.body.body)
                orelse = getattr(statement, "orelse", None)
                if isinstance(orelse, cst.Else):
                    self._scan(orelse.body.body)

    def _add_import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None:
                local = dotted_name(alias.asname.name)
                if local:
                    self.taken.add(local)
                    if full.split(".")[0] in RESOLVED_ROOTS:
                        self.bindings[local] = full
                        self.submodule_imports += full.count(".") == 1 and full.startswith(CDK_ROOT + ".")
            else:
                # `import aws_cdk.aws_s3` binds `aws_cdk`; attribute joining does the rest.
                root = full.split(".")[0]
                self.taken.add(root)
                if root in RESOLVED_ROOTS:
                    self.bindings[root] = root

    def _add_import_from(self, node: cst.ImportFrom) -> None:
        module = _module_name(node)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            local = dotted_name(alias.asname.name) if alias.asname else name
            if not name or not local:
                continue
            self.taken.add(local)
            if module is not None and module.split(".")[0] in RESOLVED_ROOTS:
                self.bindings[local] = f"{module}.{name}"
                self.submodule_from_imports += module == CDK_ROOT and name.startswith("aws_")

    @property
    def prefers_module_imports(self) -> bool:
        return self.submodule_imports > self.submodule_from_imports

    def snapshot(self) -> "ImportMap":
        """A copy that later imports (the ones fixes add) do not change."""
        copy = ImportMap()
        copy.bindings = dict(self.bindings)
        copy.taken = set(self.taken)
        copy.scopes = self.scopes
        return copy

    def use_scopes(self, index: "NodeIndex") -> None:
        """Resolve names with their scope from now on: a local `s3 = boto3.resource("s3")`,
        a parameter `s3` or a user's `class Bucket` is not the CDK import (cdkfix.scopes)."""
        self.scopes = analyse_scopes(index, self)
        self._resolved.clear()

    def refers_to_import(self, name: str, node: cst.CSTNode) -> bool:
        """Whether `name`, used where `node` is (a node of the file), means its CDK import.
        Unknown places (a node a rule built) count as not, for a name some scope rebinds."""
        scopes = self.scopes
        if scopes is None or name not in scopes.names:
            return True
        position = scopes.index.position(node)
        return position is not None and scopes.refers_to_import(name, position)

    @property
    def uses_cdk(self) -> bool:
        return bool(self.bindings)

    def bind(self, local: str, qualified: str) -> None:
        """Make `local` name `qualified` (an import a fix adds)."""
        self.bindings[local] = qualified
        self._resolved.clear()

    def resolve(self, node: cst.BaseExpression) -> str | None:
        """The qualified CDK name of ``node`` (``aws_cdk.aws_s3.Bucket``), or None."""
        known = self._resolved.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        resolved = self._resolve(node)
        self._resolved[id(node)] = (node, resolved)
        return resolved

    def _resolve(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Name):
            qualified = self.bindings.get(node.value)
            if qualified is not None and self.scopes is not None and not self.refers_to_import(node.value, node):
                return None  # bound to something else where it is used
            return qualified
        if isinstance(node, cst.Attribute):
            base = self._resolve(node.value)
            return None if base is None else f"{base}.{node.attr.value}"
        return None

    def local_name_for(self, qualified: str) -> str | None:
        """How this module already spells ``qualified``, or None when it has no import for it.

        Prefers the most specific binding: ``Bucket`` over ``s3.Bucket`` over ``cdk.aws_s3.Bucket``.
        """
        best: tuple[int, str] | None = None
        for local, target in self.bindings.items():
            if qualified == target:
                return local
            if qualified.startswith(target + "."):
                candidate = local + qualified[len(target):]
                rank = len(target)
                if best is None or rank > best[0]:
                    best = (rank, candidate)
        return best[1] if best else None
