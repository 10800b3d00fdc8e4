"""AwsSolutions-KDF1: a Firehose delivery stream without server-side encryption gets the AWS owned key.

cdk-nag 3 (KinesisDataFirehoseSSE) flags every AWS::KinesisFirehose::DeliveryStream whose
`DeliveryStreamEncryptionConfigurationInput` is absent, whatever it holds otherwise.

- `kinesisfirehose.DeliveryStream(...)` (aws-cdk-lib 2.275, stable) without `encryption=` gets
  `encryption=kinesisfirehose.StreamEncryption.aws_owned_key()`, which CDK writes as
  `{KeyType: AWS_OWNED_CMK}`;
- `kinesisfirehose.CfnDeliveryStream(...)` without `delivery_stream_encryption_configuration_input=`
  gets `CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty(key_type="AWS_OWNED_CMK")`.

Firehose encrypts only what it stores itself: with a Kinesis data stream as the source
(`source=` on the L2, `kinesis_stream_source_configuration=` or a `delivery_stream_type` other
than DirectPut on the L1) server-side encryption is the stream's (KDS3), and CDK refuses
`source=` together with an AWS owned or customer managed key ("Specify server-side encryption
on the data stream instead"). Those are reported without a fix, and so are the MSK and database
sources of the L1 (the same rule: no SSE on a stream Firehose does not own).

Safe: the AWS owned key is free, needs no key policy and no IAM grant (CDK adds no role or
statement for it), and DeliveryStreamEncryptionConfigurationInput updates without interruption
(no replacement: the fix-effect harness shows none).
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, string_value
from cdkfix.rule import Category, Example, Kind, Rule, Safety

DELIVERY_STREAM = "aws_cdk.aws_kinesisfirehose.DeliveryStream"
CFN_DELIVERY_STREAM = "aws_cdk.aws_kinesisfirehose.CfnDeliveryStream"
AWS_OWNED_KEY = "aws_cdk.aws_kinesisfirehose.StreamEncryption.aws_owned_key"
ENCRYPTION_INPUT = "aws_cdk.aws_kinesisfirehose.CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty"
L1_KEYWORD = "delivery_stream_encryption_configuration_input"
# Sources whose data Firehose does not store encrypted itself: server-side encryption is refused.
_L1_SOURCES = ("kinesis_stream_source_configuration", "msk_source_configuration", "database_source_configuration")
_NO_SSE = (
    "cdkfix writes server-side encryption for direct put only: with a Kinesis stream source Firehose refuses it "
    "(CDK throws; encrypt the stream, KDS3), and the other sources are not proven"
)


class Kdf1FirehoseEncryption(Rule):
    code = "AwsSolutions-KDF1"
    name = "awssolutions-firehose-encryption"
    title = "Firehose delivery stream without server-side encryption"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    safety = Safety.SAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-KDF1: The Kinesis Data Firehose delivery stream does not have server-side "
        "encryption enabled. Records Firehose buffers before delivery are stored unencrypted."
    )
    fix = (
        "Sets `encryption=kinesisfirehose.StreamEncryption.aws_owned_key()` on a `DeliveryStream`, and "
        "`delivery_stream_encryption_configuration_input=CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty("
        "key_type=\"AWS_OWNED_CMK\")` on a `CfnDeliveryStream`. A call that states the keyword (any value, "
        "`StreamEncryption.unencrypted()` included) is left alone. Reported without a fix: a `**` splat; a "
        "Kinesis data stream source (`source=`; on the L1 a Kinesis, MSK or database source configuration or a "
        "`delivery_stream_type` other than a literal \"DirectPut\"): Firehose cannot encrypt what it reads from a "
        "stream (CDK refuses it; encrypt the stream, KDS3). Safe: the AWS owned key is free, needs no key "
        "policy or IAM grant, and the property updates without interruption."
    )
    impact = "Buffered records at rest unencrypted."
    calls = frozenset({DELIVERY_STREAM, CFN_DELIVERY_STREAM})
    examples = [
        Example(
            name="module alias",
            before="""\
from aws_cdk import aws_kinesisfirehose as kinesisfirehose

stream = kinesisfirehose.DeliveryStream(self, "Stream", destination=kinesisfirehose.S3Bucket(bucket))
""",
            after="""\
from aws_cdk import aws_kinesisfirehose as kinesisfirehose

stream = kinesisfirehose.DeliveryStream(self, "Stream", destination=kinesisfirehose.S3Bucket(bucket), encryption=kinesisfirehose.StreamEncryption.aws_owned_key())
""",
        ),
        Example(
            name="import aws_cdk as cdk",
            before="""\
import aws_cdk as cdk

self.stream = cdk.aws_kinesisfirehose.DeliveryStream(
    self, "Stream", destination=cdk.aws_kinesisfirehose.S3Bucket(bucket),
)
""",
            after="""\
import aws_cdk as cdk

