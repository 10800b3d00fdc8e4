"""CDK-A4: CodeBuild build image from an ECR repository that does not exist (`repository=None`)."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, construct_id, construct_scope, derive_id
from cdkfix.edits import Edit
from cdkfix.rule import Category, Example, Kind, Rule
from cdkfix.transforms._bindings import single_binding
from cdkfix.traverse import nodes_within, visit_readonly

# codebuild's from_ecr_repository, and the name of its tag parameter (the GPU image's is still `tag`).
IMAGES = {
    "aws_cdk.aws_codebuild.LinuxBuildImage.from_ecr_repository": "tag_or_digest",
    "aws_cdk.aws_codebuild.LinuxArmBuildImage.from_ecr_repository": "tag_or_digest",
    "aws_cdk.aws_codebuild.WindowsBuildImage.from_ecr_repository": "tag_or_digest",
    "aws_cdk.aws_codebuild.LinuxGpuBuildImage.from_ecr_repository": "tag",
}
PROJECTS = ("aws_cdk.aws_codebuild.PipelineProject", "aws_cdk.aws_codebuild.Project")
ENVIRONMENT = "aws_cdk.aws_codebuild.BuildEnvironment"
REPOSITORY = "aws_cdk.aws_ecr.Repository"
LIFECYCLE_RULE = "aws_cdk.aws_ecr.LifecycleRule"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
SUFFIX_NAME = "environment_suffix"


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _repository_index(call: cst.Call) -> int | None:
    """Index in `call.args` of the repository argument (keyword or first positional)."""
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == "repository":
            return index
    for index, arg in enumerate(call.args):
        if arg.keyword is None and not arg.star:
            return index
    return None


def _rename_keyword(call: cst.Call, old: str, new: str) -> cst.Call:
    return call.with_changes(
        args=[
            arg.with_changes(keyword=cst.Name(new)) if arg.keyword is not None and arg.keyword.value == old else arg
            for arg in call.args
        ]
    )


def _with_repository(call: cst.Call, repository: str) -> cst.Call:
    """`call` with `repository` as its first positional argument, replacing a missing/None one."""
    value = cst.Name(repository)
    args = list(call.args)
    index = _repository_index(call)
    if index == 0:
        # In place: keeps the argument's comma and line; a comment beside `None` spoke of the missing repository.
        args[0] = layout.without_trailing_comment(
            args[0].with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT, value=value)
        )
        return call.with_changes(args=args)
    if index is not None:
        args = layout.remove_separated(args, index)
    if not args:
        return call.with_changes(args=[cst.Arg(value=value)])
    opening = call.whitespace_before_args
    if isinstance(opening, cst.ParenthesizedWhitespace):
        separator = opening  # one argument a line: the new one gets its own line
    else:
        separator = cst.SimpleWhitespace(" ")
    first = cst.Arg(value=value, comma=cst.Comma(whitespace_after=separator))
    return call.with_changes(args=[first, *args])


class CodebuildEcrBuildImage(Rule):
    code = "CDK-A4"
    name = "codebuild-ecr-build-image"
    title = "Missing ECR Repository for Build Images"
    category = Category.CRITICAL
    kind = Kind.CONFIGURATION
    issue = (
        "The CodeBuild project takes its build image from an ECR repository, but no repository is given "
        "(`from_ecr_repository(repository=None, ...)`): synthesis fails with a jsii serialization error, and "
        "even if it did not, the build could not pull an image from a repository that does not exist. "
        "`from_ecr_repository` of `LinuxBuildImage`, `LinuxArmBuildImage` and `WindowsBuildImage` also has no "
        "`tag` parameter: it is `tag_or_digest` (ECS's `ContainerImage.from_ecr_repository` does take `tag`)."
    )
    fix = (
        "Creates the repository before the project's statement: `ecr.Repository` with "
        "`image_scan_on_push=True`, a lifecycle rule keeping 10 images, in a destroyable run "
        "(`--extend-select destroyable`) also `removal_policy=RemovalPolicy.DESTROY` and `empty_on_delete=True` "
        "(the deprecated `auto_delete_images` is never used; by default the repository keeps CDK's RETAIN), and "
        '`repository_name=f"build-image-{environment_suffix}"` when an `environment_suffix` name is in scope. '
        "Passes it as the build image's repository with `tag_or_digest=` (the old `tag=` value kept), and "
        "grants the project `grant_pull_push` on it. A `BuildEnvironment` held in a name is followed to the one "
        "project given `environment=<name>` (its id names the repository, it gets the grant); one built in a "
        "helper function with a `scope` parameter that the module calls once gets the repository in `scope`. "
        "With no construct scope in sight (a helper with no scope, a helper called several times) the finding "
        "is reported without a fix. A real repository passed with `tag=` only gets the keyword "
        "renamed to `tag_or_digest`."
    )
    impact = (
        "The app does not synthesize (TypeError/SerializationError), and the build could never start: "
        "CodeBuild cannot pull a build image from a repository that does not exist."
    )
    calls = frozenset(IMAGES)
    examples = [
        Example(
            before="""\
