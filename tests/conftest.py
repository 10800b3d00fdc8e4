import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def test_rules(monkeypatch):
    """The registry as the real rules plus the tiny rules of tests/rulekit.py (for CLI tests)."""
    from cdkfix import registry
    from rulekit import TEST_RULES

    rules = (*registry.all_rules(), *TEST_RULES)
    monkeypatch.setattr(registry, "all_rules", lambda: rules)
    return rules
