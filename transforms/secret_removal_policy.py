"""CDK-B4: Secrets Manager secret retained on stack deletion."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import DESTROYABLE, Category, Example, Kind, Rule, Safety
from cdkfix.transforms._removal import DESTROY, RETAINING, fix_retaining_method_form, known_policy

SECRET = "aws_cdk.aws_secretsmanager.Secret"


class SecretRemovalPolicy(Rule):
    code = "CDK-B4"
    name = "secret-removal-policy"
    title = "Secrets Manager Secret Uses RETAIN RemovalPolicy"
    category = Category.CONFIGURATION
    kind = Kind.DESTROYABILITY
    safety = Safety.UNSAFE
    # For ephemeral environments only: off by default, `--extend-select destroyable` turns it on.
    groups = (DESTROYABLE,)
    default = False
    issue = (
        "This is the destroyability profile for test environments. A secret with "
        "`removal_policy=RemovalPolicy.RETAIN` (or `RETAIN_ON_UPDATE_OR_DELETE`, `SNAPSHOT`) outlives its stack: "
        "it is orphaned, keeps costing money and has to be found and deleted by hand. A secret with "
        "no removal policy is already deleted with the stack (aws-cdk-lib's `Secret` defaults to DESTROY; "
        "synthesized: DeletionPolicy Delete), so only an explicit retaining policy is flagged."
    )
    fix = (
        "Replaces the retaining policy with `RemovalPolicy.DESTROY`, in `removal_policy=` or in "
        "`<secret>.apply_removal_policy(...)` on a secret bound once to `<secret>` (a variable, or `self.x` in a "
        "class); a policy held in a variable bound once to a member is followed and replaced where it is used. A "
        "policy computed at run time (a parameter, a conditional) or keywords from a `**` splat are reported "
        "without a fix."
    )
    impact = (
        "UNSAFE: the secret is deleted with the stack; once Secrets Manager's recovery window has passed, its value "
        "cannot be recovered. Apply it only to stacks meant to be torn down."
    )
    calls = frozenset({SECRET})
    # `secret.apply_removal_policy(...)` on a secret bound once to `secret` (the method form).
    call_names = frozenset({"apply_removal_policy"})
    examples = [
        Example(
            name="multi-line call with a trailing comment, seed import style",
            before="""\
import aws_cdk.aws_secretsmanager as secretsmanager
from aws_cdk import Stack, RemovalPolicy, Tags

docker_secret = secretsmanager.Secret(
    self,
    "DockerCredentials",
    secret_name="docker-credentials",
    removal_policy=RemovalPolicy.RETAIN  # Violates requirement
)
""",
            after="""\
import aws_cdk.aws_secretsmanager as secretsmanager
from aws_cdk import Stack, RemovalPolicy, Tags

docker_secret = secretsmanager.Secret(
    self,
    "DockerCredentials",
    secret_name="docker-credentials",
    removal_policy=RemovalPolicy.DESTROY
)
""",
        ),
        Example(
            name="`import aws_cdk as cdk`, one line",
            before="""\
import aws_cdk as cdk

