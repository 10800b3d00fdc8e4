"""cdk-nag 2 app with three packs and options v3 dropped; one suppression per pack rule ID."""
from aws_cdk import App, Aspects, Stack, aws_s3 as s3
from cdk_nag import HIPAASecurityChecks, NagSuppressions, NIST80053R5Checks, ServerlessChecks

app = App()
Aspects.of(app).add(HIPAASecurityChecks(reports=True, log_ignores=True))
Aspects.of(app).add(NIST80053R5Checks(verbose=True))
Aspects.of(app).add(ServerlessChecks())

stack = Stack(app, "Packs")
archive = s3.Bucket(stack, "Archive")
NagSuppressions.add_resource_suppressions(
    archive,
    [
        {"id": "HIPAA.Security-S3BucketLoggingEnabled", "reason": "Archive access is audited by CloudTrail"},
        {"id": "NIST.800.53.R5-S3BucketReplicationEnabled", "reason": "A single-region archive"},
    ],
    apply_to_children=True,
)
NagSuppressions.add_stack_suppressions(
    stack, [{"id": "NIST.800.53.R5-S3BucketVersioningEnabled", "reason": "Objects are immutable"}]
)
app.synth()
