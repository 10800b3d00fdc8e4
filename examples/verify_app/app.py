"""A small CDK app that synthesizes as it is, with flaws cdkfix fixes safely: the example
for `cdkfix check --verify` / `cdkfix apply --verify` (examples/seed_app cannot synthesize
before its fixes, so --verify writes nothing there without --force)."""

import aws_cdk as cdk
from aws_cdk import aws_ecs as ecs, aws_s3 as s3
from constructs import Construct


class ServiceStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        cluster = ecs.Cluster(self, "Cluster")  # its own VPC, a NAT gateway in each of 2 AZs
        artifacts = s3.Bucket(
            self, "Artifacts", versioned=True, removal_policy=cdk.RemovalPolicy.DESTROY, auto_delete_objects=True
        )


app = cdk.App()
ServiceStack(app, "ServiceStack")
app.synth()
