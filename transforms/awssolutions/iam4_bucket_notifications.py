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

The handler adds AWSLambdaBasicExecutionRole to the role it is GIVEN as well
(`this.role = props.role ?? new Role(...); this.role.addManagedPolicy(...)`): cdk-nag then flags
the user's role. Only a role CDK cannot change escapes it: an imported one
(`iam.Role.from_role_arn` / `from_role_name`, whose `addManagedPolicy` does nothing and which is no
resource of the stack) or `role.without_policy_updates()`. So `notifications_handler_role=`
holding (or naming a name bound once to) one of those is left alone; an `iam.Role(...)` is reported;
anything else (a parameter, an attribute) is reported as unknown.

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

from cdkfix.transforms._bindings import single_binding
from cdkfix.transforms.awssolutions._scaffold import BUCKET, binding, name_scope

NOTIFICATION_METHODS = ("add_event_notification", "add_object_created_notification", "add_object_removed_notification")
EVENT_SOURCES = frozenset({
    "aws_cdk.aws_lambda_event_sources.S3EventSource",
    "aws_cdk.aws_lambda_event_sources.S3EventSourceV2",
})
ROLE = "aws_cdk.aws_iam.Role"
IMPORTED_ROLES = frozenset({"aws_cdk.aws_iam.Role.from_role_arn", "aws_cdk.aws_iam.Role.from_role_name"})
_NO_FIX = (
    "CDK's BucketNotificationsHandler is a raw function with no log group option: a role of your own can let it "
    "log only on a wildcard log-group ARN (IAM5) or not at all; `notifications_handler_role=` is your choice (one "
    "CDK cannot change: `role.without_policy_updates()` or an imported role, else CDK adds the managed policy to it)"
)
_GIVEN = (
    "CDK adds AWSLambdaBasicExecutionRole to the `notifications_handler_role=` it is given; only a role it cannot "
    "change (`role.without_policy_updates()`, or one imported with `iam.Role.from_role_arn`) escapes it, and then "
    "you grant its logging (a wildcard log-group ARN: IAM5) or none"
)


def report_bucket_notifications(rule: Rule, node: cst.Call) -> None:
    """Report `node` (an `s3.Bucket(...)` call) when the file gives it notifications and no
    `notifications_handler_role=`."""
    given = layout.keyword_arg(node, "notifications_handler_role")
    role = "unknown" if given is None else _role_kind(rule, given.value)
    if role == "immutable":
        return  # CDK cannot attach the managed policy: no IAM4 on it
    how = _notifications(rule, node)
    if how is None:
        return
    what = code(node.func)
    if given is not None:
        verb = "gets" if role == "role" else "may get"
        rule.report_without_fix(
            f"{what} with notifications ({how}): its `notifications_handler_role={code(given.value)}` {verb} the AWS "
            "managed AWSLambdaBasicExecutionRole from CDK (IAM4)",
            _GIVEN,
            node,
        )
        return
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
    for call in nodes_within(name_scope(rule, name), cst.Call):
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in NOTIFICATION_METHODS and dotted_name(func.value) == name:
            return f"`{name}.{func.attr.value}`"
        if rule.resolve(func) in EVENT_SOURCES and call.args and dotted_name(call.args[0].value) == name:
            return f"`{code(func)}({name}, ...)`"
    return None


def _role_kind(rule: Rule, value: cst.BaseExpression) -> str:
    """"immutable" (imported, or `.without_policy_updates()`: CDK's `addManagedPolicy` does nothing),
    "role" (an `iam.Role(...)`: CDK attaches the policy) or "unknown"; a name bound once is followed."""
    if isinstance(value, (cst.Name, cst.Attribute)) and not isinstance(value, cst.Call):
        found = single_binding(rule, value)
        if found is not None:
            value = found[1]
    if not isinstance(value, cst.Call):
        return "unknown"
    func = value.func
    if isinstance(func, cst.Attribute) and func.attr.value == "without_policy_updates":
        return "immutable"
    qualified = rule.resolve(func)
    if qualified in IMPORTED_ROLES:
        return "immutable"
    return "role" if qualified == ROLE else "unknown"
