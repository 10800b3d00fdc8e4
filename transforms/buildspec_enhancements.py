"""CDK-I6: inline buildspec without ECR login, account variable or test reports."""

from __future__ import annotations

import posixpath
import re
from typing import Sequence

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, construct_scope, dict_element, static_text, string_value
from cdkfix.edits import Edit
from cdkfix.formatting import format_expression
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.transforms._bindings import single_binding

PROJECTS = ("aws_cdk.aws_codebuild.PipelineProject", "aws_cdk.aws_codebuild.Project")
FROM_OBJECT = "aws_cdk.aws_codebuild.BuildSpec.from_object"
BUILD_ENVIRONMENT = "aws_cdk.aws_codebuild.BuildEnvironment"
ENV_VARIABLE = "aws_cdk.aws_codebuild.BuildEnvironmentVariable"
STACK = "aws_cdk.Stack"

ECR_LOGIN = (
    "aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username AWS "
    "--password-stdin $AWS_ACCOUNT_ID.dkr.ecr.$AWS_DEFAULT_REGION.amazonaws.com"
)
ACCOUNT_VARIABLE = "AWS_ACCOUNT_ID"
# A push whose target mentions one of these goes to ECR (`{repository_uri}`, `$ECR_REPO`, `*.dkr.ecr.*`).
ECR_HINTS = ("ecr", "repository_uri", "repo_uri", "repositoryuri")
PHASE_ORDER = ("install", "pre_build", "build", "post_build")
# `docker push app` / `docker push app:latest`: an image with no registry and no namespace (no `/`),
# spelled out (no `$VARIABLE` or `{placeholder}` that could hold a registry).
UNQUALIFIED_PUSH = re.compile(r"docker push ([A-Za-z0-9][A-Za-z0-9._-]*(?::[A-Za-z0-9._-]+)?)(?=\s|$|;|&)")
IMAGE_FROM_ECR = "from_ecr_repository"
# A command that runs pytest (`pytest`, `python -m pytest`, `poetry run pytest`).
PYTEST = re.compile(r"(^|[\s/])pytest(\s|$)")
# A command that is only a pytest run: nothing chained, piped or redirected after it.
PLAIN_PYTEST = re.compile(r"^\s*(?:(?:python3?|py) -m |poetry run |uv run )?pytest(?:\s[^;&|<>`$]*)?$")


def _literal_keys(mapping: cst.Dict) -> bool:
    """Every key a plain string (no `**spread`, no computed keys): the dict's content is known."""
    return all(isinstance(element, cst.DictElement) and string_value(element.key) is not None for element in mapping.elements)


def _command_text(node: cst.BaseExpression) -> str | None:
    """A command's text; an f-string's placeholders are kept as `{code}`."""
    if isinstance(node, cst.FormattedString):
        return "".join(
            part.value if isinstance(part, cst.FormattedStringText) else "{" + code(part.expression) + "}"
            for part in node.parts
        )
    value = string_value(node)
    return value if value is not None else (code(node) if isinstance(node, cst.ConcatenatedString) else None)


def _phase_commands(phases: cst.Dict) -> list[str]:
    texts = []
    for element in phases.elements:
        if not isinstance(element, cst.DictElement) or not isinstance(element.value, cst.Dict):
            continue
        for key in ("commands", "finally"):
            commands = dict_element(element.value, key)
            if commands is not None and isinstance(commands.value, cst.List):
                for command in commands.value.elements:
                    text = _command_text(command.value)
                    if text is not None:
                        texts.append(text)
    return texts


def _separated_indent(elements: Sequence, opening) -> cst.ParenthesizedWhitespace | None:
    """The line break + indentation between the elements of a multi-line display, or None."""
    for element in elements[:-1]:
        comma = element.comma
        if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
            return comma.whitespace_after
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return opening
    return None


def _insert_separated(elements: Sequence, index: int, new, opening) -> list:
    """`elements` with `new` inserted at `index`, laid out like its neighbours."""
    if index >= len(elements):
        return layout.append_separated(elements, new, opening)
    indent = _separated_indent(elements, opening)
    if indent is None:
        new = new.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    else:
        new = layout.shift_continuation_lines(new, indent.last_line.value)
        clean = indent.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
        new = new.with_changes(comma=cst.Comma(whitespace_after=clean))
    return [*elements[:index], new, *elements[index:]]


