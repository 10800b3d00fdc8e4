"""Tiny rules for the CI tests: a safe one, an unsafe one and one with options.

These exercise configuration, suppressions, safety gating and output formats without
depending on what the real rules do. Real rules flag buckets too (CDK-B1, CDK-B2): a test
that runs the whole registry selects the codes it is about, or uses a sample they ignore.
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.rule import Category, Kind, Rule, Safety

BUCKET = "aws_cdk.aws_s3.Bucket"
QUEUE = "aws_cdk.aws_sqs.Queue"


class BucketSsl(Rule):
    code = "TEST-S1"
    name = "test-bucket-ssl"
    title = "Bucket Without SSL Enforcement"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    issue = "The bucket accepts plain HTTP requests."
    fix = "Sets `enforce_ssl=True`."
    impact = "Data in transit may be read."

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_call_to(node, BUCKET) and layout.keyword_arg(node, "enforce_ssl") is None:
            self.report("bucket without enforce_ssl", [self.set_keyword(node, "enforce_ssl", "True")])


class BucketAutoDelete(Rule):
    code = "TEST-U1"
    name = "test-bucket-auto-delete"
    title = "Bucket Kept After Stack Deletion"
    category = Category.CRITICAL
    kind = Kind.DESTROYABILITY
    safety = Safety.UNSAFE
    issue = "The bucket and its objects outlive the stack."
    fix = "Sets `auto_delete_objects=True` (deletes the objects with the stack)."
    impact = "Stacks cannot be torn down cleanly."

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_call_to(node, BUCKET) and layout.keyword_arg(node, "auto_delete_objects") is None:
            self.report("bucket objects are not deleted with the stack", [self.set_keyword(node, "auto_delete_objects", "True")])


class QueueName(Rule):
    code = "TEST-O1"
    name = "test-queue-name"
    title = "Queue Without A Name"
    category = Category.IMPROVEMENT
    kind = Kind.CONFIGURATION
    issue = "The queue has a generated name."
    fix = "Sets `queue_name` from the options."
    impact = "Hard to find in the console."
    options = {"prefix": "app", "enabled": True, "count": 1, "suffixes": ["queue"]}

    def visit_Call(self, node: cst.Call) -> None:
        if not self.is_call_to(node, QUEUE) or layout.keyword_arg(node, "queue_name") is not None:
            return
        if not self.settings["enabled"]:
            return
        name = "-".join([self.settings["prefix"], *self.settings["suffixes"]] * self.settings["count"])
        self.report("queue without a name", [self.set_keyword(node, "queue_name", repr(name))])


class TopicTags(Rule):
    """Inserts a long list: how it is wrapped shows the line length in force."""

    code = "TEST-W1"
    name = "test-topic-tags"
    title = "Topic Without Tags"
    category = Category.IMPROVEMENT
    kind = Kind.CONFIGURATION
    issue = fix = impact = "test"

    def visit_Call(self, node: cst.Call) -> None:
        if self.is_call_to(node, "aws_cdk.aws_sns.Topic") and layout.keyword_arg(node, "display_name") is None:
            value = repr(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta"])
            self.report("topic without tags", [self.set_keyword(node, "display_name", value)])


class QueueSplat(Rule):
    """A finding without a fix: a splat hides whether the queue is encrypted."""

    code = "TEST-N1"
    name = "test-queue-splat"
    title = "Queue Options Unknown"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    issue = fix = impact = "test"

    def visit_Call(self, node: cst.Call) -> None:
        if self.resolve(node.func) == QUEUE and layout.has_double_star(node):
            self.report_without_fix("queue built from a splat", "its options come from `**` at run time", node)


TEST_RULES = (BucketSsl, BucketAutoDelete, QueueName, TopicTags, QueueSplat)
