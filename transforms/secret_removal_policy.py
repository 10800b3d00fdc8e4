"""CDK-B4: Secrets Manager secret retained on stack deletion."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.rule import DESTROYABLE, Category, Example, Kind, Rule, Safety
from cdkfix.transforms._removal import DESTROY, RETAINING, policy_name

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
    fix = "Replaces the retaining policy with `removal_policy=RemovalPolicy.DESTROY`; a variable or expression is left alone."
    impact = (
        "UNSAFE: the secret is deleted with the stack; once Secrets Manager's recovery window has passed, its value "
        "cannot be recovered. Apply it only to stacks meant to be torn down."
    )
    calls = frozenset({SECRET})
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
            name="default (DESTROY), explicit DESTROY, variables, splats and look-alikes left alone",
            before="""\
from aws_cdk import RemovalPolicy, aws_secretsmanager as secretsmanager

secretsmanager.Secret(self, "Default")
secretsmanager.Secret(self, "Destroy", removal_policy=RemovalPolicy.DESTROY)
secretsmanager.Secret(self, "Chosen", removal_policy=policy)
secretsmanager.Secret(self, "Splat", **secret_props)
secretsmanager.Secret.from_secret_name_v2(self, "Imported", "name")
vault.Secret(removal_policy=RemovalPolicy.RETAIN)
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if not self.is_call_to(node, SECRET):
            return
        policy_arg = layout.keyword_arg(node, "removal_policy")
        if policy_arg is None or policy_name(self, policy_arg.value) not in RETAINING:
            return
        edit = self.set_keyword(node, "removal_policy", self.ref(DESTROY))
        self.report(f"{code(node.func)} with removal_policy={code(policy_arg.value)}: kept on stack deletion", [edit])
