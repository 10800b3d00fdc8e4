"""Runs a rule's own examples: the test suite calls this for every rule (as Fixit does)."""

from __future__ import annotations

from cdkfix.config import RunConfig
from cdkfix.engine import fix_module
from cdkfix.records import FixStatus
from cdkfix.rule import Example, Rule


def fix_source(source: str, rules, *, options=None, unsafe_fixes: bool = True, path: str = "example.py") -> tuple[str, list]:
    """Fixed text of `source` with `rules` (all fixes allowed by default), and the fix records."""
    config = RunConfig(rules=tuple(rules), rule_options=options or {}, unsafe_fixes=unsafe_fixes)
    result = fix_module(source.encode("utf-8"), path, config)
    if result.errors:
        raise AssertionError("; ".join(str(error) for error in result.errors))
    new = result.new_source.decode("utf-8") if result.new_source is not None else source
    return new, result.fixes


def example_rules(rule: type[Rule], example: Example) -> list[type[Rule]]:
    """The rule and whatever the example also selects, in the registry's order."""
    if not example.also_select:
        return [rule]
    from cdkfix.config import matching_rules
    from cdkfix.registry import all_rules

    universe = all_rules()
    wanted = {rule} | {other for pattern in example.also_select for other in matching_rules(universe, pattern, selecting=True)}
    return [candidate for candidate in universe if candidate in wanted]


def check_example(rule: type[Rule], example: Example) -> None:
    options = {rule.code: example.options} if example.options else None
    rules = example_rules(rule, example)
    fixed, records = fix_source(example.before, rules, options=options)
    expected = example.before if example.after is None else example.after
    assert fixed == expected, f"{rule.code} example {example.name!r}:\n--- got ---\n{fixed}\n--- expected ---\n{expected}"
    if example.after is None and example.flagged:
        assert records and all(record.status is FixStatus.NO_FIX for record in records), (
            f"{rule.code} example {example.name!r} must be reported without a fix, got {records}"
        )
        return
    if example.after is None:
        assert not records, f"{rule.code} example {example.name!r} must not be fixed, got {records}"
        return
    assert records and all(record.status is FixStatus.APPLIED for record in records)
    # An example that also selects a partner rule fixing the same construct (AwsSolutions-RS1
    # and RS11 write one parameter group) shows both rules' records; no other rule's.
    assert all(record.code in {selected.code for selected in rules} for record in records)
    assert any(record.code == rule.code for record in records)
    compile(fixed, "example.py", "exec")
    again, more = fix_source(fixed, rules, options=options)
    assert again == fixed and not more, f"{rule.code} example {example.name!r} is not idempotent:\n{again}"
