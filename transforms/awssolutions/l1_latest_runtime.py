"""AwsSolutions-L1: a Lambda function on an older runtime of its language gets the newest one.

cdk-nag 3 (LambdaLatestVersion) takes the function's runtime string (`python3.8`), its family
(the leading letters, `python`), every runtime of the installed aws-cdk-lib's `Runtime.ALL`
whose string starts with that family, sorts them by version (numeric) and flags the function
unless its runtime is the last. The newest runtime therefore depends on the aws-cdk-lib
release, so it is read here from data, never from a table written by hand: the jsii
assembly that the aws-cdk-lib wheel of cdkfix's own environment carries
(`aws_cdk/_jsii/aws-cdk-lib@<version>.jsii.tgz`) describes every static property of
`aws_lambda.Runtime` with its runtime string ("The Python 3.14 runtime (python3.14).") and
its deprecation mark. It is read without starting Node.js, once per process, and only when
this rule meets a runtime. Without aws-cdk-lib installed the rule reports without a fix.

The user's project may pin an older aws-cdk-lib, in which the newest runtime cdkfix knows does
not exist (synthesis would fail with an AttributeError) and cdk-nag's own newest is older:
when the project's requirements (requirements*.txt, pyproject.toml, setup.py, setup.cfg of
the nearest folder up that has one) exclude the version the list comes from, the finding is
reported without a fix.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import importlib.util
import json
import re
import tarfile
from functools import lru_cache
from pathlib import Path

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.traverse import visit_readonly

from cdkfix.transforms.awssolutions._scaffold import callee

RUNTIME = "aws_cdk.aws_lambda.Runtime"
_FUNCTIONS = frozenset({
    "aws_cdk.aws_lambda.Function",
    "aws_cdk.aws_lambda.SingletonFunction",
    "aws_cdk.aws_lambda_nodejs.NodejsFunction",
    "aws_cdk.aws_lambda_python_alpha.PythonFunction",
})
# cdk-nag's expression: family, then version ("3.14", "24.x", "8").
_RUNTIME_STRING = re.compile(r"^([a-z]+)(\d+(\.?\d+|\.x)?)?.*$")
# The runtime string in a property's summary: "The Python 3.14 runtime (python3.14).",
# "The Python 3.6 runtime (python3.6) (not recommended)."
_SUMMARY = re.compile(r"\(([a-z][a-z0-9.\-]*)\)")
_REQUIREMENT = re.compile(r"""aws[-_.]cdk[-_.]lib\s*((?:[<>=!~]=?=?\s*[0-9][0-9A-Za-z.*+!-]*\s*,?\s*)+)""", re.IGNORECASE)
_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


class Runtimes:
    """The static runtimes of aws_lambda.Runtime in one aws-cdk-lib release."""

    def __init__(self, version: str, properties: dict[str, tuple[str, bool]]) -> None:
        self.version = version
        self.properties = properties  # PYTHON_3_8 -> ("python3.8", deprecated)

    def newest(self, runtime: str) -> str | None:
        """The runtime string cdk-nag counts as newest for `runtime`'s family."""
        match = _RUNTIME_STRING.match(runtime)
        if match is None or match.group(1) == "provided":
            return None
        family = match.group(1)
        # Sorted as cdk-nag does (a stable sort by numeric version; the last one wins).
        candidates = sorted(
            (value for value, _ in self.properties.values() if value.startswith(family)),
            key=lambda value: _version_key(_RUNTIME_STRING.match(value).group(2) or "0"),
        )
        return candidates[-1] if candidates else None

    def property_for(self, runtime: str) -> str | None:
        """The name to write for `runtime`: a property not deprecated, a versioned one
        (`NODEJS_24_X`, not `NODEJS_LATEST`, whose meaning moves between releases)."""
        names = sorted(
            name for name, (value, deprecated) in self.properties.items() if value == runtime and not deprecated
        )
        versioned = [name for name in names if not name.endswith("_LATEST")]
        return (versioned or names or [None])[0]


