"""AwsSolutions-SQS3: an SQS queue that is neither a dead-letter queue nor has one gets one.

cdk-nag 3 (SQSQueueDLQ) flags a CfnQueue without a RedrivePolicy unless another queue's
RedrivePolicy or a Lambda function's DeadLetterConfig in the same stack targets it. The fix
inserts a new queue before the statement, compliant itself (SQS4: `enforce_ssl=True`; SQS3:
it is the target of a redrive policy; SQS2: CDK's default SQS-managed encryption), and
points the queue's `dead_letter_queue=` at it.
"""

from __future__ import annotations

import re

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code, construct_id, static_text, string_value
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions._scaffold import binding, callee, in_plain_statement, keyword_uses, scope_and_id

QUEUE = "aws_cdk.aws_sqs.Queue"
DEAD_LETTER_QUEUE = "aws_cdk.aws_sqs.DeadLetterQueue"
DURATION_DAYS = "aws_cdk.Duration.days"
# Calls whose dead-letter target cdk-nag recognises (a CfnQueue's RedrivePolicy, a CfnFunction's
# DeadLetterConfig): a queue used by one of these is compliant as it is.
_LAMBDA_MODULES = ("aws_cdk.aws_lambda.", "aws_cdk.aws_lambda_nodejs.")
# A queue the file names like a dead-letter queue is probably one, used where cdkfix cannot see.
_DLQ_WORDS = re.compile(r"dlq|dead[\W_]*letter", re.IGNORECASE)


