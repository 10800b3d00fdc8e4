"""AwsSolutions rules for analytics and ML services: Redshift audit logging (RS5) and user name
(RS3), SageMaker notebook instances (SM2, SM3), DocumentDB credentials (DOC3).

What cdk-nag 3.0.2 checks (src/rules/<service>/<Rule>.ts) and what CloudFormation does with the
fix (createOnlyProperties of cfn-lint's registry schemas, confirmed by the fix-effect harness in
tests/test_awssolutions_analytics.py) decide which of them fix:

- RS5 (RedshiftClusterAuditLogging: `LoggingProperties` absent) fixes: `logging_properties=` with
  CloudWatch as the destination needs no bucket and no bucket policy, and `LoggingProperties` is
  updated in place. The user activity log it exports is written only when the cluster's parameter
  group turns on `enable_user_activity_logging` (AwsSolutions-RS11, rs1_redshift_parameter_group.py):
  the two fixes together log every query.
- RS3 (RedshiftClusterNonDefaultUsername: `MasterUsername` == "awsuser"), SM2
  (SageMakerNotebookInstanceKMSKeyConfigured: `KmsKeyId` absent), SM3
  (SageMakerNotebookNoDirectInternetAccess: `DirectInternetAccess` not "Disabled", absent included)
  and DOC3 (DocumentDBCredentialsInSecretsManager) are reported without a fix: the property each
  fix must change is create-only, so CloudFormation would replace the cluster or the notebook
  instance, and its data (the warehouse, the notebook's ML storage volume, the document database)
  would be lost.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout, value_rule
from cdkfix.constructs import code, string_value
from cdkfix.keyword_rule import KeywordRule, declare
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.value_rule import ValueRule

CLUSTER = "aws_cdk.aws_redshift.CfnCluster"
NOTEBOOK = "aws_cdk.aws_sagemaker.CfnNotebookInstance"
DOCDB_L1 = "aws_cdk.aws_docdb.CfnDBCluster"
DOCDB_L2 = "aws_cdk.aws_docdb.DatabaseCluster"
LOGIN = "aws_cdk.aws_docdb.Login"

_REDSHIFT_ARGS = (
    'self, "Resource", cluster_type="single-node", db_name="db", master_username="admin", '
    'node_type="ra3.xlplus", master_user_password="Password1!", encrypted=True'
)
# Without `master_username`, for RS3's generated examples (the keyword is the one they write).
_REDSHIFT_ARGS_NO_USER = (
    'self, "Resource", cluster_type="single-node", db_name="db", node_type="ra3.xlplus", '
    'master_user_password="Password1!", encrypted=True'
)

RS5 = KeywordRule(
    code="AwsSolutions-RS5",
    name="awssolutions-redshift-audit-logging",
    title="Redshift cluster without audit logging",
    cause="The Redshift cluster does not have audit logging enabled.",
    why=(
        "Without audit logging there is no record of who connected (connection log), of changes to database users "
        "(user log) or, with `enable_user_activity_logging` in the parameter group (AwsSolutions-RS11), of the "
        "queries run (user activity log)."
    ),
    impact="No trace of connections, user changes and queries on the data warehouse.",
    kind=Kind.OBSERVABILITY,
    constructs=(CLUSTER,),
    keyword="logging_properties",
    # CloudWatch Logs as the destination (LoggingProperties.LogDestinationType): no bucket, no
    # bucket policy for Redshift's service principal. The three log types Redshift exports.
    value=(
        '{aws_cdk.aws_redshift.CfnCluster.LoggingPropertiesProperty}(log_destination_type="cloudwatch", '
        'log_exports=["connectionlog", "useractivitylog", "userlog"])'
    ),
    keep='{aws_cdk.aws_redshift.CfnCluster.LoggingPropertiesProperty}(bucket_name="audit-logs")',
    args=_REDSHIFT_ARGS,
    safety=Safety.UNSAFE,
    safety_note=(
        "Unsafe: the logs are billed (CloudWatch Logs ingestion and storage; Redshift writes to one log group per "
        "log type, /aws/redshift/cluster/<cluster>/<log type>, and makes it with CloudWatch's default retention, "
        "never expire, unless it exists). `LoggingProperties` is updated in place (CloudFormation: no "
        "interruption). The user activity log holds queries only with AwsSolutions-RS11's parameter "
        "(`enable_user_activity_logging`) on."
    ),
    examples=[
        Example(
            name="with RS1/RS11's parameter group: the cluster keeps it",
            before="from aws_cdk import aws_redshift as redshift\n\n"
            'warehouse_parameters = redshift.CfnClusterParameterGroup(self, "WarehouseParameters", description="p", '
            'parameter_group_family="redshift-1.0", parameters=[redshift.CfnClusterParameterGroup.ParameterProperty('
            'parameter_name="enable_user_activity_logging", parameter_value="true")])\n'
            'warehouse = redshift.CfnCluster(self, "Warehouse", cluster_type="single-node", db_name="db", '
            'master_username="admin", node_type="ra3.xlplus", master_user_password="Password1!", encrypted=True, '
            "cluster_parameter_group_name=warehouse_parameters.ref)\n",
            after="from aws_cdk import aws_redshift as redshift\n\n"
            'warehouse_parameters = redshift.CfnClusterParameterGroup(self, "WarehouseParameters", description="p", '
            'parameter_group_family="redshift-1.0", parameters=[redshift.CfnClusterParameterGroup.ParameterProperty('
            'parameter_name="enable_user_activity_logging", parameter_value="true")])\n'
            'warehouse = redshift.CfnCluster(self, "Warehouse", cluster_type="single-node", db_name="db", '
            'master_username="admin", node_type="ra3.xlplus", master_user_password="Password1!", encrypted=True, '
            "cluster_parameter_group_name=warehouse_parameters.ref, logging_properties=redshift.CfnCluster.LoggingPropertiesProperty(\n"
            '    log_destination_type="cloudwatch",\n'
            '    log_exports=["connectionlog", "useractivitylog", "userlog"],\n'
            "))\n",
        ),
        Example(
            name="logging_properties as a dict: the user's choice, left alone",
            before="from aws_cdk import aws_redshift as redshift\n\n"
            'redshift.CfnCluster(self, "Warehouse", cluster_type="single-node", db_name="db", master_username="admin", '
            'node_type="ra3.xlplus", master_user_password="Password1!", encrypted=True, '
            'logging_properties={"logDestinationType": "cloudwatch", "logExports": ["connectionlog"]})\n',
        ),
    ],
)

declare([RS5], globals())


RS3 = ValueRule(
    code="AwsSolutions-RS3",
    name="awssolutions-redshift-default-username",
    title="Redshift cluster with the default user name",
    cause='The Redshift cluster uses the default "awsuser" username.',
    why="A well-known administrator name leaves only the password to guess in a non-targeted attack.",
    impact="The administrator account of the data warehouse is easier to attack.",
    constructs=(CLUSTER,),
    keyword="master_username",
    flagged=('"awsuser"',),
    value=None,
    no_fix=(
        "MasterUsername is create-only: CloudFormation would replace the cluster, and the data in it is lost; "
        "another administrator name needs a new cluster (restored from a snapshot, which keeps the old name, "
        "or loaded anew), or a new administrator user created in the database and `awsuser` given up"
    ),
    keep='"admin"',
    args=_REDSHIFT_ARGS_NO_USER,
    safety_note="No fix is written.",
    examples=[
        Example(
            # cdk-nag compares the name exactly (RedshiftClusterNonDefaultUsername.ts), as cdkfix does.
            name="another spelling: cdk-nag compares exactly, left alone",
            before="from aws_cdk import aws_redshift as redshift\n\n"
            'redshift.CfnCluster(self, "Resource", cluster_type="single-node", db_name="db", node_type="ra3.xlplus", '
            'master_user_password="Password1!", encrypted=True, master_username="AWSUSER")\n',
        ),
    ],
)

# Bound under the name value_rule() gives the class, so that it pickles (the run configuration
# goes to worker processes).
AwssolutionsRs3Rule = value_rule.value_rule(RS3, __name__)
# `master_username` is a required property of CfnCluster (jsii refuses the call without it), so
# the generated "keyword absent" example is no cluster at all: it is left out.
AwssolutionsRs3Rule.examples = [
    example for example in AwssolutionsRs3Rule.examples if example.name != "keyword absent: left alone"
]


# --- SageMaker notebook instances --------------------------------------------------------------

_NOTEBOOK_ARGS = 'self, "Notebook", instance_type="ml.t3.medium", role_arn="arn:aws:iam::123456789012:role/notebook"'
_LOST = "CloudFormation would replace the notebook instance, and its ML storage volume (the notebooks and files under /home/ec2-user/SageMaker) is lost"


class _ReportOnly(Rule):
    """A finding cdkfix reports at its place with the reason, and never fixes."""

    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    # What a fix would do (replace a stateful resource) is unsafe; `fixes = False`: nothing is written.
    safety = Safety.UNSAFE
    fixes = False
    groups = ("AwsSolutions",)
    default = False


SAGEMAKER_RULES = [
    ValueRule(
        code="AwsSolutions-SM2",
        name="awssolutions-sagemaker-notebook-kms",
        title="SageMaker notebook instance storage without a KMS key",
        cause="The SageMaker notebook instance does not have an encrypted storage volume.",
        why=(
            "Without `kms_key_id` the notebook's ML storage volume is encrypted with an AWS owned key only: no key "
            "policy of yours decides who can use the data, and CloudTrail shows no use of the key."
        ),
        impact="Notebook data at rest under a key you do not control.",
        constructs=(NOTEBOOK,),
        keyword="kms_key_id",
        # Any key passes (cdk-nag checks only that `KmsKeyId` is there): only its absence is flagged.
        flagged=(),
        absent=True,
        value=None,
        no_fix=f"KmsKeyId is create-only: {_LOST}; copy the work out first, then recreate the notebook with `kms_key_id`",
        keep='"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"',
        args=_NOTEBOOK_ARGS,
        safety_note="No fix is written.",
        examples=[
            Example(
                name="a key of the stack: left alone",
                before="from aws_cdk import aws_kms as kms, aws_sagemaker as sagemaker\n\n"
                'key = kms.Key(self, "NotebookKey", enable_key_rotation=True)\n'
                f"sagemaker.CfnNotebookInstance({_NOTEBOOK_ARGS}, kms_key_id=key.key_id)\n",
            ),
        ],
    ),
    ValueRule(
        code="AwsSolutions-SM3",
        name="awssolutions-sagemaker-notebook-internet",
        title="SageMaker notebook instance with direct internet access",
        cause="The SageMaker notebook instance has direct internet access enabled.",
        why=(
            "`DirectInternetAccess` defaults to \"Enabled\": the notebook reaches (and code run in it sends data to) "
            "the internet through SageMaker's own network, outside your VPC's controls."
        ),
        impact="Notebook code and data can reach the internet outside the VPC.",
        constructs=(NOTEBOOK,),
        keyword="direct_internet_access",
        flagged=('"Enabled"',),
        # cdk-nag passes "Disabled" only (SageMakerNotebookNoDirectInternetAccess.ts).
        flagged_if=lambda value: value != "Disabled",
        flagged_text='any literal but "Disabled"',
        absent=True,
        value=None,
        no_fix=(
            f"DirectInternetAccess is create-only: {_LOST}. \"Disabled\" also needs `subnet_id` and "
            "`security_group_ids` (create-only too), and the notebook then reaches package repositories and "
            "SageMaker's APIs only through a NAT gateway or VPC endpoints of that subnet: a network choice cdkfix "
            "cannot make"
        ),
        keep='"Disabled"',
        args=_NOTEBOOK_ARGS,
        safety_note="No fix is written.",
        examples=[
            Example(
                name="\"Disabled\" in a subnet: left alone",
                before="from aws_cdk import aws_ec2 as ec2, aws_sagemaker as sagemaker\n\n"
                'group = ec2.SecurityGroup(self, "NotebookGroup", vpc=vpc)\n'
                f'sagemaker.CfnNotebookInstance({_NOTEBOOK_ARGS}, direct_internet_access="Disabled", '
                "subnet_id=vpc.private_subnets[0].subnet_id, security_group_ids=[group.security_group_id])\n",
            ),
        ],
    ),
]

value_rule.declare(SAGEMAKER_RULES, globals())


# --- DocumentDB credentials ----------------------------------------------------------------------

_REFERENCE = "{{resolve:secretsmanager"
_DOC_L1 = 'from aws_cdk import aws_docdb as docdb\n\ndocdb.CfnDBCluster(self, "Docs", '
_DOC_L2 = (
    "from aws_cdk import SecretValue, aws_docdb as docdb, aws_ec2 as ec2\n\n"
    'docdb.DatabaseCluster(self, "Docs", vpc=vpc, instance_type=ec2.InstanceType("t3.medium"), '
)


def _written(node: cst.BaseExpression | None) -> str | None:
    """The string literal `node` when it is not a Secrets Manager dynamic reference, else None
    (a reference, or a run-time value cdkfix does not guess)."""
    text = string_value(node)
    return text if text is not None and _REFERENCE not in text else None


class AwsSolutionsDoc3(_ReportOnly):
    code = "AwsSolutions-DOC3"
    name = "awssolutions-docdb-credentials-secret"
    title = "DocumentDB credentials not in Secrets Manager"
    issue = (
        "cdk-nag AwsSolutions-DOC3: The Document DB cluster does not have the username and password stored in "
        "Secrets Manager. A password written in the code is in the template, in version control and in every "
        "synthesized copy, and cannot be rotated."
    )
    no_fix = (
        "cdk-nag passes only when both MasterUsername and MasterUserPassword are `{{resolve:secretsmanager:...}}` "
        "references: MasterUsername is create-only, so CloudFormation would replace the cluster (its data lost), "
        "and a new secret's generated password is not the one the clients use. Put the current credentials in a "
        "secret and reference it, or restore a snapshot into a `docdb.DatabaseCluster` that makes its own secret"
    )
    fix = (
        "Reports without a fix: a `docdb.CfnDBCluster` whose `master_user_password` is a string literal that is not "
        "a Secrets Manager dynamic reference, or whose `master_username` is such a literal beside a password; a "
        "`docdb.DatabaseCluster` whose `master_user=docdb.Login(...)` has a literal `username` and a `password` "
        "(CDK then makes no secret). " + no_fix + ". Left alone: no password (a managed password, a restore, the L2's "
        "own secret: cdk-nag 3.0.2 still reports them, because its rule throws on an absent value or on the secret's "
        "ARN, a `Ref`: docs/awssolutions-analytics.md), references, run-time values, a `master_user` cdkfix cannot read."
    )
    impact = "Database credentials readable by whoever reads the code or the template."
    calls = frozenset({DOCDB_L1, DOCDB_L2})
    examples = [
        Example(
            name="L1 with a literal user name and password: reported without a fix",
            before=_DOC_L1 + 'master_username="admin", master_user_password="Password1!")\n',
            flagged=True,
        ),
        Example(
            name="L1, import aws_cdk as cdk: reported without a fix",
            before='import aws_cdk as cdk\n\ncdk.aws_docdb.CfnDBCluster(self, "Docs", master_username="admin", master_user_password="Password1!")\n',
            flagged=True,
        ),
        Example(
            name="L1 class imported by name, the user name from a secret: reported without a fix",
            before='from aws_cdk.aws_docdb import CfnDBCluster\n\nCfnDBCluster(self, "Docs", '
            'master_username="{{resolve:secretsmanager:docs:SecretString:username}}", master_user_password="Password1!")\n',
            flagged=True,
        ),
        Example(
            name="L1 with the password from a secret and a literal user name: reported without a fix",
            before=_DOC_L1 + 'master_username="admin", master_user_password="{{resolve:secretsmanager:docs:SecretString:password}}")\n',
            flagged=True,
        ),
        Example(
            name="L1 with both from a secret: left alone",
            before=_DOC_L1 + 'master_username="{{resolve:secretsmanager:docs:SecretString:username}}", '
            'master_user_password="{{resolve:secretsmanager:docs:SecretString:password}}")\n',
        ),
        Example(
            name="L1 with a managed password: left alone (cdk-nag's rule throws on the absent password)",
            before=_DOC_L1 + 'master_username="admin", manage_master_user_password=True)\n',
        ),
        Example(
            name="L1 with run-time credentials: left alone",
            before="from aws_cdk import aws_docdb as docdb\n\n\ndef build(self, user, password):\n"
            '    docdb.CfnDBCluster(self, "Docs", master_username=user, master_user_password=password)\n',
        ),
        Example(
            name="L2 with a password: reported without a fix",
            before=_DOC_L2 + 'master_user=docdb.Login(username="admin", password=SecretValue.unsafe_plain_text("Password1!")))\n',
            flagged=True,
        ),
        Example(
            name="L2 with the password from a secret and a literal user name: reported without a fix",
            before=_DOC_L2 + 'master_user=docdb.Login(username="admin", password=SecretValue.secrets_manager("docs", json_field="password")))\n',
            flagged=True,
        ),
        Example(
            name="L2 making its own secret: left alone (cdk-nag's rule throws on the secret's ARN)",
            before=_DOC_L2 + 'master_user=docdb.Login(username="admin"))\n',
        ),
        Example(
            name="L1 with a `**` splat that may hold the password: reported without a fix",
            before="from aws_cdk import aws_docdb as docdb\n\n\ndef build(self, props):\n"
            '    docdb.CfnDBCluster(self, "Docs", master_username="{{resolve:secretsmanager:docs:SecretString:username}}", **props)\n',
            flagged=True,
        ),
        Example(
            name="L2 with a login in a variable: left alone",
            before="from aws_cdk import aws_docdb as docdb, aws_ec2 as ec2\n\n\ndef build(self, vpc, login):\n"
            '    docdb.DatabaseCluster(self, "Docs", vpc=vpc, instance_type=ec2.InstanceType("t3.medium"), master_user=login)\n',
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        construct = self.resolve(node.func)
        if construct == DOCDB_L1:
            user, password = (layout.keyword_arg(node, k) for k in ("master_username", "master_user_password"))
            if password is not None and _written(password.value) is not None:
                found, what = password.value, "`master_user_password` written in the code"
            elif password is not None and user is not None and _written(user.value) is not None:
                found, what = user.value, "`master_username` written in the code"
            elif (user is None or password is None) and layout.has_double_star(node):
                self._splat(node, "`master_username` or `master_user_password`")
                return
            else:
                return
        elif construct == DOCDB_L2:
            login = layout.keyword_arg(node, "master_user")
            if login is None and layout.has_double_star(node):
                self._splat(node, "`master_user`")
                return
            if login is None or not self.is_call_to(login.value, LOGIN):
                return
            user, password = (layout.keyword_arg(login.value, k) for k in ("username", "password"))
            if password is None or user is None or _written(user.value) is None:
                return
            found, what = login.value, "a `password` given to `Login` (CDK makes no secret)"
        else:
            return
        self.report_without_fix(f"{code(node.func)} with {what} ({self.title})", self.no_fix, found)

    def _splat(self, node: cst.Call, keywords: str) -> None:
        self.report_without_fix(
            f"{code(node.func)} may have credentials not in Secrets Manager (DOC3)",
            f"a `**` splat may set {keywords}: cdkfix cannot see its keywords; if it holds a literal password: {self.no_fix}",
            node,
        )