def _version_key(version: str) -> tuple:
    """JavaScript's localeCompare(numeric) on these strings: digit runs compare as numbers."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", version))


@lru_cache(maxsize=1)
def installed_runtimes() -> Runtimes | None:
    """The runtimes of the aws-cdk-lib in cdkfix's environment (None: not installed).

    Located with find_spec, which does not import aws_cdk (importing it starts Node.js)."""
    try:
        spec = importlib.util.find_spec("aws_cdk")
        version = importlib.metadata.version("aws-cdk-lib")
    except (ImportError, ValueError, importlib.metadata.PackageNotFoundError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        for archive in sorted(Path(location, "_jsii").glob("aws-cdk-lib@*.jsii.tgz")):
            try:
                return Runtimes(version, _read_runtimes(archive))
            except (OSError, KeyError, ValueError, tarfile.TarError):
                continue
    return None


def _read_runtimes(archive: Path) -> dict[str, tuple[str, bool]]:
    with tarfile.open(archive) as tar:
        head = json.loads(tar.extractfile("package/.jsii").read())
        if head.get("schema") == "jsii/file-redirect":
            data = tar.extractfile(f"package/{head['filename']}").read()
            assembly = json.loads(gzip.decompress(data) if head.get("compression") == "gzip" else data)
        else:
            assembly = head
    runtime_type = assembly["types"]["aws-cdk-lib.aws_lambda.Runtime"]
    properties = {}
    for prop in runtime_type.get("properties", []):
        if not prop.get("static") or prop.get("type", {}).get("fqn") != "aws-cdk-lib.aws_lambda.Runtime":
            continue
        docs = prop.get("docs", {})
        match = _SUMMARY.search(docs.get("summary", ""))
        if match:
            properties[prop["name"]] = (match.group(1), "deprecated" in docs or docs.get("stability") == "deprecated")
    if not properties:
        raise ValueError("no runtimes in the assembly")
    return properties


@lru_cache(maxsize=256)
def project_pins(folder: str) -> tuple[str, tuple[str, ...]]:
    """(file, aws-cdk-lib version specifiers) of the nearest folder up from `folder` that has a
    requirements*.txt or project file; ("", ()) when there is none."""
    path = Path(folder)
    for directory in [path, *path.parents]:
        try:
            files = sorted(directory.glob("requirements*.txt")) + [
                directory / name for name in _PROJECT_FILES if (directory / name).is_file()
            ]
        except OSError:
            return "", ()
        if files:
            found = []
            for file in files:
                try:
                    text = file.read_text(errors="replace")
                except OSError:
                    continue
                for line in text.splitlines():
                    if line.lstrip().startswith("#"):
                        continue
                    found += [match.group(1).strip().rstrip(",") for match in _REQUIREMENT.finditer(line)]
            return str(files[0]), tuple(found)
        if (directory / ".git").exists():
            break
    return "", ()


def _project_folder(path: str) -> str | None:
    """The folder of the file being fixed; None for source that is not a file on disk (a
    snippet, an example): then no project pins anything."""
    try:
        file = Path(path)
        return str(file.resolve().parent) if path and file.is_file() else None
    except OSError:
        return None


def pin_excludes(folder: str, version: str) -> str | None:
    """The project's aws-cdk-lib requirement when it excludes `version`, else None."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    _, pins = project_pins(folder)
    for pin in pins:
        try:
            if not SpecifierSet(pin.replace(" ", "")).contains(version, prereleases=True):
                return pin
        except InvalidSpecifier:
            continue
    return None


class _Bindings(cst.CSTVisitor):
    """Every `name = value` / `name: T = value` of the module, with its statement."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[tuple[cst.BaseExpression | None, cst.SimpleStatementLine | None]]] = {}
        self._line: cst.SimpleStatementLine | None = None

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._line = node

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = dotted_name(target.target)
            if name is not None:
                value = node.value if len(node.targets) == 1 else None
                self.values.setdefault(name, []).append((value, self._line))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        name = dotted_name(node.target)
        if name is not None:
            self.values.setdefault(name, []).append((node.value, self._line))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        name = dotted_name(node.target)
        if name is not None:
            self.values.setdefault(name, []).append((None, self._line))


class L1LatestRuntime(Rule):
    code = "AwsSolutions-L1"
    name = "awssolutions-lambda-latest-runtime"
    title = "Lambda function not on the latest runtime of its language"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    calls = _FUNCTIONS
    issue = (
        "cdk-nag AwsSolutions-L1: The non-container Lambda function is not configured to use the latest runtime "
        "version. Older runtimes stop receiving security patches and are then deprecated by AWS Lambda."
    )
    fix = (
        "Rewrites `runtime=lambda_.Runtime.<OLD>` of a Lambda function (Function, SingletonFunction, NodejsFunction, "
        "PythonFunction), however the name is imported, to the newest runtime of the same family as cdk-nag counts "
        "it (PYTHON_3_8 -> PYTHON_3_14, NODEJS_18_X -> NODEJS_24_X with aws-cdk-lib 2.275); a runtime held in a "
        "variable or module constant assigned once in the file is rewritten where it is assigned. The runtime list "
        "is read from the jsii assembly of the aws-cdk-lib installed with cdkfix (never a hand-written table), "
        "so it follows that release. Reported without a fix: a runtime from a run-time value (a parameter, "
        "`props.runtime`) or built with `Runtime(\"python3.8\", ...)`; a family whose newest runtime is deprecated "
        "(dotnetcore: a change of family is a human choice); no aws-cdk-lib installed with cdkfix; and a project whose "
        "requirements (requirements*.txt, pyproject.toml, setup.py, setup.cfg of the nearest folder up) exclude the "
        "aws-cdk-lib release the list comes from: in an older release the newest runtime may not exist (synthesis "
        "fails) and cdk-nag's newest is older. A `**` splat is reported without a fix."
    )
    impact = (
        "UNSAFE: the function's code runs on a new language version (removed modules, changed defaults, native "
        "dependencies built for the old one): test it before deploying."
    )
    examples = [
        Example(
            name="module alias, Python",
            before="""\
from aws_cdk import aws_lambda as lambda_

lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_8,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
)
""",
            after="""\
from aws_cdk import aws_lambda as lambda_

lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_14,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
)
""",
        ),
        Example(
            name="import aws_cdk as cdk, Node.js",
            before="""\
import aws_cdk as cdk

self.fn = cdk.aws_lambda.Function(
    self,
    "Handler",
    runtime=cdk.aws_lambda.Runtime.NODEJS_18_X,
    handler="index.handler",
    code=cdk.aws_lambda.Code.from_inline("exports.handler = async () => {};"),
)
""",
            after="""\
import aws_cdk as cdk

self.fn = cdk.aws_lambda.Function(
    self,
    "Handler",
    runtime=cdk.aws_lambda.Runtime.NODEJS_24_X,
    handler="index.handler",
    code=cdk.aws_lambda.Code.from_inline("exports.handler = async () => {};"),
)
""",
        ),
        Example(
            name="names imported by name, a module constant used by two functions",
            before="""\
from aws_cdk.aws_lambda import Code, Function, Runtime

RUNTIME = Runtime.PYTHON_3_11

for name in ("A", "B"):
    Function(self, name, runtime=RUNTIME, handler="index.handler", code=Code.from_inline("def handler(e, c): pass"))
""",
            after="""\
from aws_cdk.aws_lambda import Code, Function, Runtime

RUNTIME = Runtime.PYTHON_3_14

for name in ("A", "B"):
    Function(self, name, runtime=RUNTIME, handler="index.handler", code=Code.from_inline("def handler(e, c): pass"))
""",
        ),
        Example(
            name="left alone: the newest runtime",
            before="""\
from aws_cdk import aws_lambda as lambda_

lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_14,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
)
""",
        ),
    ]

    @classmethod
    def cache_inputs(cls, path: str) -> object:
        """The aws-cdk-lib release the runtimes come from and the project's pin of it."""
        try:
            version = importlib.metadata.version("aws-cdk-lib")
        except importlib.metadata.PackageNotFoundError:
            version = None
        folder = _project_folder(path)
        return [version, *project_pins(folder)] if folder else [version]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) not in _FUNCTIONS:
            return
        what = callee(node)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may not use the latest runtime (L1)", "a `**` splat may set `runtime`", node)
            return
        arg = layout.keyword_arg(node, "runtime")
        if arg is None:
            return  # NodejsFunction's default, PythonFunction's default: CDK chooses (DockerImageFunction has none)
        found = self._runtime_attribute(arg.value)
        message = f"{what} not on the latest runtime ({self.title})"
        if isinstance(found, str):
            self.report_without_fix(message, found, node)
            return
        attribute, statement = found
        runtimes = installed_runtimes()
        if runtimes is None:
            self.report_without_fix(message, "no aws-cdk-lib is installed with cdkfix to read the runtimes from", node)
            return
        current = runtimes.properties.get(attribute.attr.value)
        if current is None:
            return  # not a runtime this aws-cdk-lib knows (a newer release's): nothing to compare
        newest = runtimes.newest(current[0])
        if newest is None or newest == current[0]:
            return
        replacement = runtimes.property_for(newest)
        if replacement is None:
            self.report_without_fix(
                message, f"the newest {current[0]} family runtime ({newest}) is deprecated: moving to another family is a human choice", node
            )
            return
        folder = _project_folder(self.context.path)
        pin = pin_excludes(folder, runtimes.version) if folder else None
        if pin is not None:
            self.report_without_fix(
                message,
                f"the project requires aws-cdk-lib{pin}, which excludes {runtimes.version}, the release cdkfix reads "
                f"runtimes from: Runtime.{replacement} may not exist there",
                node,
            )
            return
        change = self.change(attribute, lambda updated: updated.with_changes(attr=cst.Name(replacement)), statement)
        # The finding is the function's: its statement is the anchor even when the edit is at
        # the constant's assignment (the report shows, and the fast path looks for, the node there).
        self.report(f"{what} on {current[0]}, not {newest} ({self.title})", [change], anchor=self.current_statement, node=node)

    def _runtime_attribute(self, value: cst.BaseExpression):
        """(the `Runtime.X` attribute node, its statement) the runtime comes from, or why not."""
        if self._is_runtime(value):
            return value, self.current_statement
        if self.is_call_to(value, RUNTIME):
            return "a runtime built with `Runtime(...)`: cdkfix does not rewrite its name string"
        name = dotted_name(value)
        if name is None:
            return "the runtime is a run-time value cdkfix cannot read"
        cache = self.__dict__.get("_bindings")
        if cache is None:
            visitor = _Bindings()
            visit_readonly(self.context.module, visitor)
            cache = self.__dict__["_bindings"] = visitor.values
        bound = cache.get(name, [])
        if len(bound) == 1 and bound[0][0] is not None and self._is_runtime(bound[0][0]) and bound[0][1] is not None:
            return bound[0]
        return f"the runtime comes from `{code(value)}`, a value cdkfix cannot follow to one `Runtime.X`"

    def _is_runtime(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Attribute) and self.resolve(node.value) == RUNTIME
