"""CDK-B5: CodeBuild test project on a compute type larger than it needs."""

from __future__ import annotations

import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, construct_id, static_text
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.traverse import nodes_within
from cdkfix.transforms._bindings import known_member, single_binding

PROJECTS = ("aws_cdk.aws_codebuild.PipelineProject", "aws_cdk.aws_codebuild.Project")
BUILD_ENVIRONMENT = "aws_cdk.aws_codebuild.BuildEnvironment"
COMPUTE_TYPE = "aws_cdk.aws_codebuild.ComputeType"

# Members of codebuild.ComputeType in aws-cdk-lib 2.275 (a test compares this with the
# installed package; importing aws_cdk here would start a jsii runtime for every run).
COMPUTE_TYPES = (
    "SMALL", "MEDIUM", "LARGE", "X_LARGE", "X2_LARGE",
    "LAMBDA_1GB", "LAMBDA_2GB", "LAMBDA_4GB", "LAMBDA_8GB", "LAMBDA_10GB",
    "ATTRIBUTE_BASED", "CUSTOM_INSTANCE_TYPE",
)  # fmt: skip
# The general-purpose EC2 sizes, smallest first. Lambda sizes need a Lambda build image,
# and attribute-based or custom types have no size to compare: neither is touched.
SIZES = ("SMALL", "MEDIUM", "LARGE", "X_LARGE", "X2_LARGE")

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z]*|[a-z]+|\d+")
TEST_WORDS = frozenset({"test", "tests", "testing"})


def words(text: str) -> list[str]:
    """CamelCase, kebab-case and snake_case split into words: "UnitTestsProject" -> [Unit, Tests, Project]."""
    return _WORD.findall(text)


def is_for_tests(text: str) -> bool:
    return any(word.lower() in TEST_WORDS for word in words(text))