from aws_cdk import Stack, aws_codebuild as codebuild
from constructs import Construct


class PipelineStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, environment_suffix: str) -> None:
        super().__init__(scope, construct_id)

        # Project that builds the image
        build_project = codebuild.PipelineProject(
            self,
            f"BuildProject{environment_suffix}",
            environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.from_ecr_repository(
                    repository=None,  # No repository provided
                    tag="latest"
                ),
                privileged=True
            ),
        )
""",
            after="""\
from aws_cdk import Stack, aws_codebuild as codebuild
from constructs import Construct
from aws_cdk import aws_ecr as ecr
from aws_cdk import RemovalPolicy


class PipelineStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, environment_suffix: str) -> None:
        super().__init__(scope, construct_id)

        build_image_repo = ecr.Repository(
            self,
            f"BuildProjectImageRepo{environment_suffix}",
            repository_name=f"build-image-{environment_suffix}",
            removal_policy=RemovalPolicy.DESTROY,
            empty_on_delete=True,
            image_scan_on_push=True,
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=10)],
        )

        # Project that builds the image
        build_project = codebuild.PipelineProject(
            self,
            f"BuildProject{environment_suffix}",
            environment=codebuild.BuildEnvironment(
                build_image=codebuild.LinuxBuildImage.from_ecr_repository(
                    build_image_repo,
                    tag_or_digest="latest"
                ),
                privileged=True
            ),
        )

        build_image_repo.grant_pull_push(build_project)
""",
            name="seed shape in a destroyable run: repository=None, tag=, environment_suffix in scope",
            also_select=("destroyable",),
        ),
        Example(
            before="""\
import aws_cdk as cdk


class Builds(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        cdk.aws_codebuild.Project(self, "Arm", build_spec=cdk.aws_codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["make"]}}}), environment=cdk.aws_codebuild.BuildEnvironment(build_image=cdk.aws_codebuild.LinuxArmBuildImage.from_ecr_repository(None, "v1")))
""",
            after="""\
import aws_cdk as cdk


class Builds(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        build_image_repo = cdk.aws_ecr.Repository(
            self,
            "ArmImageRepo",
            image_scan_on_push=True,
            lifecycle_rules=[cdk.aws_ecr.LifecycleRule(max_image_count=10)],
        )
        build_project = cdk.aws_codebuild.Project(self, "Arm", build_spec=cdk.aws_codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["make"]}}}), environment=cdk.aws_codebuild.BuildEnvironment(build_image=cdk.aws_codebuild.LinuxArmBuildImage.from_ecr_repository(build_image_repo, "v1")))
        build_image_repo.grant_pull_push(build_project)
""",
            name="production: cdk root import, positional None, unbound project, no suffix",
        ),
        Example(
            before="""\
from aws_cdk import RemovalPolicy
from aws_cdk.aws_codebuild import BuildEnvironment, PipelineProject, WindowsBuildImage
import aws_cdk.aws_ecr as ecr


class Win:
    def __init__(self, scope, environment_suffix):
        self.project = PipelineProject(
            scope, "WinBuild", environment=BuildEnvironment(
                build_image=WindowsBuildImage.from_ecr_repository(tag="2022"),  # repository forgotten
            ),
        )
""",
            after="""\
from aws_cdk import RemovalPolicy
from aws_cdk.aws_codebuild import BuildEnvironment, PipelineProject, WindowsBuildImage
import aws_cdk.aws_ecr as ecr


class Win:
    def __init__(self, scope, environment_suffix):
        build_image_repo = ecr.Repository(
            scope,
            "WinBuildImageRepo",
            repository_name=f"build-image-{environment_suffix}",
            image_scan_on_push=True,
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=10)],
        )
        self.project = PipelineProject(
            scope, "WinBuild", environment=BuildEnvironment(
                build_image=WindowsBuildImage.from_ecr_repository(build_image_repo, tag_or_digest="2022"),  # repository forgotten
            ),
        )

        build_image_repo.grant_pull_push(self.project)
