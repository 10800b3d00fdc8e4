"""Bisection over fixes: the breaking ones found, the others kept, with few synths."""

import math

import pytest

from cdkfix.verify.bisect import find_breaking


def oracle(bad=(), pairs=()):
    """A fake synthesizer: fails when a bad item, or both items of a bad pair, are in."""
    calls = []

    def synthesizes(subset):
        calls.append(frozenset(subset))
        chosen = set(subset)
        return not (chosen & set(bad)) and not any(a in chosen and b in chosen for a, b in pairs)

    return synthesizes, calls


@pytest.mark.parametrize("position", range(8))
def test_one_bad_fix_among_eight(position):
    items = list("abcdefgh")
    synthesizes, calls = oracle(bad=[items[position]])
    result = find_breaking(items, synthesizes)
    assert result.broken == [items[position]]
    assert result.kept == [item for item in items if item != items[position]]
    assert result.synths == len(calls) <= 2 * math.ceil(math.log2(len(items)))
    assert frozenset(items) not in calls  # known to fail: never synthesized again
    assert frozenset(result.kept) in calls  # the kept set was really synthesized


def test_several_bad_fixes_and_blame():
    items = list("abcdefghij")
    synthesizes, _ = oracle(bad=["b", "h"])
    result = find_breaking(items, synthesizes)
    assert result.broken == ["b", "h"]
    assert result.kept == list("acdefgij")
    assert "b" in result.blame["b"] and "h" in result.blame["h"]
    assert not synthesizes(list(result.blame["h"]))


def test_a_pair_that_breaks_only_together_rolls_back_the_later():
    synthesizes, _ = oracle(pairs=[("a", "d")])
    result = find_breaking(list("abcd"), synthesizes)
    assert result.broken == ["d"]
    assert result.kept == list("abc")


def test_everything_broken():
    synthesizes, _ = oracle(bad=list("abc"))
    result = find_breaking(list("abc"), synthesizes)
    assert result.kept == [] and result.broken == list("abc")


def test_single_fix_needs_no_synth():
    synthesizes, calls = oracle(bad=["a"])
    result = find_breaking(["a"], synthesizes)
    assert result.broken == ["a"] and result.synths == 0 and calls == []


def test_without_the_all_fail_hint_the_full_set_is_tried_first():
    synthesizes, calls = oracle()
    result = find_breaking(list("abc"), synthesizes, all_fail=False)
    assert result.kept == list("abc") and result.broken == [] and calls == [frozenset("abc")]