self.stream = cdk.aws_kinesisfirehose.DeliveryStream(
    self, "Stream", destination=cdk.aws_kinesisfirehose.S3Bucket(bucket),
    encryption=cdk.aws_kinesisfirehose.StreamEncryption.aws_owned_key(),
)
""",
        ),
        Example(
            name="classes imported by name",
            before="""\
from aws_cdk.aws_kinesisfirehose import DeliveryStream, S3Bucket

DeliveryStream(self, "Stream", destination=S3Bucket(bucket))
""",
            after="""\
from aws_cdk.aws_kinesisfirehose import DeliveryStream, S3Bucket
from aws_cdk import aws_kinesisfirehose as kinesisfirehose

DeliveryStream(self, "Stream", destination=S3Bucket(bucket), encryption=kinesisfirehose.StreamEncryption.aws_owned_key())
""",
        ),
        Example(
            name="L1 CfnDeliveryStream, direct put",
            before="""\
from aws_cdk import aws_kinesisfirehose as kinesisfirehose

kinesisfirehose.CfnDeliveryStream(
    self,
    "Stream",
    delivery_stream_type="DirectPut",
    s3_destination_configuration=kinesisfirehose.CfnDeliveryStream.S3DestinationConfigurationProperty(
        bucket_arn=bucket.bucket_arn, role_arn="arn:aws:iam::123456789012:role/firehose"
    ),
)
""",
            after="""\
from aws_cdk import aws_kinesisfirehose as kinesisfirehose

kinesisfirehose.CfnDeliveryStream(
    self,
    "Stream",
    delivery_stream_type="DirectPut",
    s3_destination_configuration=kinesisfirehose.CfnDeliveryStream.S3DestinationConfigurationProperty(
        bucket_arn=bucket.bucket_arn, role_arn="arn:aws:iam::123456789012:role/firehose"
    ),
    delivery_stream_encryption_configuration_input=kinesisfirehose.CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty(
        key_type="AWS_OWNED_CMK"
    ),
)
""",
        ),
        Example(
            name="left alone: encryption stated (any value), also beside a splat",
            before="""\
from aws_cdk import aws_kinesisfirehose as kinesisfirehose

kinesisfirehose.DeliveryStream(self, "A", destination=destination, encryption=kinesisfirehose.StreamEncryption.unencrypted())
kinesisfirehose.DeliveryStream(self, "B", destination=destination, encryption=kinesisfirehose.StreamEncryption.customer_managed_key(), **props)
kinesisfirehose.CfnDeliveryStream(self, "C", delivery_stream_encryption_configuration_input=encryption)
""",
        ),
        Example(
            name="reported without a fix: a Kinesis stream source, a splat",
            before="""\
from aws_cdk import aws_kinesisfirehose as kinesisfirehose

kinesisfirehose.DeliveryStream(self, "A", destination=destination, source=kinesisfirehose.KinesisStreamSource(stream))
kinesisfirehose.DeliveryStream(self, "B", destination=destination, **props)
kinesisfirehose.CfnDeliveryStream(self, "C", delivery_stream_type="KinesisStreamAsSource", kinesis_stream_source_configuration=source)
kinesisfirehose.CfnDeliveryStream(self, "D", delivery_stream_type=kind)
kinesisfirehose.CfnDeliveryStream(self, "E", msk_source_configuration=msk)
""",
            flagged=True,
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        if qualified == DELIVERY_STREAM:
            keyword = "encryption"
            blocked = f"`source=`: {_NO_SSE}" if layout.keyword_arg(node, "source") is not None else None
        elif qualified == CFN_DELIVERY_STREAM:
            keyword = L1_KEYWORD
            blocked = self._l1_stream_source(node)
        else:
            return
        if layout.keyword_arg(node, keyword) is not None:
            return  # the user's choice, whatever it is (also beside a splat: Python refuses it twice)
        what = code(node.func)
        if layout.has_double_star(node):
            self.report_without_fix(
                f"{what} may lack `{keyword}` (KDF1)", f"a `**` splat may set `{keyword}` or a stream source", node
            )
            return
        message = f"{what} without `{keyword}` ({self.title})"
        if blocked is not None:
            self.report_without_fix(message, blocked, node)
            return
        if keyword == L1_KEYWORD:
            value = f'{self.ref(ENCRYPTION_INPUT)}(key_type="AWS_OWNED_CMK")'
        else:
            value = f"{self.ref(AWS_OWNED_KEY)}()"
        self.report(message, [self.set_keyword(node, keyword, value)])

    def _l1_stream_source(self, node: cst.Call) -> str | None:
        """Why a CfnDeliveryStream may read from a stream (no SSE possible), or None for direct put."""
        for keyword in _L1_SOURCES:
            if layout.keyword_arg(node, keyword) is not None:
                return f"`{keyword}=`: {_NO_SSE}"
        kind = layout.keyword_arg(node, "delivery_stream_type")
        if kind is None:
            return None
        text = string_value(kind.value)
        if text is None:
            return f"cdkfix cannot read `delivery_stream_type`: {_NO_SSE}"
        return None if text == "DirectPut" else f"`delivery_stream_type=\"{text}\"`: {_NO_SSE}"
