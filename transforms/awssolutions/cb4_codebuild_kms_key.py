"""AwsSolutions-CB4: a CodeBuild project without a customer managed KMS key gets one.

cdk-nag 3 (CodeBuildProjectKMSEncryptedArtifacts) flags a CfnProject whose EncryptionKey is
absent or `alias/aws/s3`, the AWS managed key CodeBuild uses by default (aws-cdk-lib 2.275 writes
`alias/aws/s3` when the project has no key). So the AWS managed key spelt out is no fix: a
customer managed key is. The fix inserts, before the statement,
`<name>_key = kms.Key(<scope>, "<Id>Key", enable_key_rotation=True)` (KMS5: rotation on) and
passes it as `encryption_key=`.

aws-cdk-lib's Project grants its role the key whenever `encryption_key` is set
(`encryptionKey.grantEncryptDecrypt(this)` in aws-codebuild/lib/project.js): kms:Decrypt,
kms:Encrypt, kms:ReEncrypt*, kms:GenerateDataKey* on the new key's ARN. cdk-nag reports the two
action wildcards as AwsSolutions-IAM5 on the project role's DefaultPolicy. Every fix through
`encryption_key=` brings them (no Project option changes the grant; AWS's own CodeBuild guide,
"Encrypt build outputs using a customer managed key", gives the key policy with the same
kms:ReEncrypt* and kms:GenerateDataKey*), and the statement is scoped to the one key the fix
adds. tests/test_awssolutions_proof.py lists them per example as unavoidable and checks that.

Not fixed, reported: a project in a pipeline. CodeBuild encrypts a pipeline action's output
artifacts with the project's own key, not the pipeline's (aws/aws-cdk#4033, #4182), so the later
actions of the pipeline must be able to decrypt with it; a key of the project's own, granted to
nobody else, breaks them at run time. aws-cdk-lib gives a pipeline's project the pipeline
artifact bucket's key when the pipeline has one (`Project.bindToCodePipeline`), which is the
fix there: `codepipeline.Pipeline(cross_account_keys=True)` (or `pipelines.CodePipeline(
cross_account_keys=True)`, whose own projects take no key option: `CodeBuildOptions` has none).
So `codebuild.PipelineProject` (made for pipelines) and a `codebuild.Project` the file passes as
`project=` are reported without a fix, as *may* lack a key: `cross_account_keys` defaults to True
unless cdk.json sets `@aws-cdk/aws-codepipeline:crossAccountKeysDefaultValueToFalse`, and then
cdk-nag passes the project. Also reported: a `**` splat; no plain scope, id and
statement. Left alone: `encryption_key=` (any value: cdk-nag decides).

Fix safety: UNSAFE. A new KMS key, billed monthly and per request; build artifacts, caches and
logs the project writes from then on are encrypted with it (reading them needs the key), and the
project's role may use it. The project is updated in place, not replaced.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions._scaffold import (
    binding, callee, in_plain_statement, keyword_uses, scope_and_id,
)

PROJECT = "aws_cdk.aws_codebuild.Project"
PIPELINE_PROJECT = "aws_cdk.aws_codebuild.PipelineProject"
KEY = "aws_cdk.aws_kms.Key"
DESTROY = "aws_cdk.RemovalPolicy.DESTROY"
_IN_PIPELINE = (
    "a pipeline's project: CodeBuild encrypts the action's output artifacts with the project's own key, which the "
    "pipeline's later actions must decrypt (aws/aws-cdk#4182); with an artifact key on the pipeline "
    "(`cross_account_keys=True`, the default unless cdk.json sets "
    "`@aws-cdk/aws-codepipeline:crossAccountKeysDefaultValueToFalse`) CDK passes that key to the project"
)


class Cb4CodeBuildKmsKey(Rule):
    __doc__ = __doc__
    code = "AwsSolutions-CB4"
    name = "awssolutions-codebuild-kms-key"
    title = "CodeBuild project without a customer managed KMS key"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-CB4: The CodeBuild project does not use an AWS KMS key for encryption. Its artifacts, "
        "caches and logs are encrypted with the AWS managed key for S3 (`alias/aws/s3`), whose policy and use the "
        "account cannot restrict, rotate on its own schedule or revoke."
    )
    fix = (
        "Inserts `<name>_key = kms.Key(<scope>, \"<Id>Key\", enable_key_rotation=True)` before the statement (in a "
        "destroyable run with `removal_policy=RemovalPolicy.DESTROY`) and sets `encryption_key=<name>_key` on the "
        "`codebuild.Project`. Left alone: `encryption_key=`. Reported without a fix: `codebuild.PipelineProject` and "
        "a Project passed as `project=` (a pipeline's project must use the pipeline's artifact key: "
        "`cross_account_keys=True` on the Pipeline), a `**` splat, no plain scope, id and statement."
    )
    impact = (
        "UNSAFE: a new KMS key (billed monthly and per request); what the project writes from then on is encrypted "
        "with it, and its role is granted the key (kms:Decrypt, Encrypt, ReEncrypt*, GenerateDataKey*: an IAM5 "
        "finding every fix through `encryption_key=` brings). The project is not replaced."
    )
    calls = frozenset({PROJECT, PIPELINE_PROJECT})
    examples = [
        Example(
            name="module alias, bound to a name",
            before="""\
