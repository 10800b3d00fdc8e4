"""What a change of templates does to a deployed stack: replacements, DeletionPolicy changes,
resources added and removed, IAM access and running-service behaviour that changed.

Replacement comes from the CloudFormation registry schemas cfn-lint ships
(`cfnlint/data/schemas`): a changed property listed in the type's `createOnlyProperties` makes
CloudFormation create a new resource and delete the old one. A resource whose logical ID changed
(one of a type removed, one of the same type added in the same stack) is replaced too.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cdkfix.effects import iam

# The behaviour of a running service: properties whose change a user notices without a
# deployment failing (health checks, how many tasks run, scaling bounds).
BEHAVIOUR_PROPERTIES: dict[str, tuple[str, ...]] = {
    "AWS::ElasticLoadBalancingV2::TargetGroup": (
        "HealthCheckEnabled", "HealthCheckIntervalSeconds", "HealthCheckPath", "HealthCheckPort",
        "HealthCheckProtocol", "HealthCheckTimeoutSeconds", "HealthyThresholdCount",
        "UnhealthyThresholdCount", "Matcher",
    ),
    "AWS::ECS::Service": ("DesiredCount", "HealthCheckGracePeriodSeconds"),
    "AWS::ApplicationAutoScaling::ScalableTarget": ("MinCapacity", "MaxCapacity"),
    "AWS::AutoScaling::AutoScalingGroup": ("MinSize", "MaxSize", "DesiredCapacity", "HealthCheckType", "HealthCheckGracePeriod"),
    # Whether a deregistering or unhealthy instance keeps its in-flight requests, and how long.
    "AWS::ElasticLoadBalancing::LoadBalancer": ("ConnectionDrainingPolicy",),
}
# Container health checks live inside a task definition's container definitions.
CONTAINER_BEHAVIOUR = ("HealthCheck",)
# Resources whose mere addition changes how an existing service runs (scaling it).
BEHAVIOUR_TYPES = frozenset({
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
})
# Billable resources a fix must not add silently (hourly cost whether used or not). Small on
# purpose; alarms, dashboards and log groups cost cents and are what observability fixes add.
BILLABLE_TYPES = frozenset({
    "AWS::EC2::NatGateway",
    "AWS::EC2::EIP",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancing::LoadBalancer",
    "AWS::EC2::Instance",
    "AWS::ECS::Service",  # running tasks
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
})
# Types CloudFormation "replaces" by registering a new revision: every container change is a
# new task definition, and the service rolls to it (the old revision is deregistered, nothing
# stateful is lost). Listed in `replaced` (it is a fact) but not by itself unsafe.
REVISIONED_TYPES = frozenset({"AWS::ECS::TaskDefinition"})
# Resources cdk adds to every stack: not part of what a fix does.
IGNORED_TYPES = frozenset({"AWS::CDK::Metadata"})


@dataclass(frozen=True)
class Replacement:
    logical_id: str
    type: str
    reason: str  # "RoleName is create-only" / "logical ID changed (now X)"
    stack: str = ""

    def __str__(self) -> str:
        return f"{self.type} {self.logical_id}: {self.reason}"

    @property
    def summary(self) -> str:
        """Without the logical IDs, as a rule's `replaces` metadata says it:
        "AWS::Logs::LogGroup (logical ID changes)", "AWS::IAM::Role (RoleName is create-only)"."""
        reason = "logical ID changes" if self.reason.startswith("logical ID changed") else self.reason
        return f"{self.type} ({reason})"


@dataclass(frozen=True)
class DeletionPolicyChange:
    logical_id: str
    type: str
    attribute: str  # DeletionPolicy or UpdateReplacePolicy
    before: str  # "Delete" when absent (CloudFormation's default)
    after: str
    stack: str = ""

    # The brief's shape: (logical_id, type, before, after)
    def __iter__(self):
        return iter((self.logical_id, self.type, self.before, self.after))


@lru_cache(maxsize=1)
def _schema_index() -> tuple[Path, dict[str, str]]:
    # Only cfn-lint's data files are read: finding the package without running its __init__
    # saves importing cfn-lint's rules and their dependencies (0.5 s quiet, 3 s on a loaded
    # machine), which --verify paid after both syntheses, on its critical path.
    import importlib.util

    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("cfn-lint is not installed (pip install 'cdkfix[verify]')")
    root = Path(list(spec.submodule_search_locations)[0]) / "data" / "schemas"
    index = json.loads((root / "providers" / "us-east-1.json").read_text(encoding="utf-8"))
    return root, index


@lru_cache(maxsize=None)
def create_only_properties(resource_type: str) -> tuple[tuple[str, ...], ...]:
    """createOnlyProperties of a type as property paths (("RoleName",), ("Foo", "Bar"))."""
    root, index = _schema_index()
    digest = index.get(resource_type)
    if digest is None:
        return ()
    try:
        schema = json.loads((root / "resources" / f"{digest}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    paths = []
    for pointer in schema.get("createOnlyProperties", []) or []:
        parts = [part for part in pointer.split("/") if part]
        if parts and parts[0] == "properties":
            paths.append(tuple(parts[1:]))
    return tuple(paths)


_MISSING = object()


def _at(properties: dict, path: tuple[str, ...]) -> Any:
    value: Any = properties
    for part in path:
        if part == "*":  # array items: compare the whole list
            return value
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _resources(template: dict) -> dict[str, dict]:
    return {lid: res for lid, res in (template.get("Resources") or {}).items() if res.get("Type") not in IGNORED_TYPES}


def _stack_pairs(before: dict[str, dict], after: dict[str, dict]):
    """(stack, old template, new template, old resources, new resources) for each stack that
    exists before and after: the frame every comparison below walks."""
    for stack, old_template in before.items():
        new_template = after.get(stack)
        if new_template is not None:
            yield stack, old_template, new_template, _resources(old_template), _resources(new_template)


def replacements(before: dict[str, dict], after: dict[str, dict]) -> list[Replacement]:
    found: list[Replacement] = []
    for stack, _, _, old, new in _stack_pairs(before, after):
        for lid in sorted(set(old) & set(new)):
            kind = old[lid].get("Type", "")
            if new[lid].get("Type") != kind:
                found.append(Replacement(lid, kind, f"type changed to {new[lid].get('Type')}", stack))
                continue
            old_props, new_props = old[lid].get("Properties") or {}, new[lid].get("Properties") or {}
            changed = [
                "/".join(path) for path in create_only_properties(kind)
                if _at(old_props, path) != _at(new_props, path)
            ]
            if changed:
                found.append(Replacement(lid, kind, f"{', '.join(changed)} {'is' if len(changed) == 1 else 'are'} create-only", stack))
        removed = [lid for lid in old if lid not in new]
        added = [lid for lid in new if lid not in old]
        for lid in removed:
            kind = old[lid].get("Type", "")
            partner = next((other for other in added if new[other].get("Type") == kind), None)
            if partner is not None:
                added.remove(partner)
                found.append(Replacement(lid, kind, f"logical ID changed (now {partner})", stack))
    return found


def deletion_policy_changes(before: dict[str, dict], after: dict[str, dict]) -> list[DeletionPolicyChange]:
    found = []
    for stack, _, _, old, new in _stack_pairs(before, after):
        for lid in sorted(set(old) & set(new)):
            for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
                was, now = old[lid].get(attribute, "Delete"), new[lid].get(attribute, "Delete")
                if was != now:
                    found.append(DeletionPolicyChange(lid, old[lid].get("Type", ""), attribute, str(was), str(now), stack))
    return found


def _by_type(templates: dict[str, dict]) -> dict[tuple[str, str], str]:
    return {(stack, lid): res.get("Type", "") for stack, template in templates.items() for lid, res in _resources(template).items()}


def added_removed(before: dict[str, dict], after: dict[str, dict]) -> tuple[Counter, Counter]:
    old, new = _by_type(before), _by_type(after)
    added = Counter(kind for key, kind in new.items() if key not in old)
    removed = Counter(kind for key, kind in old.items() if key not in new)
    return added, removed


# --- IAM access of principals and resources that exist before and after --------------------

def _refs(value: Any) -> list[str]:
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and "Ref" in item:
            out.append(item["Ref"])
    return out


_RESOURCE_POLICY_TARGET = {
    "AWS::S3::BucketPolicy": "Bucket",
    "AWS::SNS::TopicPolicy": "Topics",
    "AWS::SQS::QueuePolicy": "Queues",
}


def access(template: dict) -> dict[str, set[str]]:
    """{owner logical id: normalized statements}: a role's inline and attached policies (and
    managed policy ARNs), a resource's own policy (bucket, topic, queue, key)."""
    owners: dict[str, set[str]] = {}
    resources = _resources(template)
    for lid, res in resources.items():
        kind, props = res.get("Type", ""), res.get("Properties") or {}
        statements = [json.dumps(statement, sort_keys=True) for _, _, statement in iam._statements_in(props, lid, lid)]
        targets: list[str]
        if kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            targets = _refs(props.get("Roles")) + _refs(props.get("Users")) + _refs(props.get("Groups"))
        elif kind in _RESOURCE_POLICY_TARGET:
            targets = _refs(props.get(_RESOURCE_POLICY_TARGET[kind]))
            if kind == "AWS::S3::BucketPolicy" and isinstance(props.get("Bucket"), dict):
                targets = _refs(props["Bucket"]) or targets
        else:
            targets = [lid]
            if kind in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
                statements += [f"managed:{json.dumps(arn, sort_keys=True)}" for arn in props.get("ManagedPolicyArns", []) or []]
        for target in targets:
            owners.setdefault(target, set()).update(statements)
    return owners


