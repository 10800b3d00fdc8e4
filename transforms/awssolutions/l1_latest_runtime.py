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

The user's project may pin an older aws-cdk-lib, in which the newest runtime cdkfix knows has no
static property (`Runtime.PYTHON_3_14` would fail with an AttributeError). When the project's
requirements (requirements*.txt, pyproject.toml, setup.py, setup.cfg of the nearest folder up
that has one) exclude the version the list comes from, the runtime is written the way every
aws-cdk-lib v2 release can build it: `Runtime("python3.14", RuntimeFamily.PYTHON)` (the
constructor `Runtime(name, family=None, *, supports_inline_code=False, ...)` and the enum are
in 2.0.0). The RuntimeFamily member comes from the same assembly: its members are listed
there, and each runtime's property is named after its family (PYTHON_3_14 -> PYTHON); a
runtime whose property starts with no member (DOTNET_8) is reported without a fix. A Runtime
built by hand supports no inline code unless it says so, so `supports_inline_code=True` is
written when the function's code is inline or cannot be seen. cdk-nag compares with the
newest runtime of the aws-cdk-lib it runs with: with 2.275 the finding is gone; with the
pinned release itself, its own newest (older) runtime is what cdk-nag expects.

`aws_lambda.CfnFunction(runtime="python3.9")` gets the newest runtime string of its family
(a string literal, or a name assigned once to one); a string works in every release.

CDK refuses a function whose layers list `compatible_runtimes` without its runtime: such a
list (a literal of a LayerVersion bound once in the file) gets the new runtime appended, the
old entries kept for the layer's other functions.
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
from cdkfix.constructs import code, literal_value
from cdkfix.edits import ChangeNode, NeededImport
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms._bindings import binding_of
from cdkfix.transforms.awssolutions._scaffold import callee

RUNTIME = "aws_cdk.aws_lambda.Runtime"
RUNTIME_FAMILY = "aws_cdk.aws_lambda.RuntimeFamily"
CFN_FUNCTION = "aws_cdk.aws_lambda.CfnFunction"
_FUNCTIONS = frozenset({
    "aws_cdk.aws_lambda.Function",
    "aws_cdk.aws_lambda.SingletonFunction",
    "aws_cdk.aws_lambda_nodejs.NodejsFunction",
    "aws_cdk.aws_lambda_python_alpha.PythonFunction",
})
# The functions whose `code=` may be inline code (the others bundle an asset).
_TAKES_CODE = frozenset({"aws_cdk.aws_lambda.Function", "aws_cdk.aws_lambda.SingletonFunction"})
_INLINE_CODE = frozenset({
    "aws_cdk.aws_lambda.Code.from_inline",
    "aws_cdk.aws_lambda.InlineCode",
    "aws_cdk.aws_lambda.InlineCode.from_inline",
    "aws_cdk.aws_lambda.AssetCode.from_inline",
    "aws_cdk.aws_lambda.S3Code.from_inline",
})
# Layers whose `compatible_runtimes` the call shows (a keyword, or none: then CDK checks nothing).
_LAYER = "aws_cdk.aws_lambda.LayerVersion"
_IMPORTED_LAYER = "aws_cdk.aws_lambda.LayerVersion.from_layer_version_arn"
# cdk-nag's expression: family, then version ("3.14", "24.x", "8").
_RUNTIME_STRING = re.compile(r"^([a-z]+)(\d+(\.?\d+|\.x)?)?.*$")
# The runtime string in a property's summary: "The Python 3.14 runtime (python3.14).",
# "The Python 3.6 runtime (python3.6) (not recommended)."
_SUMMARY = re.compile(r"\(([a-z][a-z0-9.\-]*)\)")
_REQUIREMENT = re.compile(r"""aws[-_.]cdk[-_.]lib\s*((?:[<>=!~]=?=?\s*[0-9][0-9A-Za-z.*+!-]*\s*,?\s*)+)""", re.IGNORECASE)
_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


