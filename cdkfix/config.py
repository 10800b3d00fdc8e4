"""Run configuration: which rules, their options, and how far fixes may go."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdkfix.formatting import DEFAULT_LINE_LENGTH


@dataclass
class RunConfig:
    rules: tuple = ()  # Rule classes, in run order
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    unsafe_fixes: bool = False
    line_length: int = DEFAULT_LINE_LENGTH
    # FixRecord ids to leave out (status SKIPPED), e.g. fixes that --verify rolled back.
    skip: frozenset[str] = frozenset()

    @classmethod
    def default(cls, **overrides) -> "RunConfig":
        from cdkfix.registry import all_rules

        overrides.setdefault("rules", all_rules())
        return cls(**overrides)


def select_rules(all_rules, select=None, ignore=None):
    """Rules whose code (or a prefix of it, like `CDK-B`) is selected and not ignored."""
    from cdkfix.registry import find_rule

    def matches(rule, patterns):
        for pattern in patterns:
            pattern = pattern.strip().upper()
            if not pattern:
                continue
            if pattern == "ALL" or rule.code.upper().startswith(pattern) or rule.code.upper().removeprefix("CDK-").startswith(pattern):
                return True
            found = find_rule(pattern.lower())
            if found is rule:
                return True
        return False

    chosen = [rule for rule in all_rules if not select or matches(rule, select)]
    return tuple(rule for rule in chosen if not (ignore and matches(rule, ignore)))