def access_changes(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    found = []
    for stack, old_template, new_template, old_resources, new_resources in _stack_pairs(before, after):
        old, new = access(old_template), access(new_template)
        for owner in sorted(set(old_resources) & set(new_resources)):
            was, now = old.get(owner, set()), new.get(owner, set())
            if was == now:
                continue
            wider, narrower = len(now - was), len(was - now)
            secure = any("aws:SecureTransport" in statement for statement in now - was)
            what = "enforces TLS (an aws:SecureTransport deny)" if secure else (
                f"+{wider}/-{narrower} statement{'s' if wider + narrower != 1 else ''}")
            found.append(f"changes the IAM access of {old_resources[owner].get('Type')} {owner}: {what}")
    return found


def behaviour_changes(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    found = []
    for stack, _, _, old, new in _stack_pairs(before, after):
        for lid in sorted(set(old) & set(new)):
            kind = old[lid].get("Type", "")
            old_props, new_props = old[lid].get("Properties") or {}, new[lid].get("Properties") or {}
            for name in BEHAVIOUR_PROPERTIES.get(kind, ()):
                if old_props.get(name, _MISSING) != new_props.get(name, _MISSING):
                    found.append(f"changes {name} of the running {kind} {lid}")
            if kind == "AWS::ECS::TaskDefinition":
                old_checks = [c.get("HealthCheck") for c in old_props.get("ContainerDefinitions", []) or [] if isinstance(c, dict)]
                new_checks = [c.get("HealthCheck") for c in new_props.get("ContainerDefinitions", []) or [] if isinstance(c, dict)]
                if old_checks != new_checks:
                    found.append(f"changes a container health check of {kind} {lid}")
        added = [lid for lid in new if lid not in old and new[lid].get("Type") in BEHAVIOUR_TYPES]
        for lid in added:
            found.append(f"adds {new[lid].get('Type')} {lid} (scales a running service)")
    return found