class Runtimes:
    """The static runtimes of aws_lambda.Runtime in one aws-cdk-lib release."""

    def __init__(self, version: str, properties: dict[str, tuple[str, bool]], families: tuple[str, ...] = ()) -> None:
        self.version = version
        self.properties = properties  # PYTHON_3_8 -> ("python3.8", deprecated)
        self.families = families  # the members of aws_lambda.RuntimeFamily: NODEJS, JAVA, PYTHON, ...

    def family_for(self, runtime: str) -> str | None:
        """The RuntimeFamily member of `runtime` (a runtime string), or None when the assembly
        does not say. The assembly gives no family per runtime (that is in the TypeScript
        initializer), but it names each runtime's static property after its family member:
        PYTHON_3_14 -> PYTHON, NODEJS_24_X -> NODEJS, DOTNET_CORE_3_1 -> DOTNET_CORE. A
        property that starts with no member (DOTNET_8, whose family is DOTNET_CORE) has none."""
        name = self.property_for(runtime)
        if name is None:
            return None
        members = [member for member in self.families if name == member or name.startswith(member + "_")]
        return max(members, key=len) if members else None

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
                return Runtimes(version, *_read_runtimes(archive))
            except (OSError, KeyError, ValueError, tarfile.TarError):
                continue
    return None


def _read_runtimes(archive: Path) -> tuple[dict[str, tuple[str, bool]], tuple[str, ...]]:
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
    family_type = assembly["types"].get("aws-cdk-lib.aws_lambda.RuntimeFamily", {})
    families = tuple(member["name"] for member in family_type.get("members", []))
    return properties, families


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


