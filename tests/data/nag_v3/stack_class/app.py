"""cdk-nag 2 app (`import cdk_nag as nag`, a Stack class): stack suppressions, suppressions by
path, appliesTo in a dict, a granular finding left unsuppressed on purpose."""
import aws_cdk as cdk
import cdk_nag as nag


class ApiStack(cdk.Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        cdk.aws_dynamodb.Table(
            self, "Table", partition_key=cdk.aws_dynamodb.Attribute(name="pk", type=cdk.aws_dynamodb.AttributeType.STRING)
        )
        nag.NagSuppressions.add_stack_suppressions(
            self, [nag.NagPackSuppression(id="AwsSolutions-DDB3", reason="Tables here are rebuilt from S3")]
        )
        cdk.aws_sns.Topic(self, "Topic")
        nag.NagSuppressions.add_resource_suppressions_by_path(
            self, "/Api/Topic/Resource", [{"id": "AwsSolutions-SNS2", "reason": "Only public events are sent"}]
        )
        handler = cdk.aws_lambda.Function(
            self,
            "Handler",
            runtime=cdk.aws_lambda.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=cdk.aws_lambda.Code.from_inline("def handler(event, context):\n    return None\n"),
        )
        handler.add_to_role_policy(cdk.aws_iam.PolicyStatement(actions=["dynamodb:*"], resources=["*"]))
        # Only the action wildcard is accepted: Resource::* stays reported.
        nag.NagSuppressions.add_resource_suppressions(
            handler,
            [{"id": "AwsSolutions-IAM5", "reason": "The handler manages its own tables", "appliesTo": ["Action::dynamodb:*"]}],
            apply_to_children=True,
        )
        nag.NagSuppressions.add_resource_suppressions_by_path(
            self,
            ["/Api/Handler/ServiceRole/Resource"],
            [
                {
                    "id": "AwsSolutions-IAM4",
                    "reason": "The basic execution role is enough",
                    "applies_to": ["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
                }
            ],
        )


app = cdk.App()
cdk.Aspects.of(app).add(nag.AwsSolutionsChecks())
ApiStack(app, "Api")
app.synth()