class CodebuildTestComputeSize(Rule):
    code = "CDK-B5"
    name = "codebuild-test-compute-size"
    title = "CodeBuild Test Project Uses Wrong Compute Type"
    category = Category.CONFIGURATION
    kind = Kind.CONFIGURATION
    issue = (
        "A CodeBuild project that runs tests (its construct id or `project_name` has the word Test/Tests/Testing, "
        "as in TestProject or app-unit-tests) uses a compute type larger than the required "
        "BUILD_GENERAL1_SMALL. Larger types bill more per build minute and rarely make unit tests faster."
    )
    fix = (
        "Sets `compute_type=codebuild.ComputeType.SMALL` (option `compute_type`) in the project's inline "
        "`codebuild.BuildEnvironment(...)`. Only the general-purpose sizes above the target (MEDIUM, LARGE, "
        "X_LARGE, X2_LARGE) are changed, there or in the `BuildEnvironment(...)` a local variable holds when "
        "this project is its only user; a compute type held in a variable bound once to a member is replaced where "
        "it is used. Keywords from a `**` splat and a compute type chosen at run time are reported without a fix; Lambda, attribute-based and custom compute types, projects that are not "
        "for tests, and environments shared with other projects are left alone."
    )
    impact = "Cost: a test project billed at a larger compute type than the specification allows."
    options = {"compute_type": "SMALL"}
    calls = frozenset(PROJECTS)
    examples = [
        Example(
            name="multi-line call with a trailing comment",
            before="""\
from aws_cdk import aws_codebuild as codebuild

test_project = codebuild.PipelineProject(
    self,
    f"TestProject{environment_suffix}",
    environment=codebuild.BuildEnvironment(
        build_image=codebuild.LinuxBuildImage.STANDARD_7_0,
        compute_type=codebuild.ComputeType.MEDIUM  # Wrong size
    ),
)
""",
            after="""\
from aws_cdk import aws_codebuild as codebuild

test_project = codebuild.PipelineProject(
    self,
    f"TestProject{environment_suffix}",
    environment=codebuild.BuildEnvironment(
        build_image=codebuild.LinuxBuildImage.STANDARD_7_0,
        compute_type=codebuild.ComputeType.SMALL
    ),
)
""",
        ),
        Example(
            name="test word in project_name, `import aws_cdk as cdk`",
            before="""\
import aws_cdk as cdk

cdk.aws_codebuild.Project(self, "Checks", project_name="app-unit-tests", build_spec=cdk.aws_codebuild.BuildSpec.from_object({"version": "0.2"}), environment=cdk.aws_codebuild.BuildEnvironment(compute_type=cdk.aws_codebuild.ComputeType.X2_LARGE))
""",
            after="""\
import aws_cdk as cdk

cdk.aws_codebuild.Project(self, "Checks", project_name="app-unit-tests", build_spec=cdk.aws_codebuild.BuildSpec.from_object({"version": "0.2"}), environment=cdk.aws_codebuild.BuildEnvironment(compute_type=cdk.aws_codebuild.ComputeType.SMALL))
""",
        ),
        Example(
            name="classes imported directly",
            before="""\
from aws_cdk.aws_codebuild import BuildEnvironment, ComputeType, PipelineProject

integration = PipelineProject(
    self, "integration_testing", environment=BuildEnvironment(compute_type=ComputeType.LARGE)
)
""",
            after="""\
from aws_cdk.aws_codebuild import BuildEnvironment, ComputeType, PipelineProject

integration = PipelineProject(
    self, "integration_testing", environment=BuildEnvironment(compute_type=ComputeType.SMALL)
)
""",
        ),
        Example(
            name="option compute_type=MEDIUM: only larger sizes come down to it",
            options={"compute_type": "MEDIUM"},
            before="""\
import aws_cdk.aws_codebuild as codebuild

codebuild.PipelineProject(self, "E2ETests", environment=codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.X_LARGE))
codebuild.PipelineProject(self, "UnitTests", environment=codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.MEDIUM))
""",
            after="""\
import aws_cdk.aws_codebuild as codebuild

codebuild.PipelineProject(self, "E2ETests", environment=codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.MEDIUM))
codebuild.PipelineProject(self, "UnitTests", environment=codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.MEDIUM))
""",
        ),
        Example(
            name="build projects, SMALL, Lambda sizes, latest/contest look-alike words, an environment passed in left alone",
            before="""\
from aws_cdk import aws_codebuild as codebuild

codebuild.PipelineProject(self, "BuildProject", environment=codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.LARGE))
codebuild.PipelineProject(self, "TestProject", environment=codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.SMALL))
codebuild.Project(self, "LambdaTests", environment=codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.LAMBDA_4GB))
codebuild.PipelineProject(self, "PushLatest", project_name="contest-app", environment=codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.LARGE))
codebuild.PipelineProject(self, "TestProject3", environment=test_environment)
""",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Tests(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self.unit_tests = cdk.aws_codebuild.PipelineProject(
            self,
            "UnitTests",
            environment=cdk.aws_codebuild.BuildEnvironment(
                build_image=cdk.aws_codebuild.LinuxBuildImage.STANDARD_7_0,
                compute_type=cdk.aws_codebuild.ComputeType.X_LARGE,
            ),
        )
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Tests(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self.unit_tests = cdk.aws_codebuild.PipelineProject(
            self,
            "UnitTests",
            environment=cdk.aws_codebuild.BuildEnvironment(
                build_image=cdk.aws_codebuild.LinuxBuildImage.STANDARD_7_0,
                compute_type=cdk.aws_codebuild.ComputeType.SMALL,
            ),
        )
""",
            name='a plain Construct through import aws_cdk as cdk, X_LARGE, multi-line',
        ),
        Example(
            before="""\
from aws_cdk.aws_codebuild import BuildEnvironment, ComputeType, Project, BuildSpec

Project(self, "IntegrationTests", build_spec=BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["pytest"]}}}), environment=BuildEnvironment(compute_type=ComputeType.LARGE))
""",
            after="""\
from aws_cdk.aws_codebuild import BuildEnvironment, ComputeType, Project, BuildSpec

Project(self, "IntegrationTests", build_spec=BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["pytest"]}}}), environment=BuildEnvironment(compute_type=ComputeType.SMALL))
""",
            name='codebuild.Project with a build spec, classes imported by name',
        ),
        Example(
            before="""\
from aws_cdk import aws_codebuild as codebuild


def projects(scope):
    environment = codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.LARGE)
    codebuild.PipelineProject(scope, "Build", environment=environment)
    codebuild.PipelineProject(scope, "Tests", environment=environment)
""",
            name='one BuildEnvironment shared with a build project: left alone',
        ),
        Example(
            before="""\
from aws_cdk import aws_codebuild as codebuild


