"""AwsSolutions rules that one keyword on one construct fixes (classes K and U of the spec).

Each declaration was checked against aws-cdk-lib 2.275 (`inspect.signature`) and proved by
tests/test_awssolutions_proof.py: synthesized before and after with cdk-nag 3 AwsSolutions
as a validation plugin, the finding is gone, nothing new appears, cfn-lint finds no new
error, and a fix that makes CloudFormation replace a resource is declared unsafe.

Safety is honest: a fix is safe only when it changes no cost, access, running behaviour
or resource identity; TLS enforcement (a running client on HTTP breaks), deletion or
termination protection (deletes fail), paid features (PITR, detailed monitoring, logs)
and create-only properties (replacement) are unsafe and need --unsafe-fixes.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix import value_rule
from cdkfix.keyword_rule import KeywordRule, declare, splat_examples
from cdkfix.rule import Example, Kind, Safety
from cdkfix.value_rule import ValueRule
from cdkfix.transforms._s3 import is_website_bucket
from cdkfix.transforms.awssolutions import ec28_ec29_bastion_host as bastion
from cdkfix.transforms.awssolutions import ec28_ec29_cfn_instance as cfn_instance

UNSAFE, SAFE = Safety.UNSAFE, Safety.SAFE

_INSTANCE_ARGS = (
    'self, "Resource", vpc=vpc, instance_type={aws_cdk.aws_ec2.InstanceType}("t3.micro"), '
    "machine_image={aws_cdk.aws_ec2.MachineImage}.latest_amazon_linux2023()"
)
_TABLE_ARGS = (
    'self, "Resource", partition_key={aws_cdk.aws_dynamodb.Attribute}(name="pk", '
    "type={aws_cdk.aws_dynamodb.AttributeType}.STRING)"
)
_RDS_INSTANCE_ARGS = (
    'self, "Resource", vpc=vpc, engine={aws_cdk.aws_rds.DatabaseInstanceEngine}.POSTGRES'
)
_RDS_CLUSTER_ARGS = (
    'self, "Resource", vpc=vpc, engine={aws_cdk.aws_rds.DatabaseClusterEngine}.aurora_postgres('
    "version={aws_cdk.aws_rds.AuroraPostgresEngineVersion}.VER_16_4), "
    'writer={aws_cdk.aws_rds.ClusterInstance}.serverless_v2("Writer")'
)
_DOCDB_ARGS = (
    'self, "Resource", vpc=vpc, master_user={aws_cdk.aws_docdb.Login}(username="admin"), '
    "instance_type={aws_cdk.aws_ec2.InstanceType}(\"t3.medium\")"
)


def _b2_adds_enforce_ssl(rule, call) -> bool:
    """CDK-B2 writes `enforce_ssl=True` itself on a bucket without any encryption keyword, unless
    it takes the bucket for a website (transforms/_s3.is_website_bucket: it then writes the
    encryption only). Deferring there too left the keyword to a second run, which then added it."""
    return (
        layout.keyword_arg(call, "encryption") is None
        and layout.keyword_arg(call, "encryption_key") is None
        and not is_website_bucket(call)
    )


RULES = [
    KeywordRule(
        code="AwsSolutions-S10",
        name="awssolutions-s3-enforce-ssl",
        title="S3 bucket does not require SSL",
        cause="The S3 Bucket or bucket policy does not require requests to use SSL.",
        why="Without a policy that denies `aws:SecureTransport=false`, objects can be read and written over plain HTTP.",
        impact="Data in transit may travel unencrypted.",
        constructs=("aws_cdk.aws_s3.Bucket",),
        keyword="enforce_ssl",
        value="True",
        safety=UNSAFE,
        safety_note=(
            "Unsafe: a client that still uses HTTP is refused after deployment (a running service changes). "
            "When CDK-B2 is selected and writes the same keyword, this rule stays silent for that bucket."
        ),
        blocked_by={
            "website_index_document": "a website bucket is served over HTTP only: enforcing TLS breaks the website endpoint",
            "website_redirect": "a website bucket is served over HTTP only: enforcing TLS breaks the website endpoint",
        },
        defer_to="CDK-B2",
        defer=_b2_adds_enforce_ssl,
    ),
    KeywordRule(
        code="AwsSolutions-SQS4",
        name="awssolutions-sqs-enforce-ssl",
        title="SQS queue does not require SSL",
        cause="The SQS queue does not require requests to use SSL.",
        why="Without a queue policy denying `aws:SecureTransport=false`, messages may be sent and received over HTTP.",
        impact="Messages in transit may travel unencrypted.",
        constructs=("aws_cdk.aws_sqs.Queue",),
        keyword="enforce_ssl",
        value="True",
        safety=UNSAFE,
        safety_note="Unsafe: a producer or consumer that still uses HTTP is refused after deployment.",
    ),
    KeywordRule(
        code="AwsSolutions-SNS3",
        name="awssolutions-sns-enforce-ssl",
        title="SNS topic does not require publishers to use SSL",
        cause="The SNS Topic does not require publishers to use SSL.",
        why="Without a topic policy denying `aws:SecureTransport=false`, messages may be published over HTTP.",
        impact="Messages in transit may travel unencrypted.",
        constructs=("aws_cdk.aws_sns.Topic",),
        keyword="enforce_ssl",
        value="True",
        safety=UNSAFE,
        safety_note="Unsafe: a publisher that still uses HTTP is refused after deployment.",
    ),
    KeywordRule(
        code="AwsSolutions-DDB3",
        name="awssolutions-dynamodb-pitr",
        title="DynamoDB table without point-in-time recovery",
        cause="The DynamoDB table does not have Point-in-time Recovery enabled.",
        why="Without PITR a table cannot be restored to a moment before an accidental write or delete.",
        impact="Data loss after a faulty write or delete.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=("aws_cdk.aws_dynamodb.Table", "aws_cdk.aws_dynamodb.TableV2"),
        keyword="point_in_time_recovery_specification",
        value="{aws_cdk.aws_dynamodb.PointInTimeRecoverySpecification}(point_in_time_recovery_enabled=True)",
        keep="{aws_cdk.aws_dynamodb.PointInTimeRecoverySpecification}(point_in_time_recovery_enabled=False)",
        decided_by=("point_in_time_recovery",),
        args=_TABLE_ARGS,
        safety=UNSAFE,
        safety_note="Unsafe: continuous backups are billed per GB of table data.",
    ),
    KeywordRule(
        code="AwsSolutions-EC28",
        name="awssolutions-ec2-detailed-monitoring",
        title="EC2 instance without detailed monitoring",
        cause="The EC2 instance/AutoScaling launch configuration does not have detailed monitoring enabled.",
        why="Basic monitoring reports every 5 minutes; detailed monitoring every minute.",
        impact="Slow detection of instance problems.",
        kind=Kind.OBSERVABILITY,
        constructs=("aws_cdk.aws_ec2.Instance",),
        keyword="detailed_monitoring",
        value="True",
        args=_INSTANCE_ARGS,
        safety=UNSAFE,
        safety_note="Unsafe: detailed monitoring is billed per metric.",
        handoffs=(bastion.DETAILED_MONITORING, cfn_instance.DETAILED_MONITORING),
    ),
    KeywordRule(
        code="AwsSolutions-EC29",
        name="awssolutions-ec2-termination-protection",
        title="EC2 instance without termination protection",
        cause="The EC2 instance is not part of an ASG and has Termination Protection disabled.",
        why="A stand-alone instance can be terminated by one API call or console click.",
        impact="Accidental loss of an instance and its instance-store data.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=("aws_cdk.aws_ec2.Instance",),
        keyword="disable_api_termination",
        value="True",
        args=_INSTANCE_ARGS,
        safety=UNSAFE,
        safety_note=(
            "Unsafe: terminating the instance fails until the protection is removed, and so do deleting the stack and "
            "the clean-up of a deployment that replaces the instance (the old one keeps running). An instance on a "
            "`latest_*` image, as a BastionHostLinux's is by default, is replaced when a newer AMI is published: its "
            "image ID is an SSM parameter resolved at each deployment."
        ),
        handoffs=(bastion.TERMINATION_PROTECTION, cfn_instance.TERMINATION_PROTECTION),
    ),
    KeywordRule(
        code="AwsSolutions-RDS10",
        name="awssolutions-rds-deletion-protection",
        title="RDS database without deletion protection",
        cause="The RDS instance or Aurora DB cluster does not have deletion protection enabled.",
        why="Without deletion protection one API call or a stack deletion removes the database.",
        impact="Accidental loss of a database.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=(
            "aws_cdk.aws_rds.DatabaseInstance",
            "aws_cdk.aws_rds.DatabaseCluster",
            "aws_cdk.aws_rds.ServerlessCluster",
            "aws_cdk.aws_rds.DatabaseInstanceFromSnapshot",
            "aws_cdk.aws_rds.DatabaseClusterFromSnapshot",
            "aws_cdk.aws_rds.DatabaseInstanceReadReplica",
        ),
        keyword="deletion_protection",
        value="True",
        args=_RDS_INSTANCE_ARGS,
        blocked_by={
            "removal_policy": "the removal policy states how the database goes on stack deletion; deletion "
            "protection would make a DESTROY fail, so the choice is the user's",
        },
        safety=UNSAFE,
        safety_note="Unsafe: deleting the database or the stack fails until the protection is removed.",
    ),
    KeywordRule(
        code="AwsSolutions-RDS2",
        name="awssolutions-rds-storage-encrypted",
        title="RDS database without storage encryption",
        cause="The RDS instance or Aurora DB cluster does not have storage encryption enabled.",
        why="Data at rest, snapshots and replicas are unencrypted.",
        impact="Data at rest unencrypted.",
        constructs=("aws_cdk.aws_rds.DatabaseInstance", "aws_cdk.aws_rds.DatabaseCluster"),
        keyword="storage_encrypted",
        value="True",
        decided_by=("storage_encryption_key",),
        args=_RDS_INSTANCE_ARGS,
        replaces=("AWS::RDS::DBInstance (StorageEncrypted is create-only)",),
        safety=UNSAFE,
        safety_note="Unsafe: StorageEncrypted is create-only: CloudFormation replaces the database (its data is lost unless restored).",
    ),
    KeywordRule(
        code="AwsSolutions-RDS3",
        name="awssolutions-rds-multi-az",
        title="RDS instance not Multi-AZ",
        cause="The non-Aurora RDS DB instance does not have multi-AZ support enabled.",
        why="A single-AZ instance is down while its AZ or host fails.",
        impact="Downtime on an AZ or host failure.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=("aws_cdk.aws_rds.DatabaseInstance",),
        keyword="multi_az",
        value="True",
        args=_RDS_INSTANCE_ARGS,
        safety=UNSAFE,
        safety_note="Unsafe: a standby instance doubles the instance cost.",
    ),
    KeywordRule(
        code="AwsSolutions-RDS6",
        name="awssolutions-rds-iam-auth",
        title="Aurora cluster without IAM database authentication",
        cause="The RDS Aurora MySQL/PostgresSQL cluster does not have IAM Database Authentication enabled.",
        why="Without IAM authentication every client needs a long-lived database password.",
        impact="Long-lived credentials instead of short-lived IAM tokens.",
        constructs=("aws_cdk.aws_rds.DatabaseCluster",),
        keyword="iam_authentication",
        value="True",
        args=_RDS_CLUSTER_ARGS,
        safety=UNSAFE,
        safety_note="Unsafe: it changes access: principals with rds-db:connect can log in with IAM tokens.",
    ),
    KeywordRule(
        code="AwsSolutions-KMS5",
        name="awssolutions-kms-key-rotation",
        title="KMS key without automatic rotation",
        cause="The KMS Symmetric key does not have automatic key rotation enabled.",
        why="A key that never rotates keeps protecting data with the same material for ever.",
        impact="Longer exposure if key material leaks.",
        constructs=("aws_cdk.aws_kms.Key",),
        keyword="enable_key_rotation",
        value="True",
        decided_by=("key_spec",),
        safety=UNSAFE,
        safety_note="Unsafe: each rotation's key material is billed (the first two rotations of a key).",
    ),
    KeywordRule(
        code="AwsSolutions-ECS4",
        name="awssolutions-ecs-container-insights",
        title="ECS cluster without Container Insights",
        cause="The ECS Cluster has CloudWatch Container Insights disabled.",
        why="Without Container Insights there are no task- and service-level metrics.",
        impact="Reduced observability into container performance.",
        kind=Kind.OBSERVABILITY,
        constructs=("aws_cdk.aws_ecs.Cluster",),
        keyword="container_insights_v2",
        value="{aws_cdk.aws_ecs.ContainerInsights}.ENABLED",
        keep="{aws_cdk.aws_ecs.ContainerInsights}.DISABLED",
        decided_by=("container_insights",),
        defer_to="CDK-B12",
        defer=lambda rule, call: True,  # CDK-B12 fixes every cluster this rule would
        safety_note=(
            "The same fix as CDK-B12: when both are selected only CDK-B12 reports it. Safe as CDK-B12 is: "
            "Container Insights metrics are billed, which CDK-B12 accepts as part of the seed's requirements."
        ),
    ),
    KeywordRule(
        code="AwsSolutions-COG1",
        name="awssolutions-cognito-password-policy",
        title="Cognito user pool with a weak password policy",
        cause=(
            "The Cognito user pool does not have a password policy that minimally specify a password length of at "
            "least 8 characters, as well as requiring uppercase, numeric, and special characters."
        ),
        why="Weak passwords are guessed.",
        impact="Account takeover by password guessing.",
        constructs=("aws_cdk.aws_cognito.UserPool",),
        keyword="password_policy",
        value="",
        inside=(
            "aws_cdk.aws_cognito.PasswordPolicy",
            {"min_length": "8", "require_uppercase": "True", "require_digits": "True", "require_symbols": "True"},
        ),
        keep="{aws_cdk.aws_cognito.PasswordPolicy}(min_length=6)",
        safety=UNSAFE,
        safety_note="Unsafe: sign-up and password changes that passed before are refused (a running service changes).",
    ),
    KeywordRule(
        code="AwsSolutions-COG8",
        name="awssolutions-cognito-plus",
        title="Cognito user pool not on the Plus feature plan",
        cause="The Cognito user pool is not on the plus tier / feature plan.",
        why="Threat protection (compromised credentials, adaptive authentication) needs the Plus plan.",
        impact="No risk-based protection of sign-ins.",
        constructs=("aws_cdk.aws_cognito.UserPool",),
        keyword="feature_plan",
        value="{aws_cdk.aws_cognito.FeaturePlan}.PLUS",
        keep="{aws_cdk.aws_cognito.FeaturePlan}.ESSENTIALS",
        safety=UNSAFE,
        safety_note="Unsafe: the Plus plan is billed per monthly active user.",
    ),
    # AwsSolutions-EC26 is declared in ec26_ebs_encryption.py: it also adds an encrypted root volume.
    KeywordRule(
        code="AwsSolutions-OS2",
        name="awssolutions-opensearch-node-to-node",
        title="OpenSearch domain without node-to-node encryption",
        cause="The OpenSearch Service domain does not have node-to-node encryption enabled.",
        why="Traffic between the domain's nodes is unencrypted.",
        impact="Data in transit inside the domain unencrypted.",
        constructs=("aws_cdk.aws_opensearchservice.Domain",),
        keyword="node_to_node_encryption",
        value="True",
        args='self, "Resource", version={aws_cdk.aws_opensearchservice.EngineVersion}.OPENSEARCH_2_11',
        safety=UNSAFE,
        safety_note="Unsafe: the domain goes through a blue/green deployment.",
    ),
    KeywordRule(
        code="AwsSolutions-OS8",
        name="awssolutions-opensearch-encryption-at-rest",
        title="OpenSearch domain without encryption at rest",
        cause="The OpenSearch Service domain does not have encryption at rest enabled.",
        why="Indexes and snapshots at rest are unencrypted.",
        impact="Data at rest unencrypted.",
        constructs=("aws_cdk.aws_opensearchservice.Domain",),
        keyword="encryption_at_rest",
        value="",
        inside=("aws_cdk.aws_opensearchservice.EncryptionAtRestOptions", {"enabled": "True"}),
        keep="{aws_cdk.aws_opensearchservice.EncryptionAtRestOptions}(enabled=False)",
        args='self, "Resource", version={aws_cdk.aws_opensearchservice.EngineVersion}.OPENSEARCH_2_11',
        safety=UNSAFE,
        safety_note="Unsafe: the domain goes through a blue/green deployment.",
    ),
    KeywordRule(
        code="AwsSolutions-KDS3",
        name="awssolutions-kinesis-managed-key",
        title="Kinesis stream not encrypted with the aws/kinesis key",
        cause='The Kinesis Data Stream specifies server-side encryption and does not use the "aws/kinesis" key.',
        why="A stream without a stated encryption gets a CDK-made condition instead of the AWS-managed key cdk-nag checks for.",
        impact="Encryption at rest left to a region condition instead of stated.",
        constructs=("aws_cdk.aws_kinesis.Stream",),
        keyword="encryption",
        value="{aws_cdk.aws_kinesis.StreamEncryption}.MANAGED",
        keep="{aws_cdk.aws_kinesis.StreamEncryption}.UNENCRYPTED",
        decided_by=("encryption_key",),
        safety_note="Safe: the AWS-managed key `aws/kinesis` is free and needs no key policy.",
    ),
    KeywordRule(
        code="AwsSolutions-N2",
        name="awssolutions-neptune-minor-upgrades",
        title="Neptune instance without automatic minor version upgrades",
        cause="The Neptune DB instance does not have Auto Minor Version Upgrade enabled.",
        why="Without minor upgrades security patches are not applied.",
        impact="Unpatched database engine.",
        constructs=("aws_cdk.aws_neptune.CfnDBInstance",),
        keyword="auto_minor_version_upgrade",
        value="True",
        args='self, "Resource", db_instance_class="db.r5.large"',
        safety=UNSAFE,
        safety_note="Unsafe: the engine is upgraded (and restarted) in the maintenance window.",
    ),
    KeywordRule(
        code="AwsSolutions-N3",
        name="awssolutions-neptune-backup-retention",
        title="Neptune cluster without a reasonable backup retention",
        cause="The Neptune DB cluster does not have a reasonable minimum backup retention period configured.",
        why="One day of backups is little time to notice a faulty write.",
        impact="Data loss after a faulty write noticed late.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=("aws_cdk.aws_neptune.CfnDBCluster",),
        keyword="backup_retention_period",
        value="7",
        keep="1",
        args='self, "Resource", storage_encrypted=True, iam_auth_enabled=True',
        safety=UNSAFE,
        safety_note="Unsafe: backup storage beyond the cluster's size is billed.",
    ),
    KeywordRule(
        code="AwsSolutions-N4",
        name="awssolutions-neptune-encrypted",
        title="Neptune cluster without encryption at rest",
        cause="The Neptune DB cluster does not have encryption at rest enabled.",
        why="Graph data at rest is unencrypted.",
        impact="Data at rest unencrypted.",
        constructs=("aws_cdk.aws_neptune.CfnDBCluster",),
        keyword="storage_encrypted",
        value="True",
        decided_by=("kms_key_id",),
        args='self, "Resource", backup_retention_period=7, iam_auth_enabled=True',
        replaces=("AWS::Neptune::DBCluster (StorageEncrypted is create-only)",),
        safety=UNSAFE,
        safety_note="Unsafe: StorageEncrypted is create-only: CloudFormation replaces the cluster.",
    ),
    KeywordRule(
        code="AwsSolutions-N5",
        name="awssolutions-neptune-iam-auth",
        title="Neptune cluster without IAM authentication",
        cause="The Neptune DB cluster does not have IAM Database Authentication enabled.",
        why="Without IAM authentication any client in the network can query the graph.",
        impact="Unauthenticated access from inside the network.",
        constructs=("aws_cdk.aws_neptune.CfnDBCluster",),
        keyword="iam_auth_enabled",
        value="True",
        args='self, "Resource", backup_retention_period=7, storage_encrypted=True',
        safety=UNSAFE,
        safety_note="Unsafe: it changes access: clients must sign requests with IAM credentials.",
    ),
    KeywordRule(
        code="AwsSolutions-AEC3",
        name="awssolutions-elasticache-encryption",
        title="ElastiCache Redis replication group without encryption",
        cause="The ElastiCache Redis cluster does not have both encryption in transit and at rest enabled.",
        why="Cached data at rest and in transit is unencrypted.",
        impact="Data unencrypted at rest and in transit.",
        constructs=("aws_cdk.aws_elasticache.CfnReplicationGroup",),
        keyword="at_rest_encryption_enabled",
        value="True",
        extra={"transit_encryption_enabled": "True"},
        args='self, "Resource", replication_group_description="cache", engine="redis", cache_node_type="cache.t3.micro", num_cache_clusters=2, multi_az_enabled=True, automatic_failover_enabled=True',
        replaces=("AWS::ElastiCache::ReplicationGroup (AtRestEncryptionEnabled is create-only)",),
        safety=UNSAFE,
        safety_note="Unsafe: AtRestEncryptionEnabled is create-only (replacement), and clients must connect with TLS.",
    ),
    KeywordRule(
        code="AwsSolutions-AEC4",
        name="awssolutions-elasticache-multi-az",
        title="ElastiCache Redis replication group not Multi-AZ",
        cause="The ElastiCache Redis cluster is not deployed in a Multi-AZ configuration.",
        why="A single-AZ cache is down while its AZ fails.",
        impact="Downtime on an AZ failure.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=("aws_cdk.aws_elasticache.CfnReplicationGroup",),
        keyword="multi_az_enabled",
        value="True",
        extra={"automatic_failover_enabled": "True"},
        args='self, "Resource", replication_group_description="cache", engine="redis", cache_node_type="cache.t3.micro", num_cache_clusters=2, at_rest_encryption_enabled=True, transit_encryption_enabled=True',
        safety=UNSAFE,
        safety_note="Unsafe: it needs a replica in a second AZ (cost) and changes failover behaviour.",
    ),
    KeywordRule(
        code="AwsSolutions-DOC4",
        name="awssolutions-docdb-backup-retention",
        title="DocumentDB cluster without a reasonable backup retention",
        cause="The Document DB cluster does not have a reasonable minimum backup retention period configured.",
        why="One day of backups is little time to notice a faulty write.",
        impact="Data loss after a faulty write noticed late.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=("aws_cdk.aws_docdb.DatabaseCluster",),
        keyword="backup",
        value="",
        inside=("aws_cdk.aws_docdb.BackupProps", {"retention": "{aws_cdk.Duration}.days(7)"}),
        keep="{aws_cdk.aws_docdb.BackupProps}(retention={aws_cdk.Duration}.days(1))",
        args=_DOCDB_ARGS,
        safety=UNSAFE,
        safety_note="Unsafe: backup storage beyond the cluster's size is billed.",
    ),
    KeywordRule(
        code="AwsSolutions-DDB4",
        name="awssolutions-dax-encryption",
        title="DAX cluster without server-side encryption",
        cause="The DAX cluster does not have server-side encryption enabled.",
        why="Cached items at rest are unencrypted.",
        impact="Data at rest unencrypted.",
        constructs=("aws_cdk.aws_dax.CfnCluster",),
        keyword="sse_specification",
        value="",
        inside=("aws_cdk.aws_dax.CfnCluster.SSESpecificationProperty", {"sse_enabled": "True"}),
        keep="{aws_cdk.aws_dax.CfnCluster.SSESpecificationProperty}(sse_enabled=False)",
        args='self, "Resource", iam_role_arn="arn:aws:iam::123456789012:role/dax", node_type="dax.t3.small", replication_factor=3',
        replaces=("AWS::DAX::Cluster (SSESpecification is create-only)",),
        safety=UNSAFE,
        safety_note="Unsafe: SSESpecification is create-only: CloudFormation replaces the cluster.",
    ),
    KeywordRule(
        code="AwsSolutions-C91",
        name="awssolutions-cloud9-ssm",
        title="Cloud9 environment reachable over SSH",
        cause="The Cloud9 instance does not use a no-ingress EC2 instance with AWS Systems Manager.",
        why="An SSH connection needs inbound access to the instance; Systems Manager needs none.",
        impact="An instance open to inbound SSH.",
        constructs=("aws_cdk.aws_cloud9.CfnEnvironmentEC2",),
        keyword="connection_type",
        value='"CONNECT_SSM"',
        keep='"CONNECT_SSH"',
        args='self, "Resource", instance_type="t3.small", image_id="amazonlinux-2023-x86_64"',
        replaces=("AWS::Cloud9::EnvironmentEC2 (ConnectionType is create-only)",),
        safety=UNSAFE,
        safety_note="Unsafe: ConnectionType is create-only: CloudFormation replaces the environment.",
    ),
    KeywordRule(
        code="AwsSolutions-RS6",
        name="awssolutions-redshift-encrypted",
        title="Redshift cluster without encryption at rest",
        cause="The Redshift cluster does not have encryption at rest enabled.",
        why="Warehouse data at rest is unencrypted.",
        impact="Data at rest unencrypted.",
        constructs=("aws_cdk.aws_redshift.CfnCluster",),
        keyword="encrypted",
        value="True",
        decided_by=("kms_key_id",),
        args='self, "Resource", cluster_type="single-node", db_name="db", master_username="admin", node_type="ra3.xlplus", master_user_password="Password1!"',
        safety=UNSAFE,
        safety_note="Unsafe: enabling encryption migrates the cluster (it is unavailable for writes meanwhile).",
    ),
]

declare(RULES, globals())


# --- rules cdk-nag flags only on a value the user wrote (cdkfix/value_rule.py) ----------------
# CDK's defaults pass each of them; cdk-nag 3.0.2's rule source (src/rules/<service>/<Rule>.ts)
# names the flagged values, and docs/awssolutions-explicit-values.md the synthesis that confirmed
# them. Every fix is unsafe: the user chose the value.

_REDSHIFT_ARGS = (
    'self, "Resource", cluster_type="single-node", db_name="db", master_username="admin", '
    'node_type="ra3.xlplus", master_user_password="Password1!", encrypted=True'
)
_MSK_ARGS = (
    'self, "Resource", cluster_name="events", kafka_version="3.6.0", number_of_broker_nodes=2, '
    "broker_node_group_info={aws_cdk.aws_msk.CfnCluster.BrokerNodeGroupInfoProperty}("
    "client_subnets=vpc.select_subnets(subnet_type={aws_cdk.aws_ec2.SubnetType}.PRIVATE_WITH_EGRESS).subnet_ids, "
    'instance_type="kafka.m5.large")'
)
_MSK_IN_TRANSIT = (
    ("encryption_info", "aws_cdk.aws_msk.CfnCluster.EncryptionInfoProperty"),
    ("encryption_in_transit", "aws_cdk.aws_msk.CfnCluster.EncryptionInTransitProperty"),
)
_MSK_HEADER = "from aws_cdk import aws_ec2 as ec2, aws_msk as msk\n"
_MSK_CALL = (
    'msk.CfnCluster(self, "Resource", cluster_name="events", kafka_version="3.6.0", number_of_broker_nodes=2, '
    "broker_node_group_info=msk.CfnCluster.BrokerNodeGroupInfoProperty(client_subnets=vpc.select_subnets("
    'subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS).subnet_ids, instance_type="kafka.m5.large"), '
)

_BUCKET_FIELDS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
_CFN_BLOCK_ALL = (
    "s3.CfnBucket.PublicAccessBlockConfigurationProperty(block_public_acls=True, block_public_policy=True, "
    "ignore_public_acls=True, restrict_public_buckets=True)"
)
# The fixed value as cdkfix lays out a long props call (one keyword a line).
_CFN_BLOCK_ALL_FIXED = (
    "PublicAccessBlockConfigurationProperty(\n    block_public_acls=True,\n    block_public_policy=True,\n"
    "    ignore_public_acls=True,\n    restrict_public_buckets=True,\n)"
)

VALUE_RULES = [
    ValueRule(
        code="AwsSolutions-RS8",
        name="awssolutions-redshift-public",
        title="Redshift cluster publicly accessible",
        cause="The Redshift cluster is publicly accessible.",
        why="A publicly accessible cluster gets a public IP address: the warehouse is one security group rule away from the internet.",
        impact="Data warehouse reachable from the internet.",
        constructs=("aws_cdk.aws_redshift.CfnCluster",),
        keyword="publicly_accessible",
        flagged=("True",),
        value="False",
        keep="False",
        args=_REDSHIFT_ARGS,
        blocked_by={
            "elastic_ip": "an Elastic IP is only for a publicly accessible cluster: making it private means removing "
            "`elastic_ip` too, and whoever connects through that address loses access",
        },
        safety_note="Unsafe: it narrows access: clients outside the VPC that connect to the public address lose access.",
        examples=[
            Example(
                name="with an Elastic IP: reported without a fix",
                before='from aws_cdk import aws_redshift as redshift\n\nredshift.CfnCluster(self, "Resource", cluster_type="single-node", '
                'db_name="db", master_username="admin", node_type="ra3.xlplus", master_user_password="Password1!", '
                'publicly_accessible=True, elastic_ip="203.0.113.10")\n',
                flagged=True,
            ),
        ],
    ),
    ValueRule(
        code="AwsSolutions-RS9",
        name="awssolutions-redshift-version-upgrade",
        title="Redshift cluster without version upgrades",
        cause="The Redshift cluster does not have version upgrade enabled.",
        why="Without version upgrades the cluster misses engine fixes and security patches.",
        impact="Unpatched data warehouse engine.",
        constructs=("aws_cdk.aws_redshift.CfnCluster",),
        keyword="allow_version_upgrade",
        flagged=("False",),
        value="True",
        keep="True",
        args=_REDSHIFT_ARGS,
        safety_note="Unsafe: the engine is upgraded (and the cluster restarted) in its maintenance window.",
    ),
    ValueRule(
        code="AwsSolutions-RS10",
        name="awssolutions-redshift-snapshots",
        title="Redshift cluster without automated snapshots",
        cause="The Redshift cluster does not have automated snapshots enabled or the retention period is not between 1 and 35 days.",
        why="A retention period of 0 turns automated snapshots off: the cluster cannot be restored to an earlier point.",
        impact="Data loss after a faulty write or a failure.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=("aws_cdk.aws_redshift.CfnCluster",),
        keyword="automated_snapshot_retention_period",
        flagged=("0",),
        value="1",
        keep="7",
        args=_REDSHIFT_ARGS,
        safety_note=(
            "Unsafe: automated snapshots are taken again (snapshot storage beyond the cluster's size is billed). "
            "1 day is Redshift's own default when the keyword is not written."
        ),
    ),
    ValueRule(
        code="AwsSolutions-RDS13",
        name="awssolutions-rds-backups",
        title="RDS instance without automated backups",
        cause="The RDS DB instance does not have automated backups enabled.",
        why="A backup retention of 0 days turns automated backups and point-in-time restore off.",
        impact="Data loss after a faulty write or a failure.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=(
            "aws_cdk.aws_rds.DatabaseInstance",
            "aws_cdk.aws_rds.DatabaseInstanceFromSnapshot",
            "aws_cdk.aws_rds.DatabaseInstanceReadReplica",
        ),
        keyword="backup_retention",
        flagged=("{aws_cdk.Duration}.days(0)",),
        value="{aws_cdk.Duration}.days(1)",
        keep="{aws_cdk.Duration}.days(7)",
        args=_RDS_INSTANCE_ARGS,
        not_fixed_on={
            "aws_cdk.aws_rds.DatabaseInstanceReadReplica": "whether a read replica can keep automated backups depends "
            "on its source's engine (CDK refuses `backup_retention` on a PostgreSQL replica, a MySQL one takes it): cdkfix "
            "cannot tell the engine here",
        },
        safety_note=(
            "Unsafe: RDS has an outage when the retention goes from 0 to a non-zero value, and backup storage beyond "
            "the database's size is billed. 1 day is RDS's own default when the keyword is not written."
        ),
        variants=(
            dict(
                constructs=("aws_cdk.aws_rds.CfnDBInstance",),
                keyword="backup_retention_period",
                flagged=("0",),
                value="1",
                keep="7",
                args='self, "Resource", db_instance_class="db.t3.micro", engine="postgres", allocated_storage="20", '
                'master_username="admin", master_user_password="Password1!"',
                not_fixed_on={},
                blocked_by={
                    "source_db_instance_identifier": "a read replica: whether it can keep automated backups depends on "
                    "its source's engine, which cdkfix cannot tell here",
                    "db_cluster_identifier": "an Aurora instance: its backups are its cluster's (RDS ignores the "
                    "instance's retention), so the cluster is where to set it",
                },
                examples=[
                    Example(
                        name="an Aurora instance: reported without a fix",
                        before='from aws_cdk import aws_rds as rds\n\nrds.CfnDBInstance(self, "Writer", db_instance_class="db.r6g.large", '
                        'engine="aurora-postgresql", db_cluster_identifier="orders", backup_retention_period=0)\n',
                        flagged=True,
                    ),
                ],
            ),
        ),
        examples=[
            Example(
                name="a read replica: reported without a fix",
                before="from aws_cdk import Duration, aws_ec2 as ec2, aws_rds as rds\n\n"
                'source = rds.DatabaseInstance(self, "Source", vpc=vpc, engine=rds.DatabaseInstanceEngine.MYSQL)\n'
                'rds.DatabaseInstanceReadReplica(self, "Replica", vpc=vpc, source_database_instance=source, '
                'instance_type=ec2.InstanceType("t3.micro"), backup_retention=Duration.days(0))\n',
                flagged=True,
            ),
            Example(
                name="a restored instance with cdk.Duration",
                before='import aws_cdk as cdk\n\ncdk.aws_rds.DatabaseInstanceFromSnapshot(self, "Restored", vpc=vpc, '
                'snapshot_identifier="snap", engine=cdk.aws_rds.DatabaseInstanceEngine.POSTGRES, backup_retention=cdk.Duration.days(0))\n',
                after='import aws_cdk as cdk\n\ncdk.aws_rds.DatabaseInstanceFromSnapshot(self, "Restored", vpc=vpc, '
                'snapshot_identifier="snap", engine=cdk.aws_rds.DatabaseInstanceEngine.POSTGRES, backup_retention=cdk.Duration.days(1))\n',
            ),
        ],
    ),
    ValueRule(
        code="AwsSolutions-MSK2",
        name="awssolutions-msk-client-tls",
        title="MSK cluster accepts plaintext clients",
        cause="The MSK cluster uses plaintext communication between clients and brokers.",
        why="Producers and consumers may send and read records unencrypted.",
        impact="Data in transit may travel unencrypted.",
        constructs=("aws_cdk.aws_msk.CfnCluster",),
        keyword="client_broker",
        inside=_MSK_IN_TRANSIT,
        flagged=('"PLAINTEXT"', '"TLS_PLAINTEXT"'),
        value='"TLS"',
        keep='"TLS"',
        args=_MSK_ARGS,
        safety_note=(
            "Unsafe: the plaintext listener (port 9092) goes away: clients that do not use TLS (port 9094) can no "
            "longer connect. MSK updates the setting in place (no replacement)."
        ),
        examples=[
            Example(
                name="dict literals (jsii passes their camelCase keys to CloudFormation)",
                before=f"{_MSK_HEADER}\n{_MSK_CALL}encryption_info={{\"encryptionInTransit\": {{\"clientBroker\": \"PLAINTEXT\"}}}})\n",
                after=f"{_MSK_HEADER}\n{_MSK_CALL}encryption_info={{\"encryptionInTransit\": {{\"clientBroker\": \"TLS\"}}}})\n",
            ),
            Example(
                name="snake_case dict keys: jsii drops them from the template, cdk-nag sees nothing: left alone",
                before=f"{_MSK_HEADER}\n{_MSK_CALL}encryption_info={{\"encryption_in_transit\": {{\"client_broker\": \"PLAINTEXT\"}}}})\n",
            ),
            Example(
                name="a props object inside a dict",
                before=f"{_MSK_HEADER}\n{_MSK_CALL}encryption_info={{\"encryptionInTransit\": "
                "msk.CfnCluster.EncryptionInTransitProperty(client_broker=\"PLAINTEXT\")})\n",
                after=f"{_MSK_HEADER}\n{_MSK_CALL}encryption_info={{\"encryptionInTransit\": "
                "msk.CfnCluster.EncryptionInTransitProperty(client_broker=\"TLS\")})\n",
            ),
            Example(
                name="the props object in a variable: left alone",
                before=f"{_MSK_HEADER}\n\ndef build(self, vpc, encryption):\n    {_MSK_CALL}encryption_info=encryption)\n",
            ),
        ],
    ),
    ValueRule(
        code="AwsSolutions-MSK3",
        name="awssolutions-msk-broker-tls",
        title="MSK cluster brokers talk in plaintext",
        cause="The MSK cluster uses plaintext communication between brokers.",
        why="Records replicated between brokers travel unencrypted.",
        impact="Data in transit inside the cluster unencrypted.",
        constructs=("aws_cdk.aws_msk.CfnCluster",),
        keyword="in_cluster",
        inside=_MSK_IN_TRANSIT,
        flagged=("False",),
        value=None,
        no_fix=(
            "EncryptionInTransit.InCluster is create-only: CloudFormation would replace the cluster, and its topics "
            "and records are lost; encrypting between brokers needs a new cluster and a migration"
        ),
        keep="True",
        args=_MSK_ARGS,
        safety_note="No fix is written.",
    ),
    ValueRule(
        code="AwsSolutions-DOC1",
        name="awssolutions-docdb-encrypted",
        title="DocumentDB cluster without encryption at rest",
        cause="The Document DB cluster does not have encryption at rest enabled.",
        why="Documents, backups and snapshots at rest are unencrypted.",
        impact="Data at rest unencrypted.",
        constructs=("aws_cdk.aws_docdb.DatabaseCluster", "aws_cdk.aws_docdb.CfnDBCluster"),
        keyword="storage_encrypted",
        flagged=("False",),
        value=None,
        no_fix=(
            "StorageEncrypted is create-only: CloudFormation would replace the cluster, and its data is lost; "
            "encrypting needs a restore from a snapshot into a new, encrypted cluster"
        ),
        keep="True",
        args=_DOCDB_ARGS,
        safety_note="No fix is written.",
        examples=[
            Example(
                name="CfnDBCluster: reported without a fix",
                before='from aws_cdk import aws_docdb as docdb\n\ndocdb.CfnDBCluster(self, "Docs", master_username="admin", '
                'master_user_password="Password1!", storage_encrypted=False)\n',
                flagged=True,
            ),
        ],
    ),
    ValueRule(
        code="AwsSolutions-COG7",
        name="awssolutions-cognito-unauthenticated",
        title="Cognito identity pool allows unauthenticated identities",
        cause="The Cognito identity pool allows for unauthenticated logins and does not have a cdk-nag rule suppression with a reason.",
        why="Anyone on the internet can get AWS credentials of the pool's unauthenticated role.",
        impact="AWS credentials for anonymous users.",
        constructs=("aws_cdk.aws_cognito_identitypool.IdentityPool", "aws_cdk.aws_cognito.CfnIdentityPool"),
        keyword="allow_unauthenticated_identities",
        flagged=("True",),
        value="False",
        keep="False",
        safety_note="Unsafe: it narrows access: guest users of the app get no credentials any more.",
        examples=[
            Example(
                name="CfnIdentityPool",
                before='from aws_cdk import aws_cognito as cognito\n\ncognito.CfnIdentityPool(self, "Pool", allow_unauthenticated_identities=True)\n',
                after='from aws_cdk import aws_cognito as cognito\n\ncognito.CfnIdentityPool(self, "Pool", allow_unauthenticated_identities=False)\n',
            ),
        ],
    ),
    ValueRule(
        code="AwsSolutions-CFR5",
        name="awssolutions-cloudfront-origin-https",
        title="CloudFront origin reached over HTTP",
        cause="The CloudFront distributions uses outdated SSL protocols for communicating to the origin.",
        why="With `HTTP_ONLY` (or `MATCH_VIEWER` for HTTP viewers) CloudFront fetches from the origin unencrypted.",
        impact="Data between CloudFront and the origin may travel unencrypted.",
        constructs=("aws_cdk.aws_cloudfront_origins.HttpOrigin",),
        keyword="protocol_policy",
        flagged=(
            "{aws_cdk.aws_cloudfront.OriginProtocolPolicy}.HTTP_ONLY",
            "{aws_cdk.aws_cloudfront.OriginProtocolPolicy}.MATCH_VIEWER",
        ),
        value=None,
        no_fix=(
            "cdkfix cannot tell whether the origin serves HTTPS with a certificate CloudFront trusts (an S3 website "
            "endpoint never does, a load balancer only with an HTTPS listener): `HTTPS_ONLY` towards an origin "
            "without one makes every request fail (502)"
        ),
        keep="{aws_cdk.aws_cloudfront.OriginProtocolPolicy}.HTTPS_ONLY",
        args='"origin.example.com"',
        follow=(
            '{aws_cdk.aws_cloudfront.Distribution}(self, "Cdn", default_behavior='
            "{aws_cdk.aws_cloudfront.BehaviorOptions}(origin={resource}))"
        ),
        safety_note="No fix is written.",
        variants=(
            dict(
                constructs=("aws_cdk.aws_cloudfront_origins.LoadBalancerV2Origin",),
                args="alb",
            ),
        ),
    ),
    ValueRule(
        code="AwsSolutions-ELB4",
        name="awssolutions-clb-cross-zone",
        title="Classic Load Balancer without cross-zone load balancing",
        cause="The CLB does not use at least two AZs with the Cross-Zone Load Balancing feature enabled.",
        why="Without cross-zone load balancing each load balancer node sends only to the targets of its own AZ.",
        impact="Uneven load, and an AZ with few healthy targets overloaded.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=("aws_cdk.aws_elasticloadbalancing.LoadBalancer",),
        keyword="cross_zone",
        flagged=("False",),
        value="True",
        keep="True",
        args='self, "Resource", vpc=vpc',
        safety_note="Unsafe: a running service changes: requests are spread over the targets of every AZ.",
    ),
    ValueRule(
        code="AwsSolutions-SQS2",
        name="awssolutions-sqs-unencrypted",
        title="SQS queue without server-side encryption",
        cause="The SQS Queue does not have server-side encryption enabled.",
        why="`QueueEncryption.UNENCRYPTED` (`SqsManagedSseEnabled: false`, no KMS key) stores the queue's messages unencrypted at rest.",
        impact="Messages at rest unencrypted.",
        constructs=("aws_cdk.aws_sqs.Queue",),
        keyword="encryption",
        flagged=("{aws_cdk.aws_sqs.QueueEncryption}.UNENCRYPTED",),
        value="{aws_cdk.aws_sqs.QueueEncryption}.SQS_MANAGED",
        keep="{aws_cdk.aws_sqs.QueueEncryption}.SQS_MANAGED",
        safety_note=(
            "Unsafe: the user chose no encryption. SSE-SQS (CDK's own default) is free, needs no key policy and is "
            "transparent to producers, consumers and AWS sources (SNS, EventBridge, S3 notifications, a redrive "
            "from an encrypted queue); SQS updates the queue in place, and messages already in it stay unencrypted."
        ),
        variants=(
            dict(
                constructs=("aws_cdk.aws_sqs.CfnQueue",),
                keyword="sqs_managed_sse_enabled",
                flagged=("False",),
                value="True",
                keep="True",
                passes_with=("kms_master_key_id",),
                examples=[
                    Example(
                        name="with a KMS key cdk-nag passes: left alone",
                        before='from aws_cdk import aws_sqs as sqs\n\nsqs.CfnQueue(self, "Queue", sqs_managed_sse_enabled=False, '
                        'kms_master_key_id="alias/aws/sqs")\n',
                    ),
                ],
            ),
        ),
        examples=[
            Example(
                name="a dead-letter queue of an encrypted queue",
                before="from aws_cdk import aws_sqs as sqs\n\n"
                'dlq = sqs.Queue(self, "Dlq", encryption=sqs.QueueEncryption.UNENCRYPTED)\n'
                'sqs.Queue(self, "Work", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dlq))\n',
                after="from aws_cdk import aws_sqs as sqs\n\n"
                'dlq = sqs.Queue(self, "Dlq", encryption=sqs.QueueEncryption.SQS_MANAGED)\n'
                'sqs.Queue(self, "Work", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dlq))\n',
            ),
        ],
    ),
    ValueRule(
        code="AwsSolutions-KDS1",
        name="awssolutions-kinesis-unencrypted",
        title="Kinesis stream without server-side encryption",
        cause="The Kinesis Data Stream does not has server-side encryption enabled.",
        why="`StreamEncryption.UNENCRYPTED`, or a `CfnStream` without `stream_encryption`, writes no `StreamEncryption`: records at rest are unencrypted.",
        impact="Records at rest unencrypted.",
        constructs=("aws_cdk.aws_kinesis.Stream",),
        keyword="encryption",
        flagged=("{aws_cdk.aws_kinesis.StreamEncryption}.UNENCRYPTED",),
        # MANAGED is the aws/kinesis key: KDS3 (which wants that key) passes too.
        value="{aws_cdk.aws_kinesis.StreamEncryption}.MANAGED",
        keep="{aws_cdk.aws_kinesis.StreamEncryption}.MANAGED",
        safety_note=(
            "Unsafe: the user chose no encryption (on a `CfnStream`, none is the default). The AWS-managed key "
            "`aws/kinesis` is free (no key policy to write), "
            "but producers and consumers then make KMS calls, counted against the account's KMS request quota; "
            "Kinesis encrypts the stream in place (no replacement), records already in it stay unencrypted."
        ),
        variants=(
            # cdk-nag flags a CfnStream with no StreamEncryption at all (CDK's L1 writes none); any
            # written value passes KDS1 (a key other than aws/kinesis is KDS3's finding).
            dict(
                constructs=("aws_cdk.aws_kinesis.CfnStream",),
                keyword="stream_encryption",
                flagged=(),
                absent=True,
                value='{aws_cdk.aws_kinesis.CfnStream.StreamEncryptionProperty}(encryption_type="KMS", key_id="alias/aws/kinesis")',
                keep='{aws_cdk.aws_kinesis.CfnStream.StreamEncryptionProperty}(encryption_type="KMS", key_id="alias/orders")',
                args='self, "Resource", shard_count=1',
            ),
        ),
    ),
    ValueRule(
        code="AwsSolutions-S2",
        name="awssolutions-s3-public-access",
        title="S3 bucket without all public access blocked",
        cause="The S3 Bucket does not have public access restricted and blocked.",
        why="A written `block_public_access=` (on a `CfnBucket`, `public_access_block_configuration=`) that leaves one of its four settings off lets a bucket policy or ACL make the bucket public.",
        impact="Bucket one policy or ACL away from public.",
        constructs=("aws_cdk.aws_s3.Bucket",),
        keyword="block_public_access",
        flagged=(
            "{aws_cdk.aws_s3.BlockPublicAccess}.BLOCK_ACLS",
            "{aws_cdk.aws_s3.BlockPublicAccess}.BLOCK_ACLS_ONLY",
        ),
        value="{aws_cdk.aws_s3.BlockPublicAccess}.BLOCK_ALL",
        keep="{aws_cdk.aws_s3.BlockPublicAccess}.BLOCK_ALL",
        flagged_unless_true=(
            "aws_cdk.aws_s3.BlockPublicAccess",
            ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"),
        ),
        blocked_by={
            "public_read_access": "the bucket is public on purpose: `BLOCK_ALL` makes CDK refuse `public_read_access`, "
            "or the public read policy fail at deploy time",
            "website_index_document": "a website bucket is public on purpose: `BLOCK_ALL` breaks it",
            "website_error_document": "a website bucket is public on purpose: `BLOCK_ALL` breaks it",
            "website_redirect": "a website bucket is public on purpose: `BLOCK_ALL` breaks it",
            "website_routing_rules": "a website bucket is public on purpose: `BLOCK_ALL` breaks it",
        },
        safety_note=(
            "Unsafe: it narrows access: a public bucket policy is rejected at deploy time, and a later "
            "`grant_public_access()` on the bucket makes CDK fail (cdkfix sees only the call); "
            "the bucket is updated in place."
        ),
        variants=(
            # The L1: a written PublicAccessBlockConfigurationProperty(...) with one of its four
            # settings not `True` (cdk-nag: each `!== true`); no configuration at all passes.
            dict(
                constructs=("aws_cdk.aws_s3.CfnBucket",),
                keyword="public_access_block_configuration",
                flagged=(),
                flagged_unless_true=("aws_cdk.aws_s3.CfnBucket.PublicAccessBlockConfigurationProperty", _BUCKET_FIELDS),
                value="{aws_cdk.aws_s3.CfnBucket.PublicAccessBlockConfigurationProperty}(block_public_acls=True, "
                "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)",
                keep="{aws_cdk.aws_s3.CfnBucket.PublicAccessBlockConfigurationProperty}(block_public_acls=True, "
                "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)",
                blocked_by={
                    "website_configuration": "a website bucket is public on purpose: blocking all public access breaks it",
                    "access_control": "a canned ACL is written: a public one (`PublicRead`, `PublicReadWrite`) is the "
                    "user's choice and is refused once public ACLs are blocked",
                },
                examples=[
                    Example(
                        name="CfnBucket: a setting off",
                        before="from aws_cdk import aws_s3 as s3\n\n"
                        's3.CfnBucket(self, "Bucket", public_access_block_configuration=s3.CfnBucket.PublicAccessBlockConfigurationProperty('
                        "block_public_acls=True, block_public_policy=False, ignore_public_acls=True, restrict_public_buckets=True))\n",
                        after="from aws_cdk import aws_s3 as s3\n\n"
                        f's3.CfnBucket(self, "Bucket", public_access_block_configuration=s3.CfnBucket.{_CFN_BLOCK_ALL_FIXED})\n',
                    ),
                    Example(
                        name="CfnBucket: settings absent",
                        before="from aws_cdk import aws_s3 as s3\n\n"
                        's3.CfnBucket(self, "Bucket", public_access_block_configuration=s3.CfnBucket.PublicAccessBlockConfigurationProperty('
                        "block_public_acls=True, ignore_public_acls=True))\n",
                        after="from aws_cdk import aws_s3 as s3\n\n"
                        f's3.CfnBucket(self, "Bucket", public_access_block_configuration=s3.CfnBucket.{_CFN_BLOCK_ALL_FIXED})\n',
                    ),
                    Example(
                        name="CfnBucket: every setting on: left alone",
                        before="from aws_cdk import aws_s3 as s3\n\n"
                        f's3.CfnBucket(self, "Bucket", public_access_block_configuration={_CFN_BLOCK_ALL})\n',
                    ),
                    Example(
                        name="CfnBucket: no configuration (cdk-nag passes): left alone",
                        before='from aws_cdk import aws_s3 as s3\n\ns3.CfnBucket(self, "Bucket")\n',
                    ),
                    Example(
                        name="CfnBucket: a website bucket: reported without a fix",
                        before="from aws_cdk import aws_s3 as s3\n\n"
                        's3.CfnBucket(self, "Site", website_configuration=s3.CfnBucket.WebsiteConfigurationProperty(index_document="index.html"), '
                        "public_access_block_configuration=s3.CfnBucket.PublicAccessBlockConfigurationProperty(block_public_policy=False))\n",
                        flagged=True,
                    ),
                    Example(
                        name="CfnBucket: a canned ACL: reported without a fix",
                        before="from aws_cdk import aws_s3 as s3\n\n"
                        's3.CfnBucket(self, "Public", access_control="PublicRead", '
                        "public_access_block_configuration=s3.CfnBucket.PublicAccessBlockConfigurationProperty(block_public_acls=False))\n",
                        flagged=True,
                    ),
                    Example(
                        name="CfnBucket: the class imported by name, a setting from a variable: left alone",
                        before="from aws_cdk.aws_s3 import CfnBucket\n\n\ndef build(self, strict):\n"
                        '    CfnBucket(self, "Bucket", public_access_block_configuration=CfnBucket.PublicAccessBlockConfigurationProperty('
                        "block_public_acls=strict, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True))\n",
                    ),
                    Example(
                        name="CfnBucket: the class imported by name, a setting off",
                        before="from aws_cdk.aws_s3 import CfnBucket\n\n"
                        'CfnBucket(self, "Bucket", public_access_block_configuration=CfnBucket.PublicAccessBlockConfigurationProperty('
                        "block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=False))\n",
                        after="from aws_cdk.aws_s3 import CfnBucket\n\n"
                        f'CfnBucket(self, "Bucket", public_access_block_configuration=CfnBucket.{_CFN_BLOCK_ALL_FIXED})\n',
                    ),
                    Example(
                        name="CfnBucket: a dict with a setting off",
                        before="from aws_cdk import aws_s3 as s3\n\n"
                        's3.CfnBucket(self, "Bucket", public_access_block_configuration={"blockPublicAcls": True, '
                        '"blockPublicPolicy": False, "ignorePublicAcls": True, "restrictPublicBuckets": True})\n',
                        after="from aws_cdk import aws_s3 as s3\n\n"
                        f's3.CfnBucket(self, "Bucket", public_access_block_configuration=s3.CfnBucket.{_CFN_BLOCK_ALL_FIXED})\n',
                    ),
                    Example(
                        name="CfnBucket: a dict of snake_case keys (jsii drops them: cdk-nag sees no setting)",
                        before="from aws_cdk import aws_s3 as s3\n\n"
                        's3.CfnBucket(self, "Bucket", public_access_block_configuration={"block_public_acls": True, '
                        '"block_public_policy": True, "ignore_public_acls": True, "restrict_public_buckets": True})\n',
                        after="from aws_cdk import aws_s3 as s3\n\n"
                        f's3.CfnBucket(self, "Bucket", public_access_block_configuration=s3.CfnBucket.{_CFN_BLOCK_ALL_FIXED})\n',
                    ),
                    Example(
                        name="CfnBucket: a dict with every setting on: left alone",
                        before="from aws_cdk import aws_s3 as s3\n\n"
                        's3.CfnBucket(self, "Bucket", public_access_block_configuration={"blockPublicAcls": True, '
                        '"blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True})\n',
                    ),
                ],
            ),
        ),
        examples=[
            Example(
                name="public read access: reported without a fix",
                before="from aws_cdk import aws_s3 as s3\n\n"
                's3.Bucket(self, "Public", public_read_access=True, block_public_access=s3.BlockPublicAccess.BLOCK_ACLS)\n',
                flagged=True,
            ),
            Example(
                name="a website bucket: reported without a fix",
                before="from aws_cdk import aws_s3 as s3\n\n"
                's3.Bucket(self, "Site", website_index_document="index.html", block_public_access=s3.BlockPublicAccess.BLOCK_ACLS_ONLY)\n',
                flagged=True,
            ),
            Example(
                name="a BlockPublicAccess(...) with a setting off",
                before="from aws_cdk import aws_s3 as s3\n\n"
                's3.Bucket(self, "Bucket", block_public_access=s3.BlockPublicAccess(block_public_acls=True, '
                'block_public_policy=False, ignore_public_acls=True, restrict_public_buckets=True))\n',
                after="from aws_cdk import aws_s3 as s3\n\n"
                's3.Bucket(self, "Bucket", block_public_access=s3.BlockPublicAccess.BLOCK_ALL)\n',
            ),
            Example(
                name="a BlockPublicAccess(...) with a setting absent",
                before="from aws_cdk import aws_s3 as s3\n\n"
                's3.Bucket(self, "Bucket", block_public_access=s3.BlockPublicAccess(block_public_acls=True, ignore_public_acls=True))\n',
                after="from aws_cdk import aws_s3 as s3\n\n"
                's3.Bucket(self, "Bucket", block_public_access=s3.BlockPublicAccess.BLOCK_ALL)\n',
            ),
            Example(
                name="a BlockPublicAccess(...) with every setting on: left alone",
                before="from aws_cdk import aws_s3 as s3\n\n"
                's3.Bucket(self, "Bucket", block_public_access=s3.BlockPublicAccess(block_public_acls=True, '
                'block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True))\n',
            ),
            Example(
                name="a BlockPublicAccess(...) with a run-time setting: left alone",
                before="from aws_cdk import aws_s3 as s3\n\n\ndef build(self, strict):\n"
                '    s3.Bucket(self, "Bucket", block_public_access=s3.BlockPublicAccess(block_public_acls=True, '
                'block_public_policy=strict, ignore_public_acls=True, restrict_public_buckets=True))\n',
            ),
        ],
    ),
    ValueRule(
        code="AwsSolutions-EFS1",
        name="awssolutions-efs-encrypted",
        title="EFS file system without encryption at rest",
        cause="The EFS is not configured for encryption at rest.",
        why="Files at rest and their backups are unencrypted.",
        impact="Data at rest unencrypted.",
        constructs=("aws_cdk.aws_efs.FileSystem", "aws_cdk.aws_efs.CfnFileSystem"),
        keyword="encrypted",
        flagged=("False",),
        value=None,
        no_fix=(
            "Encrypted is create-only: CloudFormation would replace the file system, and its files are lost; "
            "encrypting needs a new, encrypted file system and a copy (DataSync, or a restore from AWS Backup)"
        ),
        keep="True",
        args='self, "Resource", vpc=vpc',
        safety_note="No fix is written.",
        examples=[
            Example(
                name="CfnFileSystem: reported without a fix",
                before='from aws_cdk import aws_efs as efs\n\nefs.CfnFileSystem(self, "Files", encrypted=False)\n',
                flagged=True,
            ),
        ],
    ),
    ValueRule(
        code="AwsSolutions-AS1",
        name="awssolutions-asg-cooldown",
        title="Auto Scaling group without a cooldown",
        cause="The Auto Scaling Group does not have a cooldown period.",
        why="With a cooldown of 0 simple scaling policies fire again before the instances they launched take load: the group overshoots and flaps.",
        impact="Over-scaling (cost) and flapping capacity.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=("aws_cdk.aws_autoscaling.AutoScalingGroup",),
        keyword="cooldown",
        flagged=("{aws_cdk.Duration}.seconds(0)", "{aws_cdk.Duration}.minutes(0)"),
        value="{aws_cdk.Duration}.seconds(300)",
        keep="{aws_cdk.Duration}.seconds(120)",
        args=_INSTANCE_ARGS,
        safety_note=(
            "Unsafe: a running service changes: after a simple scaling activity the group waits 300 seconds (the "
            "Auto Scaling default when no cooldown is written) before the next one. Updated in place."
        ),
        variants=(
            dict(
                constructs=("aws_cdk.aws_autoscaling.CfnAutoScalingGroup",),
                flagged=('"0"',),
                value='"300"',
                keep='"120"',
                args='self, "Resource", max_size="1", min_size="0", availability_zones=["us-east-1a"]',
            ),
        ),
    ),
]

# Report-only, and the L1 leftovers of KDS1 and S2 (issue 14): cdk-nag 3.0.2's rule sources
# (CognitoUserPoolMFA, EC2SecurityGroupDescription, AuroraMySQLBacktrack, KinesisDataStreamSSE,
# S3BucketLevelPublicAccessProhibited) and docs/awssolutions-explicit-values.md say what is flagged.

_AURORA_MYSQL_ARGS = (
    'self, "Resource", vpc=vpc, engine={aws_cdk.aws_rds.DatabaseClusterEngine}.aurora_mysql('
    "version={aws_cdk.aws_rds.AuroraMysqlEngineVersion}.VER_3_08_0), "
    'writer={aws_cdk.aws_rds.ClusterInstance}.provisioned("Writer")'
)

VALUE_RULES += [
    ValueRule(
        code="AwsSolutions-COG2",
        name="awssolutions-cognito-mfa",
        title="Cognito user pool does not require MFA",
        cause="The Cognito user pool does not require MFA.",
        why="A password alone signs a user in: a guessed, phished or reused password is an account taken over.",
        impact="Account takeover with a password alone.",
        constructs=("aws_cdk.aws_cognito.UserPool",),
        keyword="mfa",
        flagged=("{aws_cdk.aws_cognito.Mfa}.OFF", "{aws_cdk.aws_cognito.Mfa}.OPTIONAL"),
        absent=True,
        value=None,
        no_fix=(
            "MFA can be required only when the pool is created: on a deployed pool CloudFormation's update fails "
            "(Cognito: \"Cannot turn MFA functionality ON, once the user pool has been created\"), and cdkfix cannot "
            "tell a new pool from a deployed one; required MFA also makes every user without a second factor set "
            "one up at the next sign-in, which a client that does not handle that challenge cannot, and the factor "
            "is the user's choice (SMS needs a role, is billed per message and starts in the SNS sandbox; TOTP "
            "needs an authenticator app)"
        ),
        keep="{aws_cdk.aws_cognito.Mfa}.REQUIRED",
        args='self, "Resource", mfa_second_factor={aws_cdk.aws_cognito.MfaSecondFactor}(otp=True, sms=False)',
        safety_note="No fix is written.",
        variants=(
            dict(
                constructs=("aws_cdk.aws_cognito.CfnUserPool",),
                keyword="mfa_configuration",
                flagged=('"OFF"', '"OPTIONAL"'),
                keep='"ON"',
                args='self, "Resource", enabled_mfas=["SOFTWARE_TOKEN_MFA"]',
            ),
        ),
    ),
    ValueRule(
        code="AwsSolutions-EC27",
        name="awssolutions-ec2-security-group-description",
        title="Security group without a description",
        cause="The Security Group does not have a description.",
        why="A description says what a group is for; without one, operators guess before they change its rules.",
        impact="Operator errors on rules whose purpose nobody wrote down.",
        kind=Kind.CONFIGURATION,
        constructs=("aws_cdk.aws_ec2.SecurityGroup",),
        keyword="description",
        # CDK writes the construct path for an empty description (`props.description || path`).
        flagged=('"x"',),
        flagged_if=lambda value: isinstance(value, str) and len(value) == 1,
        flagged_text="a one-character string (an empty one becomes the construct path, which passes)",
        value=None,
        no_fix=(
            "a description says what the group is for, which only its author can write; and GroupDescription is "
            "create-only: CloudFormation replaces the group, detaching it from every instance, load balancer and "
            "rule that refers to it by ID until they are updated"
        ),
        keep='"Web servers: HTTPS from the load balancer"',
        args='self, "Resource", vpc=vpc',
        safety_note="No fix is written.",
        examples=[
            Example(
                name="an empty description (CDK writes the construct path): left alone",
                before='from aws_cdk import aws_ec2 as ec2\n\nec2.SecurityGroup(self, "Sg", vpc=vpc, description="")\n',
            ),
        ],
        variants=(
            dict(
                constructs=("aws_cdk.aws_ec2.CfnSecurityGroup",),
                keyword="group_description",
                flagged=('""', '"x"'),
                flagged_if=lambda value: isinstance(value, str) and len(value) < 2,
                flagged_text="a string shorter than 2 characters",
                required=True,
                keep='"Web servers"',
                args='self, "Resource", vpc_id=vpc.vpc_id',
            ),
        ),
    ),
    ValueRule(
        code="AwsSolutions-RDS14",
        name="awssolutions-rds-aurora-mysql-backtrack",
        title="Aurora MySQL cluster without backtrack",
        cause="The RDS Aurora MySQL cluster does not have Backtrack enabled.",
        why="Backtrack rewinds the cluster to a moment before a faulty write in minutes, without a restore into a new cluster.",
        impact="A faulty write or delete undone only by a restore from backup.",
        kind=Kind.HIGH_AVAILABILITY,
        constructs=("aws_cdk.aws_rds.DatabaseCluster", "aws_cdk.aws_rds.DatabaseClusterFromSnapshot"),
        keyword="backtrack_window",
        flagged=("{aws_cdk.Duration}.seconds(0)", "{aws_cdk.Duration}.minutes(0)", "{aws_cdk.Duration}.hours(0)"),
        absent=True,
        when={
            "engine": (
                "{aws_cdk.aws_rds.DatabaseClusterEngine.aurora_mysql}(...)",
                "{aws_cdk.aws_rds.DatabaseClusterEngine.aurora}(...)",
                "{aws_cdk.aws_rds.DatabaseClusterEngine.AURORA_MYSQL}",
                "{aws_cdk.aws_rds.DatabaseClusterEngine.AURORA}",
            ),
        },
        value=None,
        no_fix=(
            "Aurora enables backtrack only when a cluster is created (or restored from a snapshot): on a deployed "
            "cluster the update fails, and a cluster whose window was ever set to 0 can never enable it again; "
            "cdkfix cannot tell a new cluster from a deployed one. Backtrack also does not work with binlog "
            "replication, is not offered in every region, and the change records it keeps are billed"
        ),
        keep="{aws_cdk.Duration}.hours(24)",
        args=_AURORA_MYSQL_ARGS,
        safety_note="No fix is written.",
        variants=(
            dict(
                constructs=("aws_cdk.aws_rds.CfnDBCluster",),
                flagged=("0",),
                when={"engine": ('"aurora-mysql"', '"aurora"')},
                keep="86400",
                args='self, "Resource", engine="aurora-mysql", master_username="admin", master_user_password="Password1!"',
                examples=[
                    Example(
                        name="an Aurora PostgreSQL cluster: left alone",
                        before='from aws_cdk import aws_rds as rds\n\nrds.CfnDBCluster(self, "Pg", engine="aurora-postgresql", '
                        'master_username="admin", master_user_password="Password1!")\n',
                    ),
                    Example(
                        name="the engine in capitals (cdk-nag lower-cases it): reported without a fix",
                        before='from aws_cdk import aws_rds as rds\n\nrds.CfnDBCluster(self, "My", engine="Aurora-MySQL", '
                        'master_username="admin", master_user_password="Password1!")\n',
                        flagged=True,
                    ),
                ],
            ),
        ),
        examples=[
            Example(
                name="an Aurora PostgreSQL cluster: left alone",
                before="from aws_cdk import aws_ec2 as ec2, aws_rds as rds\n\n"
                'rds.DatabaseCluster(self, "Pg", vpc=vpc, engine=rds.DatabaseClusterEngine.aurora_postgres('
                'version=rds.AuroraPostgresEngineVersion.VER_16_4), writer=rds.ClusterInstance.provisioned("Writer"))\n',
            ),
            Example(
                name="the engine from a variable (unknown): left alone",
                before="from aws_cdk import aws_rds as rds\n\n\ndef build(self, vpc, engine):\n"
                '    rds.DatabaseCluster(self, "Db", vpc=vpc, engine=engine, writer=rds.ClusterInstance.provisioned("Writer"))\n',
            ),
            Example(
                name="a cluster restored from a snapshot: reported without a fix",
                before="from aws_cdk import aws_rds as rds\n\n"
                'rds.DatabaseClusterFromSnapshot(self, "Restored", vpc=vpc, snapshot_identifier="snap", '
                "engine=rds.DatabaseClusterEngine.aurora_mysql(version=rds.AuroraMysqlEngineVersion.VER_3_08_0), "
                'writer=rds.ClusterInstance.provisioned("Writer"))\n',
                flagged=True,
            ),
        ],
    ),
]

value_rule.declare(VALUE_RULES, globals())


# --- ECS4 on the default cluster an ecs_patterns service makes (issue 14) --------------------

from cdkfix.transforms.awssolutions._scaffold import (  # noqa: E402
    ECS_PATTERN_EXAMPLE_IMPORTS, ECS_PATTERN_EXAMPLE_SERVICE, ECS_PATTERN_SERVICES, callee, default_cluster,
)

_ECS4_DECLARED = AwssolutionsEcs4Rule  # noqa: F821 (defined by declare(RULES, globals()) above)


class AwssolutionsEcs4Rule(_ECS4_DECLARED):
    """AwsSolutions-ECS4 (declared as a KeywordRule: `container_insights_v2` on an `ecs.Cluster`),
    and the default cluster an `ecs_patterns` service without `cluster=` makes (CDK's stack
    singleton `EcsDefaultClusterMnL3mNNYN...`, no Container Insights): reported without a fix at
    the service's call, since passing a cluster replaces the default cluster (and its VPC)."""

    fix = (
        _ECS4_DECLARED.fix
        + " An `ecs_patterns` service (ApplicationLoadBalanced*, NetworkLoadBalanced*, *MultipleTargetGroups*, "
        "QueueProcessing*, Scheduled*Task; Fargate and EC2) without `cluster=` gets CDK's default cluster: reported "
        "without a fix (a `**` splat that may hold `cluster=`: reported as unknown)."
    )
    calls = _ECS4_DECLARED.calls | ECS_PATTERN_SERVICES
    # After the declaration's own examples (the fix-effect harness names examples by index), before the
    # generated splat examples, which come last in every declared rule (and have no fixed text to prove).
    examples = [
        *_ECS4_DECLARED.examples[: -len(splat_examples(_ECS4_DECLARED.spec))],
        Example(
            name="an ecs_patterns service without cluster= or vpc=: the default cluster reported without a fix",
            before=ECS_PATTERN_EXAMPLE_IMPORTS + ECS_PATTERN_EXAMPLE_SERVICE.format(""),
            flagged=True,
        ),
        Example(
            name="an ecs_patterns service with vpc= only: the default cluster (in that VPC) reported without a fix",
            before="from aws_cdk.aws_ecs_patterns import QueueProcessingFargateService\nfrom aws_cdk import aws_ecs as ecs\n\n"
            'QueueProcessingFargateService(self, "Worker", vpc=vpc, image=ecs.ContainerImage.from_registry("worker"))\n',
            flagged=True,
        ),
        Example(
            name="an ecs_patterns service with cluster=: left alone",
            before=ECS_PATTERN_EXAMPLE_IMPORTS + ECS_PATTERN_EXAMPLE_SERVICE.format(", cluster=cluster"),
        ),
        Example(
            name="an ecs_patterns service with a `**` splat that may hold cluster=: reported without a fix",
            before=ECS_PATTERN_EXAMPLE_IMPORTS + "options = {}\n" + ECS_PATTERN_EXAMPLE_SERVICE.format(", **options"),
            flagged=True,
        ),
        *splat_examples(_ECS4_DECLARED.spec),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) not in ECS_PATTERN_SERVICES:
            super().visit_Call(node)
            return
        made = default_cluster(node)
        if made is None:
            return  # the user's cluster
        what = callee(node)
        if made == "splat":
            self.report_without_fix(
                f"{what} may make CDK's default ECS cluster, without Container Insights (ECS4)",
                "a `**` splat may set `cluster`: cdkfix cannot see its keywords",
                node,
            )
            return
        if made == "cluster":
            why = (
                "pass `cluster=` (an `ecs.Cluster` with container insights, in this `vpc`): replaces the default cluster"
            )
        else:
            why = (
                "pass `cluster=` (an `ecs.Cluster` with container insights, in a VPC with flow logs): replaces the "
                "default cluster and VPC"
            )
        self.report_without_fix(
            f"{what} without `cluster=` makes CDK's default ECS cluster, without Container Insights (ECS4)", why, node
        )


del _ECS4_DECLARED  # the registry keeps every Rule class of the module: the base would be a second ECS4
