"""cdk-nag 2 app (from-imports): resource suppressions on L1 and L2 constructs, with and without
apply_to_children, granular applies_to, a loop over rule IDs, a module-level list."""
import aws_cdk as cdk
from aws_cdk import Aspects, Stack, aws_iam as iam, aws_lambda as lambda_, aws_s3 as s3, aws_sqs as sqs
from cdk_nag import AwsSolutionsChecks, NagPackSuppression, NagSuppressions

LOG_BUCKET_SUPPRESSIONS = [
    {"id": "AwsSolutions-S1", "reason": "This bucket receives the access logs"},
    NagPackSuppression(id="AwsSolutions-S10", reason="Only written by the S3 log delivery"),
]
QUEUE_RULES = ["AwsSolutions-SQS3", "AwsSolutions-SQS4"]

app = cdk.App()
Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
stack = Stack(app, "Basic")

logs = s3.CfnBucket(stack, "Logs")
NagSuppressions.add_resource_suppressions(logs, LOG_BUCKET_SUPPRESSIONS)

data = s3.Bucket(stack, "Data", enforce_ssl=True)
NagSuppressions.add_resource_suppressions(
    data, [NagPackSuppression(id="AwsSolutions-S1", reason="Access is logged by CloudTrail data events")]
)

queue = sqs.Queue(stack, "Jobs")
for rule in QUEUE_RULES:
    NagSuppressions.add_resource_suppressions(queue, [{"id": rule, "reason": "A scratch queue for batch jobs"}])

worker = iam.Role(
    stack,
    "Worker",
    assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
    managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")],
)
worker.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"]))
worker.add_to_policy(iam.PolicyStatement(actions=["sqs:*"], resources=[queue.queue_arn]))
NagSuppressions.add_resource_suppressions(
    worker,
    [
        NagPackSuppression(id="AwsSolutions-IAM5", reason="Reads objects of any bucket", applies_to=["Resource::*"]),
        NagPackSuppression(
            id="AwsSolutions-IAM4",
            reason="The basic execution role is enough",
            applies_to=["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
        ),
    ],
    apply_to_children=True,
)

handler = lambda_.Function(
    stack,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_9,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
)
# Without apply_to_children: v2 suppresses on the function's own resource only, so the
# IAM4 finding of its ServiceRole stays reported (and must stay reported after the migration).
NagSuppressions.add_resource_suppressions(handler, [{"id": "AwsSolutions-L1", "reason": "Pinned for a library"}])

app.synth()