token = cdk.aws_secretsmanager.Secret(self, "Token", removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
""",
            after="""\
import aws_cdk as cdk

token = cdk.aws_secretsmanager.Secret(self, "Token", removal_policy=cdk.RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="class and member imported directly, trailing comma",
            before="""\
from aws_cdk.aws_secretsmanager import Secret
from aws_cdk.aws_secretsmanager import SecretStringGenerator as Generator
import aws_cdk

Secret(
    self,
    "DbPassword",
    generate_secret_string=Generator(password_length=32),
    removal_policy=aws_cdk.RemovalPolicy.RETAIN,
)
""",
            after="""\
from aws_cdk.aws_secretsmanager import Secret
from aws_cdk.aws_secretsmanager import SecretStringGenerator as Generator
import aws_cdk

Secret(
    self,
    "DbPassword",
    generate_secret_string=Generator(password_length=32),
    removal_policy=aws_cdk.RemovalPolicy.DESTROY,
)
""",
        ),
        Example(
            name="default (DESTROY), explicit DESTROY, imported secrets and look-alikes left alone",
            before="""\
from aws_cdk import RemovalPolicy, aws_secretsmanager as secretsmanager

secretsmanager.Secret(self, "Default")
secretsmanager.Secret(self, "Destroy", removal_policy=RemovalPolicy.DESTROY)
secretsmanager.Secret.from_secret_name_v2(self, "Imported", "name")
vault.Secret(removal_policy=RemovalPolicy.RETAIN)
""",
        ),
        Example(
            name="method form: self.secret.apply_removal_policy(RETAIN) in a plain Construct",
            before="""\
from aws_cdk import RemovalPolicy, aws_secretsmanager as secretsmanager
from constructs import Construct


class Credentials(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self.docker_secret = secretsmanager.Secret(self, "DockerCredentials", description="Docker Hub credentials")
        self.docker_secret.apply_removal_policy(RemovalPolicy.RETAIN)
""",
            after="""\
from aws_cdk import RemovalPolicy, aws_secretsmanager as secretsmanager
from constructs import Construct


class Credentials(Construct):
    def __init__(self, scope, construct_id) -> None:
        super().__init__(scope, construct_id)
        self.docker_secret = secretsmanager.Secret(self, "DockerCredentials", description="Docker Hub credentials")
        self.docker_secret.apply_removal_policy(RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="policy through a local variable, used by two secrets, `import aws_cdk as cdk`",
            before="""\
import aws_cdk as cdk


class SecretsStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        retention = cdk.RemovalPolicy.RETAIN
        cdk.aws_secretsmanager.Secret(self, "ApiKey", removal_policy=retention)
        cdk.aws_secretsmanager.Secret(self, "DbPassword", removal_policy=retention)
""",
            after="""\
import aws_cdk as cdk


class SecretsStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        retention = cdk.RemovalPolicy.RETAIN
        cdk.aws_secretsmanager.Secret(self, "ApiKey", removal_policy=cdk.RemovalPolicy.DESTROY)
        cdk.aws_secretsmanager.Secret(self, "DbPassword", removal_policy=cdk.RemovalPolicy.DESTROY)
""",
        ),
        Example(
            name="a helper function returning the secret, class imported by name, argument across lines",
            before="""\
from aws_cdk import RemovalPolicy
from aws_cdk.aws_secretsmanager import Secret, SecretStringGenerator


def database_secret(scope, name):
    return Secret(
        scope,
        name,
        generate_secret_string=SecretStringGenerator(exclude_punctuation=True),
        removal_policy=RemovalPolicy.SNAPSHOT,
    )
""",
            after="""\
from aws_cdk import RemovalPolicy
from aws_cdk.aws_secretsmanager import Secret, SecretStringGenerator


def database_secret(scope, name):
    return Secret(
        scope,
        name,
        generate_secret_string=SecretStringGenerator(exclude_punctuation=True),
        removal_policy=RemovalPolicy.DESTROY,
    )
""",
        ),
        Example(
            name="cannot decide: a `**` splat, a policy given by a parameter or chosen at run time",
            flagged=True,
            before="""\
from aws_cdk import RemovalPolicy, aws_secretsmanager as secretsmanager


def secrets(scope, policy, secret_props, prod):
    secretsmanager.Secret(scope, "Splat", **secret_props)
    secretsmanager.Secret(scope, "Chosen", removal_policy=policy)
    token = secretsmanager.Secret(scope, "Token")
    token.apply_removal_policy(RemovalPolicy.RETAIN if prod else RemovalPolicy.DESTROY)
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) == SECRET:
            self._construct(node)
        else:
            self._method_form(node)

    def _construct(self, node: cst.Call) -> None:
        policy_arg = layout.keyword_arg(node, "removal_policy")
        if layout.has_double_star(node):
            if policy_arg is None:
                # The splat may hold a retaining removal_policy: which one is unknown.
                self.report_without_fix(
                    f"{code(node.func)} with a `**` splat: its removal policy cannot be read",
                    "the keywords come from a `**` splat; make sure no retaining removal_policy is among them",
                    node,
                )
            return
        if policy_arg is None:
            return  # Secret's default is DESTROY
        policy = known_policy(self, policy_arg.value)
        if policy is None:
            self.report_without_fix(
                f"{code(node.func)} with removal_policy={code(policy_arg.value)}: not known before run time",
                "the removal policy is computed at run time; make it RemovalPolicy.DESTROY for the test environment",
                node,
            )
            return
        if policy not in RETAINING:
            return
        edit = self.set_keyword(node, "removal_policy", self.ref(DESTROY))
        self.report(f"{code(node.func)} with removal_policy={code(policy_arg.value)}: kept on stack deletion", [edit])

    def _method_form(self, node: cst.Call) -> None:
        """`secret.apply_removal_policy(RemovalPolicy.RETAIN)` on a secret bound once to `secret`."""
        fix_retaining_method_form(self, node, SECRET, "{who} with apply_removal_policy({policy}): kept on stack deletion")