""",
            name="production: classes imported directly, repository missing, project bound to an attribute",
        ),
        Example(
            before="""\
from aws_cdk import aws_codebuild as codebuild

image = codebuild.LinuxBuildImage.from_ecr_repository(repo, tag="1.2")
""",
            after="""\
from aws_cdk import aws_codebuild as codebuild

image = codebuild.LinuxBuildImage.from_ecr_repository(repo, tag_or_digest="1.2")
""",
            name="real repository with the wrong `tag=` keyword",
        ),
        Example(
            before="""\
from aws_cdk import aws_codebuild as codebuild, aws_ecs as ecs

image = ecs.ContainerImage.from_ecr_repository(repo, tag="latest")
missing = ecs.ContainerImage.from_ecr_repository(None, tag="latest")
gpu = codebuild.LinuxGpuBuildImage.from_ecr_repository(repo, tag="latest")
done = codebuild.LinuxBuildImage.from_ecr_repository(repo, tag_or_digest="latest")
splat = codebuild.LinuxBuildImage.from_ecr_repository(**image_props)
other = registry.from_ecr_repository(None, tag="latest")
""",
            name="ECS's own `tag`, the GPU image's `tag`, already fixed, splat, look-alike",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Builder(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self.project = cdk.aws_codebuild.PipelineProject(
            self,
            "Build",
            environment=cdk.aws_codebuild.BuildEnvironment(
                build_image=cdk.aws_codebuild.LinuxArmBuildImage.from_ecr_repository(None, "latest"),
            ),
        )
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Builder(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        build_image_repo = cdk.aws_ecr.Repository(
            self,
            "BuildImageRepo",
            image_scan_on_push=True,
            lifecycle_rules=[cdk.aws_ecr.LifecycleRule(max_image_count=10)],
        )
        self.project = cdk.aws_codebuild.PipelineProject(
            self,
            "Build",
            environment=cdk.aws_codebuild.BuildEnvironment(
                build_image=cdk.aws_codebuild.LinuxArmBuildImage.from_ecr_repository(build_image_repo, "latest"),
            ),
        )

        build_image_repo.grant_pull_push(self.project)
""",
            name='LinuxArmBuildImage in a plain Construct through import aws_cdk as cdk, positional None, project on self.',
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_codebuild as codebuild
from constructs import Construct


class PipelineStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        build_environment = codebuild.BuildEnvironment(
            build_image=codebuild.LinuxBuildImage.from_ecr_repository(repository=None, tag="latest"),
            privileged=True,
        )
        self.build_project = codebuild.PipelineProject(self, "BuildProject", environment=build_environment)
""",
            after="""\
from aws_cdk import Stack, aws_codebuild as codebuild
from constructs import Construct
from aws_cdk import aws_ecr as ecr


class PipelineStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        build_image_repo = ecr.Repository(
            self,
            "BuildProjectImageRepo",
            image_scan_on_push=True,
            lifecycle_rules=[ecr.LifecycleRule(max_image_count=10)],
        )
        build_environment = codebuild.BuildEnvironment(
            build_image=codebuild.LinuxBuildImage.from_ecr_repository(build_image_repo, tag_or_digest="latest"),
            privileged=True,
        )
        self.build_project = codebuild.PipelineProject(self, "BuildProject", environment=build_environment)
        build_image_repo.grant_pull_push(self.build_project)
""",
            name="BuildEnvironment in a local variable: the project it is passed to names the repository and gets the grant",
        ),
        Example(
            before="""\
from aws_cdk import aws_codebuild as codebuild
from constructs import Construct


def build_environment(scope: Construct) -> codebuild.BuildEnvironment:
    return codebuild.BuildEnvironment(
        build_image=codebuild.LinuxBuildImage.from_ecr_repository(None, "latest"),
        compute_type=codebuild.ComputeType.SMALL,
    )
""",
            after="""\
from aws_cdk import aws_codebuild as codebuild
from constructs import Construct
from aws_cdk import aws_ecr as ecr


def build_environment(scope: Construct) -> codebuild.BuildEnvironment:
    build_image_repo = ecr.Repository(
        scope,
        "BuildImageRepo",
        image_scan_on_push=True,
        lifecycle_rules=[ecr.LifecycleRule(max_image_count=10)],
    )
    return codebuild.BuildEnvironment(
        build_image=codebuild.LinuxBuildImage.from_ecr_repository(build_image_repo, "latest"),
        compute_type=codebuild.ComputeType.SMALL,
    )
""",
            name="BuildEnvironment built in a helper function given the scope, called once",
        ),
        Example(
            before="""\
from aws_cdk import aws_codebuild as codebuild


