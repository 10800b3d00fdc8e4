"""AwsSolutions-EMR2, EMR4 and EMR5 on `emr.CfnCluster`: reported without a fix (class C).

cdk-nag 3 (src/rules/emr/EMRS3AccessLogging.ts, EMRLocalDiskEncryption.ts,
EMREncryptionInTransit.ts) flags every CfnCluster whose `LogUri` is undefined (EMR2), and every
CfnCluster whose `SecurityConfiguration` is undefined or names no CfnSecurityConfiguration of the
stack (matched by its `Ref` or by its `name`) with `EnableAtRestEncryption: true` and a local disk
`EncryptionKeyProviderType` (EMR4) / `EnableInTransitEncryption: true` and a TLS
`CertificateProviderType` (EMR5).

cdkfix reports the keyword absent (a `**` splat that may hold it: reported as unknown) and
leaves any written value alone: a name given as a string, or the `ref` of a security
configuration made elsewhere, is checked by cdk-nag against the stack's CfnSecurityConfiguration,
which cdkfix does not follow (a configuration made in another file or created outside CDK by
name is as valid as one made here).

No fix: the three properties are create-only on AWS::EMR::Cluster (cfn-lint's registry schema):
adding one replaces the cluster, its instances and whatever HDFS holds; and what goes in them is
the user's: a security configuration needs a KMS key (or a custom key provider) for local disks
and a TLS certificate provider (a PEM zip in S3, or a custom provider) for in-transit
encryption; the log bucket is the user's bucket and retention.
"""

from __future__ import annotations

from cdkfix import value_rule
from cdkfix.rule import Kind
from cdkfix.value_rule import ValueRule

CLUSTER = "aws_cdk.aws_emr.CfnCluster"

# The smallest CfnCluster aws-cdk-lib 2.275 constructs (name, instances, job_flow_role and
# service_role are required) and synthesizes.
_ARGS = (
    'self, "Resource", name="analytics", release_label="emr-7.1.0", job_flow_role="EMR_EC2_DefaultRole", '
    'service_role="EMR_DefaultRole", instances={aws_cdk.aws_emr.CfnCluster}.JobFlowInstancesConfigProperty('
    'master_instance_group={aws_cdk.aws_emr.CfnCluster}.InstanceGroupConfigProperty(instance_count=1, '
    'instance_type="m5.xlarge"))'
)
# A security configuration made in place, as cdk-nag's own compliance test writes it: cdk-nag 3
# reads `EnableAtRestEncryption`, `AtRestEncryptionConfiguration`, `EnableInTransitEncryption` and
# `InTransitEncryptionConfiguration` at the top of the JSON (EMR's own documents nest them under
# `EncryptionConfiguration`, which cdk-nag 3 does not look into: such a configuration is still
# flagged). The example shows what cdk-nag passes, so that tests/test_value_rules.py's synthesis
# can check the rule against it.
_KEEP = (
    '{aws_cdk.aws_emr.CfnSecurityConfiguration}(self, "Security", security_configuration={'
    '"EnableAtRestEncryption": True, "AtRestEncryptionConfiguration": {"LocalDiskEncryptionConfiguration": '
    '{"EncryptionKeyProviderType": "AwsKms", "AwsKmsKey": "arn:aws:kms:us-east-1:123456789012:key/'
    '12345678-1234-1234-1234-123456789012"}}, "EnableInTransitEncryption": True, "InTransitEncryptionConfiguration": '
    '{"TLSCertificateConfiguration": {"CertificateProviderType": "PEM", "S3Object": "s3://analytics-certs/tls.zip"}}'
    "}).ref"
)
_REPLACES = "SecurityConfiguration is create-only on AWS::EMR::Cluster: adding it replaces the cluster (its instances and HDFS data)"
_SECURITY_CONFIGURATION = (
    "pass `security_configuration=` (the name or `ref` of an `emr.CfnSecurityConfiguration` with {what}); "
    + _REPLACES
)

VALUE_RULES = [
    ValueRule(
        code="AwsSolutions-EMR4",
        name="awssolutions-emr-local-disk-encryption",
        title="EMR cluster without a security configuration (local disk encryption)",
        cause="The EMR cluster does not use a security configuration with local disk encryption enabled.",
        why=(
            "Local disk encryption (LUKS on the instance store and EBS volumes, HDFS transparent encryption) keeps "
            "intermediate and spilled data encrypted at rest on the cluster's nodes."
        ),
        impact="Shuffle, spill and HDFS data on the nodes' disks are not encrypted by EMR.",
        constructs=(CLUSTER,),
        keyword="security_configuration",
        flagged=(),
        absent=True,
        value=None,
        no_fix=_SECURITY_CONFIGURATION.format(
            what="`EnableAtRestEncryption` and a local disk `EncryptionKeyProviderType`: a KMS key, or a custom key "
            "provider, that only you can choose"
        ),
        keep=_KEEP,
        args=_ARGS,
        safety_note="No fix is written.",
    ),
    ValueRule(
        code="AwsSolutions-EMR5",
        name="awssolutions-emr-encryption-in-transit",
        title="EMR cluster without a security configuration (encryption in transit)",
        cause="The EMR cluster does not use a security configuration with encryption in transit enabled and configured.",
        why="Without in-transit encryption, data moves between the cluster's nodes (and to S3 through EMRFS) in the clear.",
        impact="Data readable on the network between the cluster's nodes.",
        constructs=(CLUSTER,),
        keyword="security_configuration",
        flagged=(),
        absent=True,
        value=None,
        no_fix=_SECURITY_CONFIGURATION.format(
            what="`EnableInTransitEncryption` and a TLS `CertificateProviderType`: a certificate provider (a PEM zip "
            "in S3, or a custom provider) that only you can choose"
        ),
        keep=_KEEP,
        args=_ARGS,
        safety_note="No fix is written.",
    ),
    ValueRule(
        code="AwsSolutions-EMR2",
        name="awssolutions-emr-s3-logging",
        title="EMR cluster without S3 logging",
        cause="The EMR cluster does not have S3 logging enabled.",
        why="Logs uploaded to S3 outlive the cluster: without them, a failed step or a terminated cluster leaves no record.",
        impact="No step, application or node logs after the cluster terminates.",
        kind=Kind.OBSERVABILITY,
        constructs=(CLUSTER,),
        keyword="log_uri",
        flagged=(),
        absent=True,
        value=None,
        no_fix=(
            "pass `log_uri=` (an `s3://` location in a bucket of yours, whose retention and access you choose); "
            "LogUri is create-only on AWS::EMR::Cluster: adding it replaces the cluster (its instances and HDFS data)"
        ),
        keep='"s3://analytics-logs/emr/"',
        args=_ARGS,
        safety_note="No fix is written.",
    ),
]

value_rule.declare(VALUE_RULES, globals())
