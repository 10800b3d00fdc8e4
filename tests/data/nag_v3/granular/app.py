"""cdk-nag 2 app whose suppressions only a synthesis can migrate exactly: whole-rule IAM4/IAM5
suppressions (v2 covered every granular finding) and a RegexAppliesTo."""
import aws_cdk as cdk
from aws_cdk import Aspects, Stack, aws_iam as iam, aws_lambda as lambda_, aws_s3 as s3
from cdk_nag import AwsSolutionsChecks, NagPackSuppression, NagSuppressions, RegexAppliesTo

app = cdk.App()
Aspects.of(app).add(AwsSolutionsChecks())
stack = Stack(app, "Granular")

reports = s3.Bucket(stack, "Reports", enforce_ssl=True, server_access_logs_prefix="logs/")
handler = lambda_.Function(
    stack,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_12,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
)
reports.grant_read_write(handler)
handler.add_to_role_policy(iam.PolicyStatement(actions=["logs:*"], resources=["*"]))
# Every IAM4 and IAM5 finding of the handler's role and policy, whatever their detail.
NagSuppressions.add_resource_suppressions(
    handler,
    [
        {"id": "AwsSolutions-IAM4", "reason": "The basic execution role is enough"},
        {"id": "AwsSolutions-IAM5", "reason": "The handler writes reports and logs anywhere"},
    ],
    apply_to_children=True,
)

auditor = iam.Role(stack, "Auditor", assumed_by=iam.AccountRootPrincipal())
auditor.add_to_policy(iam.PolicyStatement(actions=["s3:Get*", "s3:List*", "ec2:Describe*"], resources=["*"]))
# Only the S3 action wildcards: Action::ec2:Describe* and Resource::* stay reported.
NagSuppressions.add_resource_suppressions(
    auditor,
    [
        NagPackSuppression(
            id="AwsSolutions-IAM5",
            reason="Read-only S3 access for audits",
            applies_to=[RegexAppliesTo(regex="/^Action::s3:.*$/g")],
        )
    ],
    apply_to_children=True,
)
app.synth()