from aws_cdk import aws_codebuild as codebuild

build = codebuild.Project(
    self,
    "Build",
    build_spec=codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["make"]}}}),
)
""",
            after="""\
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_kms as kms

build_key = kms.Key(self, "BuildKey", enable_key_rotation=True)

build = codebuild.Project(
    self,
    "Build",
    build_spec=codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["make"]}}}),
    encryption_key=build_key,
)
""",
        ),
        Example(
            name="import aws_cdk as cdk, a self attribute",
            before="""\
import aws_cdk as cdk

self.tests = cdk.aws_codebuild.Project(
    self,
    "Tests",
    build_spec=cdk.aws_codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["pytest"]}}}),
)
""",
            after="""\
import aws_cdk as cdk

tests_key = cdk.aws_kms.Key(self, "TestsKey", enable_key_rotation=True)

self.tests = cdk.aws_codebuild.Project(
    self,
    "Tests",
    build_spec=cdk.aws_codebuild.BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["pytest"]}}}),
    encryption_key=tests_key,
)
""",
        ),
        Example(
            name="the class imported by name, a bare statement",
            before="""\
from aws_cdk.aws_codebuild import BuildSpec, Project

Project(self, "Lint", build_spec=BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["ruff ."]}}}))
""",
            after="""\
from aws_cdk.aws_codebuild import BuildSpec, Project
from aws_cdk import aws_kms as kms

project_key = kms.Key(self, "LintKey", enable_key_rotation=True)

Project(self, "Lint", build_spec=BuildSpec.from_object({"version": "0.2", "phases": {"build": {"commands": ["ruff ."]}}}), encryption_key=project_key)
""",
        ),
        Example(
            name="left alone: a key given",
            before="""\
from aws_cdk import aws_codebuild as codebuild

codebuild.Project(self, "Build", build_spec=spec, encryption_key=key)
""",
        ),
        Example(
            name="reported without a fix: a pipeline's projects, a splat",
            before="""\
from aws_cdk import aws_codebuild as codebuild, aws_codepipeline_actions as actions


def build(self, source_output, options):
    synth = codebuild.PipelineProject(self, "Synth")
    tests = codebuild.Project(self, "Tests", build_spec=spec)
    actions.CodeBuildAction(action_name="Test", project=tests, input=source_output)
    codebuild.Project(self, "Other", **options)
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified not in self.calls:
            return
        message = f"{callee(node)} without a customer managed KMS key ({self.title})"
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat may set `encryption_key`", node)
            return
        if layout.keyword_arg(node, "encryption_key") is not None:
            return
        name = binding(self, node)
        if qualified == PIPELINE_PROJECT or self._in_pipeline(node, name):
            # cdk-nag passes it when the pipeline has an artifact key (CDK then passes that key
            # to the project): `cross_account_keys`, whose default depends on a cdk.json flag.
            self.report_without_fix(f"{callee(node)} may lack a customer managed KMS key ({self.title})", _IN_PIPELINE, node)
            return
        place = scope_and_id(node, "Key", "Key")
        if place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a key next to", node)
            return
        scope, new_id = place
        variable = self.unique_name(f"{name.rsplit('.', 1)[-1] if name else 'project'}_key")
        lifetime = f", removal_policy={self.ref(DESTROY)}" if self.destroyable_selected else ""
        source = f"{variable} = {self.ref(KEY)}({scope}, {new_id}, enable_key_rotation=True{lifetime})"
        insert = self.insert_before(self.current_statement, source)
        self.report(message, [insert, self.set_keyword(node, "encryption_key", variable)], node=node)

    def _in_pipeline(self, node: cst.Call, name: str | None) -> bool:
        """The project is a pipeline action's: passed as `project=` in the call itself or by its name."""
        parent = self.context.ancestors[-2] if len(self.context.ancestors) > 1 else None
        if isinstance(parent, cst.Arg) and parent.keyword is not None and parent.keyword.value == "project":
            return True
        return bool(name and keyword_uses(self, frozenset({"project"})).get(name))