def unit_tests(scope):
    environment = codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.LARGE)
    return codebuild.PipelineProject(scope, "UnitTests", environment=environment)
""",
            after="""\
from aws_cdk import aws_codebuild as codebuild


def unit_tests(scope):
    environment = codebuild.BuildEnvironment(compute_type=codebuild.ComputeType.SMALL)
    return codebuild.PipelineProject(scope, "UnitTests", environment=environment)
""",
            name='BuildEnvironment in a local variable, in a helper function',
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_codebuild as codebuild


class CiStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        test_compute = codebuild.ComputeType.MEDIUM
        self.test_project = codebuild.PipelineProject(
            self,
            "TestProject",
            environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.STANDARD_7_0,
                compute_type=test_compute,
            ),
        )
""",
            after="""\
from aws_cdk import Stack, aws_codebuild as codebuild


class CiStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        test_compute = codebuild.ComputeType.MEDIUM
        self.test_project = codebuild.PipelineProject(
            self,
            "TestProject",
            environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.STANDARD_7_0,
                compute_type=codebuild.ComputeType.SMALL,
            ),
        )
""",
            name='compute type through a local variable, project bound to a self. attribute',
        ),
        Example(
            before="""\
from aws_cdk import aws_codebuild as codebuild


def test_projects(scope, project_props, environment_props, size):
    codebuild.PipelineProject(scope, "TestProject", **project_props)
    codebuild.PipelineProject(scope, "UnitTests", environment=codebuild.BuildEnvironment(**environment_props))
    codebuild.PipelineProject(scope, "IntegrationTests", environment=codebuild.BuildEnvironment(compute_type=size))
""",
            flagged=True,
            name='cannot decide: `**` splats, a compute type chosen at run time: reported without a fix',
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        target = self.settings["compute_type"]
        if target not in COMPUTE_TYPES:
            raise ValueError(f"CDK-B5 option `compute_type` must be a codebuild.ComputeType member, got {target!r}")
        if target not in SIZES:
            raise ValueError(f"CDK-B5 option `compute_type` must be one of {list(SIZES)} (a size to compare), got {target!r}")
        self.target = target
        self.larger = {f"{COMPUTE_TYPE}.{size}" for size in SIZES[SIZES.index(target) + 1 :]}

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) not in PROJECTS:
            return
        name_arg = layout.keyword_arg(node, "project_name")
        names = [static_text(construct_id(node)), static_text(name_arg.value if name_arg else None)]
        if not any(is_for_tests(name) for name in names):
            return
        label = next(name for name in names if is_for_tests(name))
        environment = layout.keyword_arg(node, "environment")
        if environment is None:
            if layout.has_double_star(node):
                self._unknown(node, label, "its environment comes from a `**` splat")
            return
        call, statement = environment.value, None
        if isinstance(call, cst.Name):
            # `environment = codebuild.BuildEnvironment(...)` earlier in the function, used by this
            # project only (shared with a build project, its size is not the test project's alone).
            binding = single_binding(self, call)
            scope = self.enclosing(cst.FunctionDef) or self.context.module
            keywords = {id(arg.keyword) for arg in nodes_within(scope, cst.Arg) if arg.keyword is not None}
            uses = sum(1 for name in nodes_within(scope, cst.Name) if name.value == call.value and id(name) not in keywords)
            if binding is None or uses != 2:
                return
            statement, call = binding
        if not (isinstance(call, cst.Call) and self.resolve(call.func) == BUILD_ENVIRONMENT):
            return
        compute = layout.keyword_arg(call, "compute_type")
        if compute is None:
            if layout.has_double_star(call):
                self._unknown(node, label, "its BuildEnvironment's keywords come from a `**` splat")
            return
        member = known_member(self, compute.value, f"{COMPUTE_TYPE}.")
        if member is None:
            self._unknown(node, label, f"compute_type={code(compute.value)} is chosen at run time")
            return
        if member not in self.larger:
            return
        edit = self.set_keyword(call, "compute_type", self.ref(f"{COMPUTE_TYPE}.{self.target}"), statement)
        self.report(f"test project {label!r} uses compute_type={code(compute.value)}", [edit])

    def _unknown(self, node: cst.Call, label: str, why: str) -> None:
        self.report_without_fix(
            f"test project {label!r}: compute type cannot be read",
            f"{why}; make it codebuild.ComputeType.{self.target} for the test project",
            node,
        )
