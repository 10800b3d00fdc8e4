"""layout: appending to multi-line list and dict displays keeps a trailing comment on its element."""

import libcst as cst
import pytest

from cdkfix import layout


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


@pytest.mark.parametrize(
    "before, after",
    [
        # The last element's comment sits on the closing brace in LibCST's tree: it must stay with "ENV".
        ('{\n    "ENV": "production"  # Hardcoded\n}', '{\n    "ENV": "production",  # Hardcoded\n    "K": v\n}'),
        ('{\n    "ENV": "production",  # Hardcoded\n}', '{\n    "ENV": "production",  # Hardcoded\n    "K": v,\n}'),
        ('{\n    "A": 1,\n    "B": 2  # two\n}', '{\n    "A": 1,\n    "B": 2,  # two\n    "K": v\n}'),
        ('{\n    "A": 1,\n}', '{\n    "A": 1,\n    "K": v,\n}'),
        ('{"A": 1}', '{"A": 1, "K": v}'),
        ("{}", '{"K": v}'),
    ],
)
def test_set_dict_item_appends_after_the_comment(before, after):
    mapping = cst.parse_expression(before)
    result = layout.set_dict_item(mapping, cst.parse_expression('"K"'), cst.parse_expression("v"))
    assert _code(result) == after
    compile(_code(result), "x", "eval")


def test_set_dict_item_replaces_in_place_keeping_the_comment():
    mapping = cst.parse_expression('{\n    "K": 1  # note\n}')
    result = layout.set_dict_item(mapping, cst.parse_expression('"K"'), cst.parse_expression("v"))
    assert _code(result) == '{\n    "K": v  # note\n}'


@pytest.mark.parametrize(
    "before, after",
    [
        ("[\n    1  # one\n]", "[\n    1,  # one\n    v\n]"),
        ("[\n    1,  # one\n]", "[\n    1,  # one\n    v,\n]"),
        ("[1, 2]", "[1, 2, v]"),
    ],
)
def test_append_element_appends_after_the_comment(before, after):
    result = layout.append_element(cst.parse_expression(before), cst.parse_expression("v"))
    assert _code(result) == after
