"""Before vs after: stacks, resources (logical IDs by type), warnings, cdk-nag findings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cdkfix.verify.synth import SynthResult


@dataclass(frozen=True)
class ResourceChange:
    stack: str
    logical_id: str
    type: str  # for a type change: "Old -> New"

    def to_dict(self) -> dict:
        return {"stack": self.stack, "logical_id": self.logical_id, "type": self.type}


@dataclass
class Comparison:
    stacks_added: list[str] = field(default_factory=list)
    stacks_removed: list[str] = field(default_factory=list)
    added: list[ResourceChange] = field(default_factory=list)
    removed: list[ResourceChange] = field(default_factory=list)
    changed: list[ResourceChange] = field(default_factory=list)
    new_warnings: list[str] = field(default_factory=list)
    gone_warnings: list[str] = field(default_factory=list)
    new_errors: list[str] = field(default_factory=list)
    nag_before: int | None = None
    nag_after: int | None = None
    nag_rules_cleared: list[str] = field(default_factory=list)  # no finding left after the fixes
    nag_rules_new: list[str] = field(default_factory=list)  # no finding before the fixes
    nag_rule_deltas: dict[str, tuple[int, int]] = field(default_factory=dict)  # rule -> (before, after), changed only

    @staticmethod
    def by_type(changes: list[ResourceChange]) -> dict[str, int]:
        return dict(sorted(Counter(change.type for change in changes).items()))

    @property
    def unchanged_templates(self) -> bool:
        return not (self.stacks_added or self.stacks_removed or self.added or self.removed or self.changed)

    def to_dict(self) -> dict:
        return {
            "stacks_added": self.stacks_added,
            "stacks_removed": self.stacks_removed,
            "resources_added": [change.to_dict() for change in self.added],
            "resources_removed": [change.to_dict() for change in self.removed],
            "resources_changed": [change.to_dict() for change in self.changed],
            "added_by_type": self.by_type(self.added),
            "removed_by_type": self.by_type(self.removed),
            "changed_by_type": self.by_type(self.changed),
            "new_warnings": self.new_warnings,
            "gone_warnings": self.gone_warnings,
            "new_errors": self.new_errors,
            "cdk_nag": {
                "before": self.nag_before,
                "after": self.nag_after,
                "rules_cleared": self.nag_rules_cleared,
                "rules_new": self.nag_rules_new,
                "rule_changes": {rule: {"before": b, "after": a} for rule, (b, a) in self.nag_rule_deltas.items()},
            },
        }


def compare(before: SynthResult, after: SynthResult) -> Comparison:
    """What the fixes changed in the synthesized app; both results must have synthesized."""
    result = Comparison()
    result.stacks_added = sorted(set(after.stacks) - set(before.stacks))
    result.stacks_removed = sorted(set(before.stacks) - set(after.stacks))
    for stack in sorted(set(before.stacks) | set(after.stacks)):
        old, new = before.stacks.get(stack, {}), after.stacks.get(stack, {})
        for logical_id in sorted(set(new) - set(old)):
            result.added.append(ResourceChange(stack, logical_id, new[logical_id].type))
        for logical_id in sorted(set(old) - set(new)):
            result.removed.append(ResourceChange(stack, logical_id, old[logical_id].type))
        for logical_id in sorted(set(old) & set(new)):
            if old[logical_id].digest != new[logical_id].digest:
                kind = old[logical_id].type
                if new[logical_id].type != kind:
                    kind = f"{kind} -> {new[logical_id].type}"
                result.changed.append(ResourceChange(stack, logical_id, kind))
    result.new_warnings = [text for text in after.warnings if text not in set(before.warnings)]
    result.gone_warnings = [text for text in before.warnings if text not in set(after.warnings)]
    result.new_errors = [text for text in after.errors if text not in set(before.errors)]
    if before.nag is not None:
        result.nag_before = before.nag.findings
    if after.nag is not None:
        result.nag_after = after.nag.findings
    if before.nag is not None and after.nag is not None:
        result.nag_rules_cleared = sorted(before.nag.rules - after.nag.rules)
        result.nag_rules_new = sorted(after.nag.rules - before.nag.rules)
        for rule in sorted(before.nag.rules | after.nag.rules):
            counts = (before.nag.by_rule.get(rule, 0), after.nag.by_rule.get(rule, 0))
            if counts[0] != counts[1]:
                result.nag_rule_deltas[rule] = counts
    return result