class Sqs3DeadLetterQueue(Rule):
    code = "AwsSolutions-SQS3"
    name = "awssolutions-sqs-dead-letter-queue"
    title = "SQS queue without a dead-letter queue"
    category = Category.CONFIGURATION
    kind = Kind.HIGH_AVAILABILITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    issue = (
        "cdk-nag AwsSolutions-SQS3: The SQS queue is not used as a dead-letter queue (DLQ) and does not have a DLQ "
        "enabled. A message that always fails is received again and again until its retention period ends, then "
        "lost, with nothing to inspect."
    )
    fix = (
        "Inserts `<name>_dlq = sqs.Queue(<scope>, \"<Id>DeadLetterQueue\", enforce_ssl=True, "
        "retention_period=Duration.days(14))` before the statement (`fifo=True` too for a FIFO queue) and sets "
        "`dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=5, queue=<name>_dlq)` on the queue. A queue with "
        "`dead_letter_queue=`, or used in the file as a DeadLetterQueue's `queue=` or a Lambda function's "
        "`dead_letter_queue=`, is left alone. Reported without a fix: a `**` splat; a queue the file uses as "
        "another construct's `dead_letter_queue=`, or whose name or id says it is a dead-letter queue; a `fifo=` or "
        "`queue_name=` whose value cdkfix cannot read (the DLQ must be FIFO exactly when the queue is); a queue with "
        "no plain scope and id or not in a plain statement. Option `max_receive_count` (default 5, AWS's advice for "
        "Lambda event sources)."
    )
    impact = (
        "UNSAFE: a new queue (billed per request), and a running service changes: a message received "
        "`max_receive_count` times without being deleted moves to the dead-letter queue instead of being retried "
        "until it expires."
    )
    options = {"max_receive_count": 5}
    calls = frozenset({QUEUE})
    examples = [
        Example(
            name="module alias, bound to a name",
            before="""\
from aws_cdk import aws_sqs as sqs

orders = sqs.Queue(self, "Orders", enforce_ssl=True)
""",
            after="""\
from aws_cdk import aws_sqs as sqs
from aws_cdk import Duration

orders_dlq = sqs.Queue(
    self, "OrdersDeadLetterQueue", enforce_ssl=True, retention_period=Duration.days(14)
)

orders = sqs.Queue(self, "Orders", enforce_ssl=True, dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=5, queue=orders_dlq))
""",
        ),
        Example(
            name="import aws_cdk as cdk, self attribute, FIFO",
            before="""\
import aws_cdk as cdk

self.jobs = cdk.aws_sqs.Queue(self, "Jobs", fifo=True)
""",
            after="""\
import aws_cdk as cdk

jobs_dlq = cdk.aws_sqs.Queue(
    self,
    "JobsDeadLetterQueue",
    enforce_ssl=True,
    retention_period=cdk.Duration.days(14),
    fifo=True,
)

self.jobs = cdk.aws_sqs.Queue(self, "Jobs", fifo=True, dead_letter_queue=cdk.aws_sqs.DeadLetterQueue(max_receive_count=5, queue=jobs_dlq))
""",
        ),
        Example(
            name="class imported by name, bare statement, f-string id, FIFO by name",
            before="""\
from aws_cdk.aws_sqs import Queue

stage = "prod"
Queue(self, f"Events{stage}", queue_name="events.fifo")
""",
            after="""\
from aws_cdk.aws_sqs import Queue
from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs

stage = "prod"
dead_letter_queue = Queue(
    self,
    f"EventsDeadLetterQueue{stage}",
    enforce_ssl=True,
    retention_period=Duration.days(14),
    fifo=True,
)
Queue(self, f"Events{stage}", queue_name="events.fifo", dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=5, queue=dead_letter_queue))
""",
        ),
        Example(
            name="left alone: has a DLQ, is a DLQ of a queue and of a function",
            before="""\
from aws_cdk import aws_lambda as lambda_, aws_sqs as sqs

dlq = sqs.Queue(self, "Dlq", enforce_ssl=True)
failed = sqs.Queue(self, "Failed", enforce_ssl=True)
work = sqs.Queue(self, "Work", enforce_ssl=True, dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=3, queue=dlq))
handler = lambda_.Function(
    self,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
    dead_letter_queue=failed,
)
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) != QUEUE:
            return
        what = callee(node)
        if layout.has_double_star(node):
            self.report_without_fix(f"{what} may lack a dead-letter queue (SQS3)", "a `**` splat may set `dead_letter_queue`", node)
            return
        if layout.keyword_arg(node, "dead_letter_queue") is not None:
            return
        name = binding(self, node)
        users = keyword_uses(self, frozenset({"queue", "dead_letter_queue"})).get(name, []) if name else []
        dead_letter_users = [
            call for keyword, call in users
            if keyword == "dead_letter_queue" or self.resolve(call.func) == DEAD_LETTER_QUEUE
        ]
        recognised = [
            call for call in dead_letter_users
            if self.resolve(call.func) == DEAD_LETTER_QUEUE or (self.resolve(call.func) or "").startswith(_LAMBDA_MODULES)
        ]
        if recognised:
            return  # cdk-nag counts it as a dead-letter queue: compliant
        message = f"{what} without a dead-letter queue ({self.title})"
        if dead_letter_users:
            self.report_without_fix(
                message, f"it is the dead-letter queue of {callee(dead_letter_users[0])}: whether it needs its own is a human choice", node
            )
            return
        if _DLQ_WORDS.search(f"{name or ''} {static_text(construct_id(node))}"):
            self.report_without_fix(message, "its name says it is a dead-letter queue, used where cdkfix cannot see", node)
            return
        fifo = self._fifo(node)
        if fifo is None:
            self.report_without_fix(message, "`fifo=` or `queue_name=` is not a literal: the DLQ must be FIFO exactly when the queue is", node)
            return
        place = scope_and_id(node, "DeadLetterQueue", "DeadLetterQueue")
        if place is None or not in_plain_statement(self):
            self.report_without_fix(message, "no plain scope, id and statement to put a new queue next to", node)
            return
        scope, new_id = place
        variable = self.unique_name(f"{name.rsplit('.', 1)[-1]}_dlq" if name else "dead_letter_queue")
        queue = self.ref(QUEUE)
        extra = ", fifo=True" if fifo else ""
        insert = self.insert_before(
            self.current_statement,
            f"{variable} = {queue}({scope}, {new_id}, enforce_ssl=True, "
            f"retention_period={self.ref(DURATION_DAYS)}(14){extra})",
        )
        count = int(self.settings["max_receive_count"])
        change = self.set_keyword(
            node, "dead_letter_queue", f"{self.ref(DEAD_LETTER_QUEUE)}(max_receive_count={count}, queue={variable})"
        )
        self.report(message, [change, insert], node=node)

    def _fifo(self, node: cst.Call) -> bool | None:
        """Whether the queue is FIFO: `fifo=` literal, else a literal `queue_name` ending in
        `.fifo` (CDK infers FIFO from it); None when cdkfix cannot tell."""
        fifo = layout.keyword_arg(node, "fifo")
        if fifo is not None:
            value = code(fifo.value)
            return {"True": True, "False": False, "None": False}.get(value)
        queue_name = layout.keyword_arg(node, "queue_name")
        if queue_name is None:
            return False
        text = string_value(queue_name.value)
        if text is None:
            return None
        return text.endswith(".fifo")