def _column(mapping: cst.Dict | cst.List) -> int | None:
    opening = mapping.lbrace.whitespace_after if isinstance(mapping, cst.Dict) else mapping.lbracket.whitespace_after
    indent = _separated_indent(mapping.elements, opening)
    return len(indent.last_line.value) if indent is not None else None


class BuildspecEnhancements(Rule):
    code = "CDK-I6"
    name = "buildspec-enhancements"
    title = "Added Build Spec Enhancements"
    category = Category.IMPROVEMENT
    kind = Kind.CONFIGURATION
    issue = (
        "The inline buildspec pushes images to ECR without logging in to ECR first (the push is refused), "
        "uses `$AWS_ACCOUNT_ID`, which CodeBuild does not set (it sets only `AWS_DEFAULT_REGION`/`AWS_REGION`), "
        "or runs the tests of a test project without a `reports` section, so CodeBuild shows no test report."
    )
    fix = (
        "In `codebuild.BuildSpec.from_object({...})` of a `PipelineProject`/`Project`: (a) when a command runs "
        "`docker push` to an ECR repository and no command logs in to ECR, adds a `pre_build` phase (or a first "
        "`pre_build` command) `aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username "
        "AWS --password-stdin $AWS_ACCOUNT_ID.dkr.ecr.$AWS_DEFAULT_REGION.amazonaws.com`; (b) when the buildspec "
        "uses `$AWS_ACCOUNT_ID` and nothing defines it, adds `\"AWS_ACCOUNT_ID\": "
        "codebuild.BuildEnvironmentVariable(value=self.account)` to the project's `environment_variables` "
        "(`Stack.of(scope).account` outside a Stack); `AWS_DEFAULT_REGION` is left to CodeBuild, which sets it; "
        "(c) for a test project (id or `project_name` says test) without `reports`, adds a `test-reports` JUnit "
        "XML report group, with the files a pytest `--junitxml=` option names or else `**/*` under `reports`. A "
        "project of any name whose buildspec runs pytest gets the report group too; when its only pytest command "
        "is plain (`pytest ...`, `python -m pytest ...`, nothing chained after it) and has no `--junitxml`, the "
        "command gets `--junitxml=reports/junit.xml` and the group reads that file. A `BuildSpec` or its dict "
        "passed through a variable or `self.` attribute is read (and edited) at its one assignment, once for all "
        "the projects that share it. Reported without a fix: a buildspec dict computed at run time or spread "
        "(`{**base}`), environment variables cdkfix cannot read when an ECR login is missing, and a `**` splat on "
        "the project (it may hold the build spec, its variables or its name)."
    )
    impact = "Image pushes fail without an ECR login; test results are not visible in CodeBuild."
    options = {
        # Where test projects write JUnit XML when no `--junitxml=` option says so.
        "report_base_directory": "reports",
        "report_file_format": "JUNITXML",
    }
    calls = frozenset(PROJECTS)
    examples = [
        Example(
            before='''\
from aws_cdk import Stack, aws_codebuild as codebuild


class PipelineStack(Stack):
    def __init__(self, scope, construct_id, *, repository_uri, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        build_project = codebuild.PipelineProject(
            self,
            "BuildProject",
            build_spec=codebuild.BuildSpec.from_object({
                "version": "0.2",
                "env": {
                    "secrets-manager": {"DOCKERHUB_PASSWORD": "dockerhub:password"}
                },
                "phases": {
                    "build": {
                        "commands": [f"docker build -t {repository_uri}:latest ."]
                    },
                    "post_build": {
                        "commands": [f"docker push {repository_uri}:latest"]
                    }
                }
            }),
            timeout=Duration.minutes(60)  # one hour
        )
''',
            after='''\
from aws_cdk import Stack, aws_codebuild as codebuild


class PipelineStack(Stack):
    def __init__(self, scope, construct_id, *, repository_uri, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        build_project = codebuild.PipelineProject(
            self,
            "BuildProject",
            build_spec=codebuild.BuildSpec.from_object({
                "version": "0.2",
                "env": {
                    "secrets-manager": {"DOCKERHUB_PASSWORD": "dockerhub:password"}
                },
                "phases": {
                    "pre_build": {
                        "commands": [
                            "aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username AWS --password-stdin $AWS_ACCOUNT_ID.dkr.ecr.$AWS_DEFAULT_REGION.amazonaws.com"
                        ]
                    },
                    "build": {
                        "commands": [f"docker build -t {repository_uri}:latest ."]
                    },
                    "post_build": {
                        "commands": [f"docker push {repository_uri}:latest"]
                    }
                }
            }),
            timeout=Duration.minutes(60),  # one hour
            environment_variables={
                "AWS_ACCOUNT_ID": codebuild.BuildEnvironmentVariable(
                    value=self.account
                )
            }
        )
''',
            name="ECR push: pre_build login and the account variable, env section kept",
        ),
        Example(
            before='''\
import aws_cdk as cdk


class TestStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        cdk.aws_codebuild.PipelineProject(self, "UnitTests", build_spec=cdk.aws_codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["pytest --junitxml=out/tests/junit.xml"]}}}),)
''',
            after='''\
import aws_cdk as cdk


class TestStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        cdk.aws_codebuild.PipelineProject(self, "UnitTests", build_spec=cdk.aws_codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["pytest --junitxml=out/tests/junit.xml"]}}, "reports": {"test-reports": {"files": ["junit.xml"], "base-directory": "out/tests", "file-format": "JUNITXML"}}}),)
''',
            name="test project, one-line call with a trailing comma, report path from --junitxml",
        ),
        Example(
            before='''\
from aws_cdk.aws_codebuild import BuildEnvironmentVariable, BuildSpec, Project


def make(scope):
    return Project(
        scope,
        "Images",
        environment_variables={"IMAGE_TAG": BuildEnvironmentVariable(value=tag)},
        build_spec=BuildSpec.from_object({
            "version": "0.2",
            "phases": {
                "pre_build": {"commands": ["echo start"]},
                "build": {"commands": ["docker build -t $ECR_REPO .", "docker push $ECR_REPO"]},
            },
        }),
    )
''',
            after='''\
from aws_cdk.aws_codebuild import BuildEnvironmentVariable, BuildSpec, Project
from aws_cdk import Stack


def make(scope):
    return Project(
        scope,
        "Images",
        environment_variables={"IMAGE_TAG": BuildEnvironmentVariable(value=tag), "AWS_ACCOUNT_ID": BuildEnvironmentVariable(value=Stack.of(scope).account)},
        build_spec=BuildSpec.from_object({
            "version": "0.2",
            "phases": {
                "pre_build": {"commands": ["aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username AWS --password-stdin $AWS_ACCOUNT_ID.dkr.ecr.$AWS_DEFAULT_REGION.amazonaws.com", "echo start"]},
                "build": {"commands": ["docker build -t $ECR_REPO .", "docker push $ECR_REPO"]},
            },
        }),
    )
''',
            name="existing pre_build and environment_variables, outside a Stack, classes imported directly",
        ),
        Example(
            before='''\
import aws_cdk.aws_codebuild as codebuild

codebuild.PipelineProject(
    stack,
    "Build",
    project_name="app-tests",
    build_spec=codebuild.BuildSpec.from_object(
        {
            "version": "0.2",
            "phases": {"build": {"commands": ["make test"]}},
        }
    ),
)
''',
            after='''\
import aws_cdk.aws_codebuild as codebuild

codebuild.PipelineProject(
    stack,
    "Build",
    project_name="app-tests",
    build_spec=codebuild.BuildSpec.from_object(
        {
            "version": "0.2",
            "phases": {"build": {"commands": ["make test"]}},
            "reports": {
                "test-reports": {
                    "files": ["**/*"],
                    "base-directory": "reports",
                    "file-format": "JUNITXML",
                }
            },
        }
    ),
)
''',
            name="test project by project_name, default report location",
        ),
        Example(
            before='''\
from aws_cdk import Stack, aws_codebuild as codebuild


class CiStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        codebuild.PipelineProject(
            self,
            "Build",
            build_spec=codebuild.BuildSpec.from_object({
                "version": "0.2",
                "phases": {
                    "install": {"commands": ["pip install -r requirements.txt"]},
                    "build": {"commands": ["pytest tests/ -v"]},
                },
            }),
        )
''',
            after='''\
from aws_cdk import Stack, aws_codebuild as codebuild


class CiStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        codebuild.PipelineProject(
            self,
            "Build",
            build_spec=codebuild.BuildSpec.from_object({
                "version": "0.2",
                "phases": {
                    "install": {"commands": ["pip install -r requirements.txt"]},
                    "build": {"commands": ["pytest tests/ -v --junitxml=reports/junit.xml"]},
                },
                "reports": {
                    "test-reports": {
                        "files": ["junit.xml"],
                        "base-directory": "reports",
                        "file-format": "JUNITXML",
                    }
                },
            }),
        )
''',
            name="pytest without --junitxml in a project whose name does not say test",
        ),
        Example(
            before='''\
import aws_cdk as cdk
from constructs import Construct


class Checks(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self.tests = cdk.aws_codebuild.PipelineProject(self, "UnitTests", build_spec=cdk.aws_codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["python -m pytest -q"]}}}))
''',
            after='''\
import aws_cdk as cdk
from constructs import Construct


class Checks(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self.tests = cdk.aws_codebuild.PipelineProject(self, "UnitTests", build_spec=cdk.aws_codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["python -m pytest -q --junitxml=reports/junit.xml"]}}, "reports": {"test-reports": {"files": ["junit.xml"], "base-directory": "reports", "file-format": "JUNITXML"}}}))
''',
            name="python -m pytest in a plain Construct through import aws_cdk as cdk, self. attribute",
        ),
        Example(
            before='''\
from aws_cdk import aws_codebuild as codebuild, aws_ecr as ecr

build_image_repository = ecr.Repository(stack, "BuildImages")
codebuild.PipelineProject(
    stack,
    "Image",
    environment=codebuild.BuildEnvironment(
        build_image=codebuild.LinuxBuildImage.from_ecr_repository(build_image_repository, "latest"),
        privileged=True,
    ),
    build_spec=codebuild.BuildSpec.from_object({
        "version": "0.2",
        "phases": {"build": {"commands": ["docker build -t app:latest .", "docker push app:latest"]}},
    }),
)
''',
            flagged=True,
            name="docker push app:latest names no registry (build image from the ECR repository A4 creates): reported without a fix",
        ),
        Example(
            before='''\
from aws_cdk.aws_codebuild import BuildSpec, PipelineProject

PipelineProject(stack, "Build", build_spec=BuildSpec.from_object({"phases": {"build": {"commands": ["pytest && coverage report"]}}}))
PipelineProject(stack, "Lint", build_spec=BuildSpec.from_object({"phases": {"build": {"commands": [f"pytest {args}"]}}}))
''',
            name="pytest chained with another command, or in an f-string, in a project not named test: left alone",
        ),
        Example(
            before='''\
from aws_cdk import aws_codebuild as codebuild

codebuild.PipelineProject(self, "Build", build_spec=codebuild.BuildSpec.from_object({"phases": {"pre_build": {"commands": ["aws ecr get-login-password | docker login --username AWS --password-stdin $REGISTRY"]}, "build": {"commands": ["docker push $REPOSITORY_URI"]}}}))
codebuild.PipelineProject(self, "Hub", build_spec=codebuild.BuildSpec.from_object({"phases": {"build": {"commands": ["docker push myorg/app:latest"]}}}))
codebuild.PipelineProject(self, "Tests", build_spec=codebuild.BuildSpec.from_object({"phases": {}, "reports": {"unit": {"files": ["*.xml"]}}}))
codebuild.PipelineProject(self, "TestsNoGrant", grant_report_group_permissions=False, build_spec=codebuild.BuildSpec.from_object({"phases": {}}))
codebuild.PipelineProject(self, "File", build_spec=codebuild.BuildSpec.from_source_filename("buildspec.yml"))
codebuild.PipelineProject(self, "SplatLoggedIn", build_spec=codebuild.BuildSpec.from_object({"phases": {"build": {"commands": ["aws ecr get-login-password | docker login --username AWS --password-stdin $REGISTRY", "docker push $ECR_REPO"]}}}), **props)
''',
            name="already logged in (also beside a splat), Docker Hub, reports present, no report grants, a buildspec file",
        ),
        Example(
            before='''\
from aws_cdk import Stack, aws_codebuild as codebuild


class CiStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        test_spec = codebuild.BuildSpec.from_object({
            "version": "0.2",
            "phases": {"build": {"commands": ["pytest tests/unit"]}},
        })
        codebuild.PipelineProject(self, "UnitTests", build_spec=test_spec)
''',
            after='''\
from aws_cdk import Stack, aws_codebuild as codebuild


class CiStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        test_spec = codebuild.BuildSpec.from_object({
            "version": "0.2",
            "phases": {"build": {"commands": ["pytest tests/unit --junitxml=reports/junit.xml"]}},
            "reports": {
                "test-reports": {
                    "files": ["junit.xml"],
                    "base-directory": "reports",
                    "file-format": "JUNITXML",
                }
            },
        })
        codebuild.PipelineProject(self, "UnitTests", build_spec=test_spec)
''',
            name="BuildSpec in a local variable, pytest without reports",
        ),
        Example(
            before='''\
import aws_cdk as cdk
from constructs import Construct


class ImageBuild(Construct):
    def __init__(self, scope, construct_id, *, repository_uri) -> None:
        super().__init__(scope, construct_id)
        spec = {
            "version": "0.2",
            "phases": {
                "build": {"commands": [f"docker build -t {repository_uri}:latest .", f"docker push {repository_uri}:latest"]},
            },
        }
        cdk.aws_codebuild.PipelineProject(self, "Image", build_spec=cdk.aws_codebuild.BuildSpec.from_object(spec))
''',
            after='''\
import aws_cdk as cdk
from constructs import Construct


class ImageBuild(Construct):
    def __init__(self, scope, construct_id, *, repository_uri) -> None:
        super().__init__(scope, construct_id)
        spec = {
            "version": "0.2",
            "phases": {
                "pre_build": {
                    "commands": [
                        "aws ecr get-login-password --region $AWS_DEFAULT_REGION | docker login --username AWS --password-stdin $AWS_ACCOUNT_ID.dkr.ecr.$AWS_DEFAULT_REGION.amazonaws.com"
                    ]
                },
                "build": {"commands": [f"docker build -t {repository_uri}:latest .", f"docker push {repository_uri}:latest"]},
            },
        }
        cdk.aws_codebuild.PipelineProject(self, "Image", build_spec=cdk.aws_codebuild.BuildSpec.from_object(spec), environment_variables={
            "AWS_ACCOUNT_ID": cdk.aws_codebuild.BuildEnvironmentVariable(
                value=cdk.Stack.of(self).account
            )
        })
''',
            name="the buildspec dict in a local variable, in a plain Construct through import aws_cdk as cdk",
        ),
        Example(
            before='''\
from aws_cdk import Stack
from aws_cdk.aws_codebuild import BuildSpec, PipelineProject


class TestsStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.test_spec = BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["python -m pytest"]}}})
        self.add_tests()

    def add_tests(self):
        PipelineProject(self, "UnitTests", build_spec=self.test_spec)
        PipelineProject(self, "IntegrationTests", build_spec=self.test_spec)
''',
            after='''\
from aws_cdk import Stack
from aws_cdk.aws_codebuild import BuildSpec, PipelineProject


class TestsStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.test_spec = BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["python -m pytest --junitxml=reports/junit.xml"]}}, "reports": {"test-reports": {"files": ["junit.xml"], "base-directory": "reports", "file-format": "JUNITXML"}}})
        self.add_tests()

    def add_tests(self):
        PipelineProject(self, "UnitTests", build_spec=self.test_spec)
        PipelineProject(self, "IntegrationTests", build_spec=self.test_spec)
''',
            name="one BuildSpec in a self. attribute shared by two test projects: edited once",
        ),
        Example(
            before='''\
from aws_cdk import aws_codebuild as codebuild


def projects(scope, variables, spec, base, props):
    codebuild.PipelineProject(scope, "Vars", environment_variables=variables, build_spec=codebuild.BuildSpec.from_object({"phases": {"build": {"commands": ["docker push $ECR_REPO"]}}}))
    codebuild.PipelineProject(scope, "Spec", build_spec=codebuild.BuildSpec.from_object(spec))
    codebuild.PipelineProject(scope, "Spread", build_spec=codebuild.BuildSpec.from_object({**base, "phases": {"build": {"commands": ["docker push $ECR_REPO"]}}}))
    codebuild.PipelineProject(scope, "UnitTests", build_spec=codebuild.BuildSpec.from_object({"phases": {"build": {"commands": ["pytest"]}}}), **props)
    codebuild.PipelineProject(scope, "TestSplat", **props)
''',
            flagged=True,
            name="environment variables, a buildspec computed at run time or spread, `**` splats: reported without a fix",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        # The buildspec dicts already edited in this file: one dict held in a variable may be
        # the build spec of several projects, and gets its login and reports once.
        self._edited_specs: set[int] = set()
        self._spec_statement: cst.BaseStatement | None = None

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) not in PROJECTS:
            return
        splat = layout.has_double_star(node)
        spec_arg = layout.keyword_arg(node, "build_spec")
        if spec_arg is None:
            if splat:
                self.report_without_fix(
                    "CodeBuild project whose build spec cdkfix cannot see",
                    "a `**` splat may hold an inline `build_spec` (and its environment variables): cdkfix cannot see "
                    "its keywords",
                    node,
                )
            return
        spec_call, call_statement = self._followed(spec_arg.value)
        if not self.is_call_to(spec_call, FROM_OBJECT):
            return  # a buildspec file in the source, or a BuildSpec cdkfix cannot see: not inline
        spec_value = layout.argument(spec_call, 0, "value")
        if spec_value is None:
            return
        spec, spec_statement = self._followed(spec_value.value, call_statement)
        if not isinstance(spec, cst.Dict) or not _literal_keys(spec):
            self.report_without_fix(
                "inline build spec cdkfix cannot read",
                f"`BuildSpec.from_object({code(spec_value.value)})` is not a dict of literal keys (a value computed "
                "at run time, a `**` spread): whether it logs in to ECR and reports its tests is unknown",
                node,
            )
            return
        self._spec_statement = spec_statement
        phases_item = dict_element(spec, "phases")
        phases = phases_item.value if phases_item is not None and isinstance(phases_item.value, cst.Dict) else None
        if phases is not None and not _literal_keys(phases):
            return
        commands = _phase_commands(phases) if phases is not None else []

        edits: list[Edit] = []
        findings: list[str] = []
        variables = self._account_variable(node, spec)  # None: unknown
        login = self._ecr_login(phases, commands, variables)
        if login is not None:
            edits.append(login)
            findings.append("pushes images to ECR without an ECR login")
        elif variables is None and self._ecr_login(phases, commands, True) is not None:
            self.report_without_fix(
                "buildspec pushes images to ECR without an ECR login",
                "the project's environment variables are not a dict cdkfix can read: the login needs "
                "`AWS_ACCOUNT_ID`, and whether it is set is unknown",
                node,
            )
        uses_account = login is not None or any(
            "$AWS_ACCOUNT_ID" in text or "${AWS_ACCOUNT_ID}" in text for text in commands
        )
        if uses_account and variables is not None and variables is not True:
            edits.append(self._add_account(node, variables))
            findings.append("`$AWS_ACCOUNT_ID` is not set")
        reports = self._reports(node, spec, commands)
        if reports is not None:
            edits.extend(reports)
            findings.append("test project without test reports")
        if splat and edits:
            self.report_without_fix(
                "buildspec " + "; ".join(findings),
                "a `**` splat may set `environment_variables`, `project_name` or `grant_report_group_permissions`: "
                "cdkfix cannot see its keywords",
                node,
            )
            edits = []
        if id(spec) in self._edited_specs:
            # Another project's fix already edits this dict: this one adds only its own keywords.
            edits = [edit for edit in edits if edit.statement is not spec_statement or spec_statement is self.current_statement]
        elif edits:
            self._edited_specs.add(id(spec))
        if edits:
            self.report("buildspec " + "; ".join(findings), edits)
        self._unqualified_push(node, commands)

    def _followed(
        self, node: cst.BaseExpression, statement: cst.BaseStatement | None = None
    ) -> tuple[cst.BaseExpression, cst.BaseStatement]:
        """(`node` or the value of the one assignment of the variable / `self.` attribute it is,
        the statement holding that value); `statement` holds `node` (default: the current one)."""
        if isinstance(node, (cst.Name, cst.Attribute)) and self.resolve(node) is None:
            found = single_binding(self, node)
            if found is not None:
                return found[1], found[0]
        return node, statement or self.current_statement

    def _spec_change(self, node: cst.CSTNode, change) -> Edit:
        """An edit of a node of the buildspec dict, in the statement that holds the dict."""
        return self.change(node, change, self._spec_statement)

    # --- (d) a push that names no registry ---

    def _unqualified_push(self, node: cst.Call, commands: list[str]) -> None:
        """`docker push app:latest`: no registry and no namespace, so Docker Hub's `library/`, which
        refuses it. Where the image belongs (which ECR repository, with which push grant) is the
        team's decision: reported without a fix."""
        pushed = [match.group(1) for text in commands for match in UNQUALIFIED_PUSH.finditer(text)]
        if not pushed:
            return
        image = _build_image_repository(self, node)
        where = f" (the build image comes from the ECR repository `{image}`)" if image else ""
        self.report_without_fix(
            f"buildspec pushes `{pushed[0]}`, which names no registry: the push goes to Docker Hub and is refused{where}",
            "cdkfix cannot tell which ECR repository the image belongs to: tag and push it as "
            "`$REPOSITORY_URI:<tag>` with `REPOSITORY_URI` set to `repo.repository_uri` in the project's "
            "environment variables, and grant the push with `repo.grant_pull_push(project)` (CDK-I6 then adds "
            "the ECR login)",
            node,
        )

    # --- (a) ECR login ---

    def _ecr_login(self, phases: cst.Dict | None, commands: list[str], variables) -> Edit | None:
        if phases is None or variables is None:
            return None  # without phases nothing pushes; with unknown variables the login might lack its account
        pushes = [text for text in commands if "docker push" in text]
        if not any(hint in text.lower() for text in pushes for hint in ECR_HINTS):
            return None
        if any("ecr get-login" in text for text in commands):
            return None
        pre_build = dict_element(phases, "pre_build")
        if pre_build is not None:
            if not isinstance(pre_build.value, cst.Dict) or not _literal_keys(pre_build.value):
                return None
            existing = dict_element(pre_build.value, "commands")
            if existing is None:
                return self._spec_change(
                    pre_build.value,
                    lambda mapping: self._set_item(mapping, "commands", f"[{ECR_LOGIN!r}]"),
                )
            if not isinstance(existing.value, cst.List):
                return None
            login = _string(ECR_LOGIN)
            return self._spec_change(
                existing.value,
                lambda commands_list: commands_list.with_changes(
                    elements=_insert_separated(
                        commands_list.elements, 0, cst.Element(value=login), commands_list.lbracket.whitespace_after
                    )
                ),
            )
        keys = [string_value(element.key) for element in phases.elements]
        index = next(
            (position for position, key in enumerate(keys) if key in PHASE_ORDER[PHASE_ORDER.index("pre_build") + 1:]),
            len(keys),
        )
        return self._spec_change(
            phases,
            lambda mapping: self._insert_item(mapping, index, "pre_build", f"{{'commands': [{ECR_LOGIN!r}]}}"),
        )

    # --- (b) the account variable ---

    def _account_variable(self, node: cst.Call, spec: cst.Dict):
        """True when AWS_ACCOUNT_ID is defined; else the dict to add it to (or the call, when there is none); None: unknown."""
        env = dict_element(spec, "env")
        if env is not None and isinstance(env.value, cst.Dict):
            variables = dict_element(env.value, "variables")
            if variables is not None and isinstance(variables.value, cst.Dict) and dict_element(variables.value, ACCOUNT_VARIABLE):
                return True
        places = [layout.keyword_arg(node, "environment_variables")]
        environment = layout.keyword_arg(node, "environment")
        if environment is not None:
            if not self.is_call_to(environment.value, BUILD_ENVIRONMENT):
                return None
            places.append(layout.keyword_arg(environment.value, "environment_variables"))
        target = None
        for place in places:
            if place is None:
                continue
            if not isinstance(place.value, cst.Dict) or not _literal_keys(place.value):
                return None
            if dict_element(place.value, ACCOUNT_VARIABLE) is not None:
                return True
            target = target or place.value
        return target or node

    def _add_account(self, node: cst.Call, target: cst.Dict | cst.Call) -> Edit:
        variable = self.ref(ENV_VARIABLE)
        scope = construct_scope(node)
        if scope == "self" and self._in_stack_class():
            account = "self.account"
        else:
            account = f"{self.ref(STACK)}.of({scope}).account"
        value = f"{variable}(value={account})"
        if isinstance(target, cst.Call):
            return self.set_keyword(node, "environment_variables", f"{{{ACCOUNT_VARIABLE!r}: {value}}}")
        return self.change(target, lambda mapping: self._set_item(mapping, ACCOUNT_VARIABLE, value))

    def _in_stack_class(self) -> bool:
        function = self.enclosing(cst.FunctionDef)
        cls = self.enclosing(cst.ClassDef)
        if function is None or cls is None:
            return False
        return any(self.resolve(base.value) == STACK for base in cls.bases)

    # --- (c) test reports ---

    def _reports(self, node: cst.Call, spec: cst.Dict, commands: list[str]) -> list[Edit] | None:
        if dict_element(spec, "reports") is not None:
            return None
        grant = layout.keyword_arg(node, "grant_report_group_permissions")
        if grant is not None and code(grant.value) != "True":
            return None  # CodeBuild could not create the report group
        names = [static_text(arg.value) for arg in (layout.argument(node, 1, "id"), layout.keyword_arg(node, "project_name")) if arg]
        runs_pytest = any(PYTEST.search(text) for text in commands)
        if not runs_pytest and not any(_says_test(name) for name in names):
            return None
        base, files = self.settings["report_base_directory"], "**/*"
        junit = None
        for text in commands:
            match = re.search(r"--junitxml[= ]([^\s'\"{}$]+)", text)
            if match:
                base, files = posixpath.split(match.group(1))
                base = base or "."
                break
        else:
            # pytest writes no JUnit file unless told: a plain `pytest ...` command (nothing chained
            # after it) gets `--junitxml=<base>/junit.xml`, and the report reads that one file.
            junit = _plain_pytest_command(spec)
            if junit is not None:
                files = "junit.xml"
            elif not any(_says_test(name) for name in names):
                return None  # pytest inside a compound command: where a flag would go is unsure
        value = (
            f"{{'test-reports': {{'files': [{files!r}], 'base-directory': {base!r}, "
            f"'file-format': {self.settings['report_file_format']!r}}}}}"
        )
        edits = [self._spec_change(spec, lambda mapping: self._set_item(mapping, "reports", value))]
        if junit is not None:
            flag = f" --junitxml={posixpath.join(base, files)}"
            edits.append(self._spec_change(junit, lambda string: _append_to_string(string, flag)))
        return edits

    # --- dict editing that keeps the layout ---

    def _value(self, mapping: cst.Dict, key: str, source: str) -> cst.BaseExpression:
        column = _column(mapping)
        if column is None:  # a one-line dict: the new value stays on one line too
            return format_expression(source, 10_000)
        return format_expression(source, self.context.line_length - column - len(repr(key)) - 2)

    def _set_item(self, mapping: cst.Dict, key: str, source: str) -> cst.Dict:
        return layout.set_dict_item(mapping, _string(key), self._value(mapping, key, source))

    def _insert_item(self, mapping: cst.Dict, index: int, key: str, source: str) -> cst.Dict:
        element = cst.DictElement(key=_string(key), value=self._value(mapping, key, source))
        return mapping.with_changes(
            elements=_insert_separated(mapping.elements, index, element, mapping.lbrace.whitespace_after)
        )


def _says_test(name: str) -> bool:
    """"TestProject", "app-tests-dev", "UnitTests", "unittests" say test; "LatestBuild" does not."""
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)
    return any(word.lower() in ("test", "tests", "testing") or word.lower().endswith("tests") for word in words)


