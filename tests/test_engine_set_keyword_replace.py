"""layout.set_keyword replacing an existing keyword with a multi-line value keeps the call's indentation."""

import libcst as cst

from cdkfix import layout
from cdkfix.formatting import format_expression


def _replace(source: str, name: str, value_source: str, width: int = 40) -> str:
    module = cst.parse_module(source)

    class _Set(cst.CSTTransformer):
        def leave_Call(self, original, updated):
            if layout.keyword_arg(updated, name) is not None:
                return layout.set_keyword(updated, name, format_expression(value_source, width))
            return updated

    return module.visit(_Set()).code


def test_multiline_value_replacing_a_keyword_is_indented_like_the_argument():
    source = """\
def f():
    x = g(
        a=1,
        b="old",  # note
    )
"""
    fixed = _replace(source, "b", 'context.get("someLongContextKey") or "a-rather-long-fallback-value"')
    assert fixed == """\
def f():
    x = g(
        a=1,
        b=(
            context.get("someLongContextKey")
            or "a-rather-long-fallback-value"
        ),
    )
"""
    compile(fixed, "t.py", "exec")


def test_replacing_a_value_drops_the_comment_beside_it_and_keeps_the_others():
    source = """\
x = g(
    a=1,  # first
    b="old",  # about the old value
    c=3  # last
)
"""
    fixed = _replace(source, "b", '"new"')
    assert fixed == """\
x = g(
    a=1,  # first
    b="new",
    c=3  # last
)
"""
    assert _replace(source, "b", '"old"') == source  # same value: nothing to say


def test_first_argument_uses_the_whitespace_after_the_opening_parenthesis():
    source = """\
x = g(
    b="old"
)
"""
    fixed = _replace(source, "b", 'context.get("someLongContextKey") or "a-rather-long-fallback-value"')
    assert fixed == """\
x = g(
    b=(
        context.get("someLongContextKey")
        or "a-rather-long-fallback-value"
    )
)
"""


def test_one_line_value_and_one_line_call_unchanged_in_shape():
    assert _replace('x = g(a=1, b="old")\n', "b", '"new"') == 'x = g(a=1, b="new")\n'
