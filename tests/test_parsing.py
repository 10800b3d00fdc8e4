"""cdkfix.parsing: LibCST's parse without per-node validation gives the very same tree, and
leaves validation on for every node built afterwards."""

from __future__ import annotations

import random
from pathlib import Path

import libcst as cst
import pytest

from cdkfix import parsing
from cdkfix.registry import all_rules
from cdkfix.samples import realistic_cdk_module
from reliability_support import example_files
from test_reliability_syntax import CASES

ROOT = Path(__file__).resolve().parents[1]


def _sources() -> list[str]:
    rng = random.Random(3)
    examples = [example.before for rule in all_rules() for example in rule.examples]
    ours = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "cdkfix").rglob("*.py"))]
    newer = [source for _, source, *_ in CASES.values()]
    odd = ["x = 0if 1else 2\n", "print(not(x))\r\n", "if(x):pass", "\ufeffa = 1\n", "lambda:0\n", "del(a)\n"]
    return examples + [p.read_text() for p in example_files()] + ours + newer + odd + [
        realistic_cdk_module(rng, flaw_rate=0.5) for _ in range(20)
    ]


def _libcst_parse(source: str):
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError:
        return None


def test_the_tree_is_libcsts_own():
    compared = 0
    for source in _sources():
        expected = _libcst_parse(source)
        if expected is None:  # syntax newer than this LibCST: both must refuse it
            with pytest.raises(cst.ParserSyntaxError):
                parsing.parse_module(source)
            continue
        tree = parsing.parse_module(source)
        assert tree.deep_equals(expected)
        assert tree.code == expected.code and tree.encoding == expected.encoding
        compared += 1
    assert compared > 100


def test_bytes_keep_their_encoding():
    source = "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1")
    tree = parsing.parse_module(source)
    assert tree.encoding == cst.parse_module(source).encoding == "iso-8859-1" and tree.bytes == source


def test_nodes_built_after_a_parse_are_validated():
    parsing.parse_module("x = 1\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")


def test_nodes_built_after_a_failed_parse_are_validated():
    with pytest.raises(cst.ParserSyntaxError):
        parsing.parse_module("def (:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("not a name")
