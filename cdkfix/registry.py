"""Finds the rules: every Rule subclass with a code in the modules of cdkfix.transforms and its sub-packages."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache

from cdkfix.rule import Rule

_CATEGORY_ORDER = {"A": 0, "B": 1, "I": 2}


def rule_sort_key(code: str) -> tuple:
    """CDK-A2 before CDK-B1 before CDK-B10 before CDK-I1; other packs after, by name, with
    numbers in number order (AwsSolutions-RDS2 before AwsSolutions-RDS10)."""
    match = re.fullmatch(r"CDK-([ABI])(\d+)", code)
    if match:
        return (0, _CATEGORY_ORDER[match.group(1)], 0, "", int(match.group(2)))
    match = re.fullmatch(r"(.*?)(\d+)", code)
    if match:
        return (1, 0, 0, match.group(1), int(match.group(2)))
    return (1, 0, 0, code, 0)


@lru_cache(maxsize=None)
def all_rules() -> tuple[type[Rule], ...]:
    from cdkfix import transforms

    found: dict[str, type[Rule]] = {}
    # Sub-packages too: a rule pack lives in its own folder (transforms/awssolutions/).
    for info in pkgutil.walk_packages(transforms.__path__, prefix=f"{transforms.__name__}."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and getattr(value, "code", None):
                if value.__module__ != module.__name__:
                    continue  # imported from elsewhere
                if value.code in found and found[value.code] is not value:
                    raise RuntimeError(f"two rules share the code {value.code}: {found[value.code]} and {value}")
                found[value.code] = value
    return tuple(sorted(found.values(), key=lambda rule: rule_sort_key(rule.code)))


def rules_by_code() -> dict[str, type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


def find_rule(code_or_name: str) -> type[Rule] | None:
    wanted = code_or_name.strip()
    for rule in all_rules():
        if wanted.upper() in (rule.code.upper(), rule.code.upper().removeprefix("CDK-")) or wanted == rule.name:
            return rule
    return None
