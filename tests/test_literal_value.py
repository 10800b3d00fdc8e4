"""constructs.literal_value / string_value agree with LibCST's own evaluation (a compile)."""

import libcst as cst
import pytest

from cdkfix.constructs import literal_value, string_value

LITERALS = [
    "'bucket'", '"bucket"', "''", '""', "'''a\nb'''", '"""a\nb"""', "'''a\r\nb'''", "'a\\nb'",
    "r'a\\nb'", "R'x'", "u'x'", "U'x'", "b'x'", "rb'x'", "Br'x'", "'é'", "'\\u00e9'",
    "'it\"s'", '"it\'s"', "'''it's'''", "'\\\\'", "r'\\\\'", "'tab\tin'", "''''a'''",
]


@pytest.mark.parametrize("literal", LITERALS)
def test_literal_value_is_the_evaluated_value(literal: str) -> None:
    node = cst.parse_expression(literal)
    assert isinstance(node, cst.SimpleString)
    assert literal_value(node) == node.evaluated_value
    assert type(literal_value(node)) is type(node.evaluated_value)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("'a' 'b'", "ab"),
        ("'a' \"b\" r'\\c'", "ab\\c"),
        ("'a' f'{x}'", None),
        ("b'a'", None),
        ("x", None),
    ],
)
def test_string_value(source: str, expected: str | None) -> None:
    node = cst.parse_expression(source)
    assert string_value(node) == expected
    if isinstance(node, cst.ConcatenatedString) and expected is not None:
        assert node.evaluated_value == expected