def build_environment() -> codebuild.BuildEnvironment:
    return codebuild.BuildEnvironment(
        build_image=codebuild.LinuxBuildImage.from_ecr_repository(repository=None, tag_or_digest="latest"),
    )


def arm_environment(scope, tag):
    return codebuild.BuildEnvironment(build_image=codebuild.LinuxArmBuildImage.from_ecr_repository(None, tag))


first = arm_environment(self, "v1")
second = arm_environment(self, "v2")
""",
            flagged=True,
            name="helper with no scope, helper called twice with one scope: reported without a fix",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._named: set[int] = set()  # functions that already have a repository named after the suffix
        self._fallback_ids: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified not in IMAGES or layout.has_double_star(node):
            return
        tag_param = IMAGES[qualified]
        index = _repository_index(node)
        missing = index is None or _is_none(node.args[index].value)
        wrong_tag = (
            tag_param != "tag"
            and layout.keyword_arg(node, "tag") is not None
            and layout.keyword_arg(node, tag_param) is None
        )
        if missing:
            self._add_repository(node, tag_param if wrong_tag else None)
        elif wrong_tag:
            self.report(
                f"`from_ecr_repository` has no `tag` parameter; it is `{tag_param}`",
                [self.change(node, lambda call: _rename_keyword(call, "tag", tag_param))],
            )

    def _add_repository(self, node: cst.Call, tag_param: str | None) -> None:
        statement = self.current_statement
        project = self._project()
        function = self.enclosing(cst.FunctionDef)
        # `env = codebuild.BuildEnvironment(...)` then `Project(..., environment=env)`: the project
        # that the environment's one name reaches, bound to a name of its own (for the grant).
        held = self._project_through_name(statement, function) if project is None else None
        if project is not None:
            scope = construct_scope(project)
            repo_id = derive_id(construct_id(project), "ImageRepo", "BuildImageRepo")
        elif held is not None:
            scope = construct_scope(held[0])
            repo_id = derive_id(construct_id(held[0]), "ImageRepo", "BuildImageRepo")
        elif function is not None and "self" in _parameters(function):
            scope = "self"
            repo_id = self._fallback_id()
        elif function is not None and "scope" in _parameters(function) and self._called_once(function):
            scope = "scope"  # a helper function given the scope, called once: one repository
            repo_id = self._fallback_id()
        else:
            why = (
                f"`{function.name.value}` is called more than once with its scope: one repository a call would "
                "repeat the construct id"
                if function is not None and "scope" in _parameters(function)
                else "no construct scope (`self` or a `scope` parameter) where the build image is written"
            )
            self.report_without_fix(
                "CodeBuild build image from ECR with no repository",
                f"{why}: create an `ecr.Repository` where the project is created and pass it to "
                "`from_ecr_repository`",
                node,
            )
            return
        edits: list[Edit] = []
        project_ref = None
        grant_after = statement
        if project is not None:
            found = self.reference_to(project, "build_project")
            if found is not None:
                project_ref, bind = found
                edits.extend(bind)
        elif held is not None:
            _, project_ref, grant_after = held

        name = self.unique_name("build_image_repo")
        repository_name = ""
        key = id(function) if function is not None else 0
        if self._suffix_in_scope(function) and key not in self._named:
            self._named.add(key)
            repository_name = f'    repository_name=f"build-image-{{{SUFFIX_NAME}}}",\n'
        # The repository goes away with the stack only in a destroyable run; by default it is
        # kept (RETAIN), as CDK's default is for production.
        repository = self.ref(REPOSITORY)  # first: the imports are added in the order asked for
        destroy = (
            f"    removal_policy={self.ref(DESTROY)},\n    empty_on_delete=True,\n" if self.destroyable_selected else ""
        )
        source = (
            f"{name} = {repository}(\n"
            f"    {scope},\n"
            f"    {repo_id},\n"
            f"{repository_name}"
            f"{destroy}"
            f"    image_scan_on_push=True,\n"
            f"    lifecycle_rules=[{self.ref(LIFECYCLE_RULE)}(max_image_count=10)],\n"
            f")\n"
        )
        edits.insert(0, self.insert_before(statement, source))

        def rewrite(call: cst.Call) -> cst.Call:
            call = _with_repository(call, name)
            return _rename_keyword(call, "tag", tag_param) if tag_param else call

        edits.append(self.change(node, rewrite, statement))
        index = _repository_index(node)
        given = "`repository=None`" if index is not None else "no repository argument"
        message = f"CodeBuild build image from ECR with {given}"
        if tag_param:
            message += f"; `tag=` is `{tag_param}=`"
        if project_ref is not None:
            edits.append(self.insert_after(grant_after, f"{name}.grant_pull_push({project_ref})\n"))
        else:
            message += "; no project variable to grant push to (CodeBuild grants the pull itself)"
        self.report(message, edits, anchor=statement)

    def _project(self) -> cst.Call | None:
        for ancestor in reversed(self.context.ancestors[:-1]):
            if isinstance(ancestor, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                return None
            if isinstance(ancestor, cst.Call) and self.is_call_to(ancestor, *PROJECTS):
                return ancestor
        return None

    def _project_through_name(
        self, statement: cst.BaseStatement, function: cst.FunctionDef | None
    ) -> tuple[cst.Call, str, cst.SimpleStatementLine] | None:
        """(project call, its name, its statement) when `statement` is `env = codebuild.BuildEnvironment(...)`
        and the one project of the same function given `environment=env` is bound by `x = Project(...)`
        or `self.x = Project(...)`. None otherwise (the name is not provably used by one project)."""
        if not (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Assign)
            and len(statement.body[0].targets) == 1
            and isinstance(statement.body[0].targets[0].target, cst.Name)
            and self.is_call_to(statement.body[0].value, ENVIRONMENT)
        ):
            return None
        name = statement.body[0].targets[0].target.value
        scope = function if function is not None else self.context.module
        if single_binding(self, cst.Name(name)) is None:
            return None  # rebound: which value a project gets is not provable
        uses = [found for found in nodes_within(scope, cst.Name) if found.value == name]
        projects = [
            call
            for call in nodes_within(scope, cst.Call)
            if self.is_call_to(call, *PROJECTS)
            and (arg := layout.keyword_arg(call, "environment")) is not None
            and isinstance(arg.value, cst.Name)
            and arg.value.value == name
        ]
        if len(projects) != 1 or len(uses) != 2:  # the assignment and the project's keyword, nothing else
            return None
        for line in nodes_within(scope, cst.SimpleStatementLine):
            if (
                len(line.body) == 1
                and isinstance(line.body[0], cst.Assign)
                and len(line.body[0].targets) == 1
                and line.body[0].value is projects[0]
                and isinstance(line.body[0].targets[0].target, (cst.Name, cst.Attribute))
            ):
                return projects[0], code(line.body[0].targets[0].target), line
        return None

    def _called_once(self, function: cst.FunctionDef) -> bool:
        """Whether the module calls the helper `function` (by its name) at most once."""
        calls = [
            call
            for call in nodes_within(self.context.module, cst.Call)
            if isinstance(call.func, cst.Name) and call.func.value == function.name.value
        ]
        return len(calls) <= 1

    def _fallback_id(self) -> str:
        base, counter = "BuildImageRepo", 2
        chosen = base
        while chosen in self._fallback_ids:
            chosen, counter = f"{base}{counter}", counter + 1
        self._fallback_ids.add(chosen)
        return repr(chosen)

    def _suffix_in_scope(self, function: cst.FunctionDef | None) -> bool:
        """An `environment_suffix` parameter of an enclosing function, or a module-level name."""
        for ancestor in self.context.ancestors:
            if isinstance(ancestor, cst.FunctionDef) and SUFFIX_NAME in _parameters(ancestor):
                return True
        if function is not None and _assigns(function.body, SUFFIX_NAME):
            return True
        return _assigns(self.context.module, SUFFIX_NAME, top_level=True)


def _parameters(function: cst.FunctionDef) -> set[str]:
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            every.append(star)
    return {param.name.value for param in every}


def _assigns(node: cst.CSTNode, name: str, top_level: bool = False) -> bool:
    """Whether `node` assigns `name` (only in its own statements when `top_level`)."""
    statements = node.body if top_level else None

    class _Find(cst.CSTVisitor):
        found = False

        def visit_FunctionDef(self, inner: cst.FunctionDef) -> bool:
            return False

        def visit_ClassDef(self, inner: cst.ClassDef) -> bool:
            return False

        def visit_AssignTarget(self, target: cst.AssignTarget) -> None:
            if isinstance(target.target, cst.Name) and target.target.value == name:
                _Find.found = True

        def visit_AnnAssign(self, assign: cst.AnnAssign) -> None:
            if isinstance(assign.target, cst.Name) and assign.target.value == name and assign.value is not None:
                _Find.found = True

    finder = _Find()
    if statements is not None:
        for statement in statements:
            visit_readonly(statement, finder)
    else:
        visit_readonly(node, finder)
    return _Find.found