def _string(value: str) -> cst.SimpleString:
    return cst.SimpleString('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _plain_pytest_command(spec: cst.Dict) -> cst.SimpleString | None:
    """The one plain-string command of `spec`'s phases that is only a pytest run, else None."""
    phases = dict_element(spec, "phases")
    if phases is None or not isinstance(phases.value, cst.Dict):
        return None
    found = []
    for element in phases.value.elements:
        if not isinstance(element, cst.DictElement) or not isinstance(element.value, cst.Dict):
            continue
        commands = dict_element(element.value, "commands")
        if commands is None or not isinstance(commands.value, cst.List):
            continue
        for command in commands.value.elements:
            text = string_value(command.value)
            if text is not None and PYTEST.search(text):
                found.append(command.value if PLAIN_PYTEST.match(text) and isinstance(command.value, cst.SimpleString) else None)
    return found[0] if len(found) == 1 else None


def _append_to_string(string: cst.SimpleString, text: str) -> cst.SimpleString:
    """`string` with `text` appended inside its quotes (raw or not, `text` has no escapes)."""
    quote = string.quote
    return string.with_changes(value=string.value[: len(string.value) - len(quote)] + text + quote)


def _build_image_repository(rule: Rule, project: cst.Call) -> str | None:
    """The code of `repo` in `environment=BuildEnvironment(build_image=...from_ecr_repository(repo))`."""
    environment = layout.keyword_arg(project, "environment")
    if environment is None or not isinstance(environment.value, cst.Call):
        return None
    image = layout.keyword_arg(environment.value, "build_image")
    if image is None or not isinstance(image.value, cst.Call):
        return None
    func = image.value.func
    if not isinstance(func, cst.Attribute) or func.attr.value != IMAGE_FROM_ECR or not image.value.args:
        return None
    return code(image.value.args[0].value)