class L1LatestRuntime(Rule):
    code = "AwsSolutions-L1"
    name = "awssolutions-lambda-latest-runtime"
    title = "Lambda function not on the latest runtime of its language"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    calls = _FUNCTIONS | {CFN_FUNCTION}
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
        "so it follows that release. A project whose requirements (requirements*.txt, pyproject.toml, setup.py, "
        "setup.cfg of the nearest folder up) exclude that release gets the form every aws-cdk-lib v2 release "
        "builds, `lambda_.Runtime(\"python3.14\", lambda_.RuntimeFamily.PYTHON)` (with `supports_inline_code=True` "
        "for inline code), since its release may lack `Runtime.PYTHON_3_14`. The name string of "
        "`Runtime(\"python3.8\", ...)` and the `runtime=\"python3.9\"` string of `aws_lambda.CfnFunction` (a literal "
        "or a constant assigned once) become the newest string. A layer bound in the file whose "
        "`compatible_runtimes=[...]` lacks the new runtime gets it appended (CDK refuses the function otherwise). "
        "A `Runtime.<OLD>.bundling_image` written in the function's own `code=` or `bundling=` argument moves to "
        "the new runtime with it (the asset's dependencies are built in that image). "
        "Reported without a fix: a runtime from a run-time value (a parameter, `props.runtime`), a `**` splat, "
        "layers cdkfix cannot see, a family whose newest runtime is deprecated (dotnetcore: a change of family "
        "is a human choice), a pinned project whose newest runtime has no RuntimeFamily member in aws-cdk-lib's "
        "data (dotnet8 and later), no aws-cdk-lib installed with cdkfix."
    )
    impact = (
        "UNSAFE: the function's code runs on a new language version (removed modules, changed defaults, native "
        "dependencies built for the old one), and so does the code of a layer whose compatible runtimes get the "
        "new one (a new layer version): test it before deploying."
    )
    # The layer's list is create-only: a new layer version, which the function then uses.
    replaces = ("AWS::Lambda::LayerVersion (CompatibleRuntimes is create-only)",)
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
        # The form written for a project pinned to an older aws-cdk-lib: its proof shows that a
        # runtime built from the string clears cdk-nag's L1 as the static property does.
        Example(
            name="a runtime built from its string: the string is rewritten",
            before="""\
from aws_cdk import aws_lambda as lambda_

lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime("python3.8", lambda_.RuntimeFamily.PYTHON, supports_inline_code=True),
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
)
""",
            after="""\
from aws_cdk import aws_lambda as lambda_

lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime("python3.14", lambda_.RuntimeFamily.PYTHON, supports_inline_code=True),
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
)
""",
        ),
        Example(
            name="CfnFunction, a runtime string",
            before="""\
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
lambda_.CfnFunction(
    self,
    "Handler",
    runtime="python3.9",
    handler="index.handler",
    role=role.role_arn,
    code=lambda_.CfnFunction.CodeProperty(zip_file="def handler(event, context): pass"),
)
""",
            after="""\
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
lambda_.CfnFunction(
    self,
    "Handler",
    runtime="python3.14",
    handler="index.handler",
    role=role.role_arn,
    code=lambda_.CfnFunction.CodeProperty(zip_file="def handler(event, context): pass"),
)
""",
        ),
        Example(
            name="CfnFunction, a module constant string",
            before="""\
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

NODE_RUNTIME = "nodejs18.x"

role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
for name in ("A", "B"):
    lambda_.CfnFunction(
        self,
        name,
        runtime=NODE_RUNTIME,
        handler="index.handler",
        role=role.role_arn,
        code=lambda_.CfnFunction.CodeProperty(zip_file="exports.handler = async () => {};"),
    )
""",
            after="""\
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

NODE_RUNTIME = "nodejs24.x"

role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
for name in ("A", "B"):
    lambda_.CfnFunction(
        self,
        name,
        runtime=NODE_RUNTIME,
        handler="index.handler",
        role=role.role_arn,
        code=lambda_.CfnFunction.CodeProperty(zip_file="exports.handler = async () => {};"),
    )
""",
        ),
        Example(
            name="reported: a CfnFunction runtime from a run-time value",
            before="""\
from aws_cdk import aws_lambda as lambda_


def handler_function(scope, role_arn: str, runtime: str):
    return lambda_.CfnFunction(
        scope,
        "Handler",
        runtime=runtime,
        handler="index.handler",
        role=role_arn,
        code=lambda_.CfnFunction.CodeProperty(zip_file="def handler(event, context): pass"),
    )
""",
            flagged=True,
        ),
        Example(
            name="a layer that lists its compatible runtimes gets the new one too",
            before="""\
from aws_cdk import aws_lambda as lambda_

layer = lambda_.LayerVersion(
    self,
    "Layer",
    code=lambda_.Code.from_bucket(bucket, "layer.zip"),
    compatible_runtimes=[lambda_.Runtime.PYTHON_3_9],
)
lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_9,
    handler="index.handler",
    code=lambda_.Code.from_bucket(bucket, "handler.zip"),
    layers=[layer],
)
""",
            after="""\
from aws_cdk import aws_lambda as lambda_

layer = lambda_.LayerVersion(
    self,
    "Layer",
    code=lambda_.Code.from_bucket(bucket, "layer.zip"),
    compatible_runtimes=[lambda_.Runtime.PYTHON_3_9, lambda_.Runtime.PYTHON_3_14],
)
lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_14,
    handler="index.handler",
    code=lambda_.Code.from_bucket(bucket, "handler.zip"),
    layers=[layer],
)
""",
        ),
        Example(
            # A name is followed in the scope that sees it (transforms/_bindings.py): the same
            # name bound once in each of two functions is two values, each fixed where it is bound.
            name="the same variable name bound once in each of two functions",
            before="""\
from aws_cdk import aws_lambda as lambda_


def first(scope):
    runtime = lambda_.Runtime.PYTHON_3_8
    lambda_.Function(scope, "First", runtime=runtime, handler="index.handler", code=lambda_.Code.from_inline("def handler(e, c): pass"))


def second(scope):
    runtime = lambda_.Runtime.NODEJS_18_X
    lambda_.Function(scope, "Second", runtime=runtime, handler="index.handler", code=lambda_.Code.from_inline("exports.handler = 1"))
""",
            after="""\
from aws_cdk import aws_lambda as lambda_


def first(scope):
    runtime = lambda_.Runtime.PYTHON_3_14
    lambda_.Function(scope, "First", runtime=runtime, handler="index.handler", code=lambda_.Code.from_inline("def handler(e, c): pass"))


def second(scope):
    runtime = lambda_.Runtime.NODEJS_24_X
    lambda_.Function(scope, "Second", runtime=runtime, handler="index.handler", code=lambda_.Code.from_inline("exports.handler = 1"))
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
        qualified = self.resolve(node.func)
        if qualified == CFN_FUNCTION:
            self._cfn_function(node)
            return
        if qualified not in _FUNCTIONS:
            return
        what = callee(node)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may not use the latest runtime (L1)", "a `**` splat may set `runtime`", node)
            return
        arg = layout.keyword_arg(node, "runtime")
        if arg is None:
            return  # NodejsFunction's default, PythonFunction's default: CDK chooses (DockerImageFunction has none)
        found = self._runtime_source(arg.value)
        message = f"{what} not on the latest runtime ({self.title})"
        if isinstance(found, str):
            self.report_without_fix(message, found, node)
            return
        source, statement = found
        runtimes = installed_runtimes()
        if runtimes is None:
            self.report_without_fix(message, "no aws-cdk-lib is installed with cdkfix to read the runtimes from", node)
            return
        if isinstance(source, cst.Call):
            self._custom_runtime(node, source, statement, runtimes, message)
            return
        current = runtimes.properties.get(source.attr.value)
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
        layers = self._layer_lists(node, arg.value, replacement, pinned=pin is not None)
        if isinstance(layers, str):
            self.report_without_fix(message, layers, node)
            return
        if pin is not None:
            self._pinned(node, source, statement, runtimes, current[0], newest, replacement, pin, message, layers)
            return
        written = f"{code(source.value)}.{replacement}"

        def renamed(updated: cst.CSTNode) -> cst.CSTNode:
            return updated.with_changes(attr=cst.Name(replacement))

        change = self.change(source, renamed, statement)
        images = [self.change(image, renamed) for image in self._bundling_images(node, source.attr.value)]
        # The finding is the function's: its statement is the anchor even when the edit is at
        # the constant's assignment (the report shows, and the fast path looks for, the node there).
        self.report(
            f"{what} on {current[0]}, not {newest} ({self.title}){_layer_note(layers, newest)}{_image_note(images, newest)}",
            [change, *images, *self._extend_layers(layers, lambda: written)],
            anchor=self.current_statement,
            node=node,
        )

    def _bundling_images(self, function: cst.Call, current: str) -> list[cst.Attribute]:
        """The `Runtime.<current>` of each `Runtime.<current>.bundling_image` written in the
        function's own `code=` or `bundling=` argument: the asset is built (its dependencies
        installed, native ones compiled) in the old runtime's image, so it moves with the runtime."""
        wanted = f"{RUNTIME}.{current}"
        found: list[cst.Attribute] = []
        rule = self

        class _Images(cst.CSTVisitor):
            def visit_Attribute(self, node: cst.Attribute) -> None:
                if node.attr.value == "bundling_image" and isinstance(node.value, cst.Attribute):
                    if rule.resolve(node.value) == wanted:
                        found.append(node.value)

        for keyword in ("code", "bundling"):
            arg = layout.keyword_arg(function, keyword)
            if arg is not None:
                arg.value.visit(_Images())
        return found

    def _pinned(self, node, attribute, statement, runtimes, current, newest, replacement, pin, message, layers) -> None:
        """The project's aws-cdk-lib may lack `Runtime.<replacement>`: write the runtime the way
        every aws-cdk-lib v2 release can build it, `Runtime("python3.14", RuntimeFamily.PYTHON)`."""
        family = runtimes.family_for(newest)
        if family is None:
            self.report_without_fix(
                message,
                f"the project requires aws-cdk-lib{pin}, which excludes {runtimes.version}, the release cdkfix reads "
                f"runtimes from: Runtime.{replacement} may not exist there, and aws-cdk-lib's data names no "
                f"RuntimeFamily for {newest} to write `Runtime(\"{newest}\", RuntimeFamily.<family>)` with",
                node,
            )
            return
        runtime_code = code(attribute.value)
        family_code = f"{self._runtime_family_ref(attribute.value)}.{family}"
        # A Runtime built by hand supports no inline code unless it says so, and
        # Function refuses inline code then; on code it cannot see, True is the safe side
        # (the flag only gates that check). One flag per written node, read when the edit is
        # applied, so every function sharing a constant gets the same text.
        flags = self.__dict__.setdefault("_inline", {})
        flags[attribute] = flags.get(attribute, False) or self._code_may_be_inline(node)

        def written() -> str:
            inline = ", supports_inline_code=True" if flags[attribute] else ""
            return f'{runtime_code}("{newest}", {family_code}{inline})'

        def rewrite(updated: cst.CSTNode) -> cst.CSTNode:
            if not isinstance(updated, cst.Attribute):
                return updated  # rewritten already by another function's copy of this edit
            return cst.parse_expression(written())

        change = self.change(attribute, rewrite, statement)
        images = [self.change(image, rewrite) for image in self._bundling_images(node, attribute.attr.value)]
        self.report(
            f"{callee(node)} on {current}, not {newest} ({self.title}); written as "
            f'`Runtime("{newest}", RuntimeFamily.{family})` because the project requires aws-cdk-lib{pin}, '
            f"which may lack Runtime.{replacement}{_layer_note(layers, newest)}{_image_note(images, newest)}",
            [change, *images, *self._extend_layers(layers, written)],
            anchor=self.current_statement,
            node=node,
        )

    def _runtime_family_ref(self, runtime: cst.BaseExpression) -> str:
        """How to spell aws_lambda.RuntimeFamily next to the file's own spelling of Runtime:
        `lambda_.Runtime` -> `lambda_.RuntimeFamily`; `Runtime` imported by name ->
        `RuntimeFamily` imported by name too (a new import line, no user line rewritten)."""
        if isinstance(runtime, cst.Attribute):
            return f"{code(runtime.value)}.RuntimeFamily"
        imports = self.imports
        if imports.local_name_for(RUNTIME_FAMILY) is None and not {"RuntimeFamily"} & (
            imports.taken | self.context.names_in_module
        ):
            imports.bind("RuntimeFamily", RUNTIME_FAMILY)
            imports.taken.add("RuntimeFamily")
            self.context.added_imports["RuntimeFamily"] = NeededImport("aws_cdk.aws_lambda", "RuntimeFamily", None)
        return self.ref(RUNTIME_FAMILY)

    def _code_may_be_inline(self, function: cst.Call) -> bool:
        """False only when the function's code is seen not to be inline (an asset, a bucket,
        an image; NodejsFunction and PythonFunction bundle an asset)."""
        if self.resolve(function.func) not in _TAKES_CODE:
            return False
        arg = layout.keyword_arg(function, "code")
        value = arg.value if arg is not None else None
        if value is not None and dotted_name(value) is not None:
            found = binding_of(self, value)
            value = found[1] if found is not None else None
        if not isinstance(value, cst.Call):
            return True
        made = self.resolve(value.func) or ""
        return made in _INLINE_CODE or not made.startswith("aws_cdk.aws_lambda.")

    def _layer_lists(self, function: cst.Call, runtime: cst.BaseExpression, replacement: str, *, pinned: bool):
        """The `compatible_runtimes=[...]` lists of the function's layers that must also name the
        new runtime, as (list, its statement, the layer's text); or why the fix cannot see that
        CDK will accept the new runtime (it checks each layer's compatible runtimes against the
        function's runtime at synthesis, an error when none equals it)."""
        arg = layout.keyword_arg(function, "layers")
        if arg is None:
            return []
        if not isinstance(arg.value, (cst.List, cst.Tuple)):
            return "the function's layers come from a value cdkfix cannot read; a layer's `compatible_runtimes` must list the new runtime"
        found = []
        for element in arg.value.elements:
            if isinstance(element, cst.StarredElement):
                return "a `*` splat in `layers=`: a layer's `compatible_runtimes` must list the new runtime"
            value, statement = element.value, self.current_statement
            name = dotted_name(value)
            if name is not None:
                bound = binding_of(self, value)
                statement, value = bound if bound is not None else (None, None)
            what = code(element.value)
            if isinstance(value, cst.Call) and self.is_call_to(value, _IMPORTED_LAYER):
                if pinned:
                    # CDK gives an imported layer the release's Runtime.ALL, which lacks the new
                    # runtime in an older release and never holds a Runtime built by hand.
                    return f"the imported layer `{what}` accepts only the runtimes of the project's aws-cdk-lib release, which may lack the new one"
                continue
            if not (isinstance(value, cst.Call) and self.is_call_to(value, _LAYER) and statement is not None):
                return f"the layer `{what}` may declare `compatible_runtimes` without the new runtime (CDK refuses the function then)"
            listed = layout.keyword_arg(value, "compatible_runtimes")
            if listed is None:
                continue  # no list: CDK checks nothing
            if not isinstance(listed.value, cst.List) or any(isinstance(item, cst.StarredElement) for item in listed.value.elements):
                return f"the layer `{what}` takes its `compatible_runtimes` from a value cdkfix cannot extend"
            items = listed.value.elements
            shared = dotted_name(runtime) is not None and not self._is_runtime(runtime)
            if shared and any(code(item.value) == code(runtime) for item in items):
                continue  # it lists the function's own constant, which the fix rewrites
            if not pinned and any(self._is_runtime(item.value) and item.value.attr.value == replacement for item in items):
                continue
            found.append((listed.value, statement, what))
        return found

    def _extend_layers(self, layers, written) -> list[ChangeNode]:
        """Each layer list gets the runtime the function is given (`written()`, read when the
        edit is applied); the old entries stay, for the layer's other functions. The same edit
        from several functions sharing a layer appends it once."""

        def extend(updated: cst.CSTNode) -> cst.CSTNode:
            text = written()
            if not isinstance(updated, cst.List) or any(code(item.value) == text for item in updated.elements):
                return updated
            return layout.append_element(updated, cst.parse_expression(text))

        return [self.change(listed, extend, statement) for listed, statement, _ in layers]

    def _custom_runtime(self, node, call, statement, runtimes, message) -> None:
        """`Runtime("python3.8", RuntimeFamily.PYTHON)`: the name string is rewritten (a string
        literal only); the family and the other arguments stay as written."""
        arg = layout.argument(call, 0, "name")
        literal = arg.value if arg is not None else None
        if not isinstance(literal, cst.SimpleString) or not isinstance(literal_value(literal), str):
            self.report_without_fix(message, "a runtime built with `Runtime(...)` from a name that is not a string literal", node)
            return
        current = literal_value(literal)
        if current not in {value for value, _ in runtimes.properties.values()}:
            return  # not a runtime this aws-cdk-lib knows (a newer one, a typo): nothing to compare
        newest = runtimes.newest(current)
        if newest is None or newest == current:
            return
        if runtimes.property_for(newest) is None:
            self.report_without_fix(
                message, f"the newest {current} family runtime ({newest}) is deprecated: moving to another family is a human choice", node
            )
            return
        layers = self._layer_lists(node, arg.value if arg is not None else literal, "", pinned=True)
        if layers:
            self.report_without_fix(
                message,
                layers if isinstance(layers, str) else f"the layer `{layers[0][2]}` declares `compatible_runtimes`: "
                "cdkfix extends them only for a `Runtime.X` runtime",
                node,
            )
            return
        change = self.change(literal, lambda updated: _string_like(updated, newest), statement)
        self.report(f"{callee(node)} on {current}, not {newest} ({self.title})", [change], anchor=self.current_statement, node=node)

    def _cfn_function(self, node: cst.Call) -> None:
        """aws_lambda.CfnFunction(runtime="python3.9"): the string becomes the newest of its family."""
        what = callee(node)
        message = f"{what} not on the latest runtime ({self.title})"
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat may set `runtime`", node)
            return
        arg = layout.keyword_arg(node, "runtime")
        if arg is None:
            return  # a container image function (package_type="Image") has no runtime
        literal, statement = arg.value, self.current_statement
        name = dotted_name(literal)
        if name is not None:
            found = binding_of(self, literal)
            if found is None:
                self.report_without_fix(message, f"the runtime comes from `{code(literal)}`, a value cdkfix cannot follow to one string", node)
                return
            statement, literal = found
        if not isinstance(literal, cst.SimpleString) or not isinstance(literal_value(literal), str):
            self.report_without_fix(message, f"the runtime `{code(arg.value)}` is a run-time value cdkfix cannot read", node)
            return
        runtimes = installed_runtimes()
        if runtimes is None:
            self.report_without_fix(message, "no aws-cdk-lib is installed with cdkfix to read the runtimes from", node)
            return
        current = literal_value(literal)
        if current not in {value for value, _ in runtimes.properties.values()}:
            return  # not a runtime this aws-cdk-lib knows (a newer one, a typo): nothing to compare
        newest = runtimes.newest(current)
        if newest is None or newest == current:
            return
        if runtimes.property_for(newest) is None:
            self.report_without_fix(
                message, f"the newest {current} family runtime ({newest}) is deprecated: moving to another family is a human choice", node
            )
            return
        # A string works in every aws-cdk-lib release: the project's pin does not matter here.
        change = self.change(literal, lambda updated: _string_like(updated, newest), statement)
        self.report(f"{what} on {current}, not {newest} ({self.title})", [change], anchor=self.current_statement, node=node)

    def _runtime_source(self, value: cst.BaseExpression):
        """(the `Runtime.X` attribute or `Runtime(...)` call the runtime comes from, its
        statement), or why not."""
        if self._is_runtime(value) or self.is_call_to(value, RUNTIME):
            return value, self.current_statement
        name = dotted_name(value)
        if name is None:
            return "the runtime is a run-time value cdkfix cannot read"
        found = binding_of(self, value)
        if found is not None and (self._is_runtime(found[1]) or self.is_call_to(found[1], RUNTIME)):
            return found[1], found[0]
        return f"the runtime comes from `{code(value)}`, a value cdkfix cannot follow to one `Runtime.X`"

    def _is_runtime(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Attribute) and self.resolve(node.value) == RUNTIME


def _layer_note(layers, newest: str) -> str:
    if not layers:
        return ""
    names = ", ".join(f"`{what}`" for _, _, what in layers)
    return f"; {newest} added to the compatible runtimes of the layer {names} (its code must run on {newest})"


def _image_note(images, newest: str) -> str:
    if not images:
        return ""
    return f"; the asset's bundling image moves to {newest} too (its dependencies are built for the runtime they run on)"


def _string_like(literal: cst.CSTNode, value: str) -> cst.CSTNode:
    """`value` as a string literal written with `literal`'s prefix and quotes (a runtime string
    has no character that needs escaping)."""
    if not isinstance(literal, cst.SimpleString):
        return literal
    return literal.with_changes(value=f"{literal.prefix}{literal.quote}{value}{literal.quote}")
