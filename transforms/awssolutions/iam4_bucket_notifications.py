"""AwsSolutions-IAM4 on the role of CDK's BucketNotificationsHandler (issue 14): reported without
a fix, once per `s3.Bucket(...)` call. Not a rule: the IAM4 rule (iam4_lambda_basic_execution.py)
hands the `s3.Bucket` calls here.

aws-cdk-lib 2.275 (aws-s3/lib/bucket.js): `add_event_notification`, `add_object_created_notification`
and `add_object_removed_notification` (each through `addEventNotification`; a
`lambda_event_sources.S3EventSource(bucket, ...)` calls it too), and `event_bridge_enabled=True`,
make the bucket's `BucketNotifications`, whose custom resource runs the stack's one
`BucketNotificationsHandler` function; without `notifications_handler_role=` its role gets the AWS
managed AWSLambdaBasicExecutionRole (aws-s3/lib/notifications-resource/notifications-resource-handler.js),
which cdk-nag flags as IAM4 on the handler's role.

No fix: the handler is a raw CfnFunction with no log group option, so a role cdkfix wrote could
let it log only with `logs:CreateLogStream` / `logs:PutLogEvents` on a wildcard log-group ARN (an
AwsSolutions-IAM5 for an IAM4) or not at all, and which of the two (or a role the user already
has) is the user's choice. The finding is at the bucket's call, where `notifications_handler_role=`
goes; a bucket whose arguments a `**` splat may hold is reported as unknown.

The bucket's notifications are found in the scope its name lives in: `bucket = s3.Bucket(...)`
in the enclosing function (or the module), `self.bucket = s3.Bucket(...)` in the enclosing class;
a call on a name bound to something else there (a parameter of another function) is not this
bucket's, and a bucket passed elsewhere (to a function of another module) is not followed.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code
from cdkfix.names import dotted_name
from cdkfix.rule import Rule
from cdkfix.traverse import nodes_within

from cdkfix.transforms.awssolutions._scaffold import BUCKET, binding

NOTIFICATION_METHODS = ("add_event_notification", "add_object_created_notification", "add_object_removed_notification")
EVENT_SOURCES = frozenset({
    "aws_cdk.aws_lambda_event_sources.S3EventSource",
    "aws_cdk.aws_lambda_event_sources.S3EventSourceV2",
})
_NO_FIX = (
    "CDK's BucketNotificationsHandler is a raw function with no log group option: a role of your own can let it "
    "log only on a wildcard log-group ARN (IAM5) or not at all; `notifications_handler_role=` is your choice"
)


def report_bucket_notifications(rule: Rule, node: cst.Call) -> None:
    """Report `node` (an `s3.Bucket(...)` call) when the file gives it notifications and no
    `notifications_handler_role=`."""
    if layout.keyword_arg(node, "notifications_handler_role") is not None:
        return  # the user's role: its own policies are for the role's construct to answer
    how = _notifications(rule, node)
    if how is None:
        return
    what = code(node.func)
    if layout.has_double_star(node):
        rule.report_without_fix(
            f"{what} with notifications ({how}) may get CDK's BucketNotificationsHandler role with the AWS managed "
            "AWSLambdaBasicExecutionRole (IAM4)",
            "a `**` splat may set `notifications_handler_role`: cdkfix cannot see its keywords",
            node,
        )
        return
    rule.report_without_fix(
        f"{what} with notifications ({how}) and no `notifications_handler_role=`: CDK's BucketNotificationsHandler "
        "role has the AWS managed AWSLambdaBasicExecutionRole (IAM4)",
        _NO_FIX,
        node,
    )


def _notifications(rule: Rule, node: cst.Call) -> str | None:
    """How the file gives this bucket notifications (the first way, as written), or None."""
    keyword = layout.keyword_arg(node, "event_bridge_enabled")
    if keyword is not None and isinstance(keyword.value, cst.Name) and keyword.value.value == "True":
        return "`event_bridge_enabled=True`"
    ancestors = rule.context.ancestors
    # `s3.Bucket(...).add_event_notification(...)`: the call's parent is the method's attribute.
    if len(ancestors) >= 2 and isinstance(ancestors[-2], cst.Attribute) and ancestors[-2].attr.value in NOTIFICATION_METHODS:
        return f"`{ancestors[-2].attr.value}`"
    name = binding(rule, node)
    if name is None:
        return None
    if name.startswith("self."):
        where = rule.enclosing(cst.ClassDef) or rule.context.module
    else:
        where = rule.enclosing(cst.FunctionDef) or rule.context.module
    for call in nodes_within(where, cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in NOTIFICATION_METHODS and dotted_name(func.value) == name:
            return f"`{name}.{func.attr.value}`"
        if rule.resolve(func) in EVENT_SOURCES and call.args and dotted_name(call.args[0].value) == name:
            return f"`{code(func)}({name}, ...)`"
    return None
