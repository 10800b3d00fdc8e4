"""Node-level helpers that change a call or a list while keeping the user's layout.

A new keyword in a multi-line call goes on its own line, indented like its neighbours,
before the closing parenthesis; a trailing comment stays on the line it was on; a
single-line call stays on one line. Nothing here knows about CDK.
"""

from __future__ import annotations

from typing import Sequence, TypeVar

import libcst as cst

SeparatedNode = TypeVar("SeparatedNode", cst.Arg, cst.Element, cst.DictElement, cst.ImportAlias)


def parse_expression(source: str) -> cst.BaseExpression:
    return cst.parse_expression(source)


def has_double_star(call: cst.Call) -> bool:
    """A `**kwargs` splat hides which keywords the call really gets: such a call is unknown."""
    return any(arg.star == "**" for arg in call.args)


def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def argument(call: cst.Call, position: int, name: str) -> cst.Arg | None:
    """The argument given by keyword `name` or as the `position`-th positional one."""
    found = keyword_arg(call, name)
    if found is not None:
        return found
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    return positional[position] if position < len(positional) else None


def _is_multiline(whitespace: cst.BaseParenthesizableWhitespace | None) -> bool:
    return isinstance(whitespace, cst.ParenthesizedWhitespace)


def _separator_after(node: SeparatedNode) -> cst.BaseParenthesizableWhitespace:
    comma = node.comma
    return comma.whitespace_after if isinstance(comma, cst.Comma) else cst.SimpleWhitespace("")


def _closing_whitespace(node: SeparatedNode) -> cst.BaseParenthesizableWhitespace:
    """The whitespace between the last element and the closing bracket."""
    if isinstance(node, cst.Arg):
        return node.whitespace_after_arg
    return cst.SimpleWhitespace("")


def _with_closing_whitespace(node: SeparatedNode, whitespace) -> SeparatedNode:
    if isinstance(node, cst.Arg):
        return node.with_changes(whitespace_after_arg=whitespace)
    return node


def shift_continuation_lines(node: cst.CSTNode, extra: str) -> cst.CSTNode:
    """Indent every continuation line of an inserted expression by `extra`.

    Code parsed from a string starts at column 0; inside a call its continuation lines
    must line up with the argument it belongs to.
    """
    if not extra:
        return node

    class _Shift(cst.CSTTransformer):
        def leave_ParenthesizedWhitespace(self, original, updated):
            return updated.with_changes(last_line=cst.SimpleWhitespace(extra + updated.last_line.value))

    return node.visit(_Shift())


def _element_indent(
    elements: Sequence[SeparatedNode], opening: cst.BaseParenthesizableWhitespace | None
) -> cst.ParenthesizedWhitespace | None:
    """The line break + indentation used before elements, or None for a one-line sequence."""
    for element in elements[:-1]:
        after = _separator_after(element)
        if _is_multiline(after):
            return after
    if _is_multiline(opening):
        return opening
    return None


def append_separated(
    elements: Sequence[SeparatedNode],
    new: SeparatedNode,
    opening: cst.BaseParenthesizableWhitespace | None,
) -> list[SeparatedNode]:
    """`elements` + `new`, laid out like the existing elements.

    `opening` is the whitespace after the opening bracket; it tells a one-element
    multi-line sequence from a one-line one.
    """
    if not elements:
        return [new]
    elements = list(elements)
    last = elements[-1]
    indent = _element_indent(elements, opening)
    if indent is None:
        # One line: `f(a)` -> `f(a, new)`; a trailing comma moves to the new last element.
        trailing = last.comma
        elements[-1] = _with_closing_whitespace(
            last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.SimpleWhitespace(""),
        )
        new = _with_closing_whitespace(new.with_changes(comma=trailing), _closing_whitespace(last))
        elements.append(new)
        return elements

    new = shift_continuation_lines(new, indent.last_line.value)
    if isinstance(last.comma, cst.Comma):
        # `b=2,  # note\n)`: the comment stays after b; the new element keeps the trailing comma.
        closing = last.comma.whitespace_after
        elements[-1] = last.with_changes(
            comma=last.comma.with_changes(whitespace_after=_continue_line(closing, indent))
        )
        new = new.with_changes(comma=cst.Comma(whitespace_after=_close_line(closing)))
    else:
        closing = _closing_whitespace(last)
        elements[-1] = _with_closing_whitespace(
            last.with_changes(comma=cst.Comma(whitespace_after=_continue_line(closing, indent))),
            cst.SimpleWhitespace(""),
        )
        new = _with_closing_whitespace(new, _close_line(closing))
    elements.append(new)
    return elements


def _continue_line(closing, indent: cst.ParenthesizedWhitespace) -> cst.ParenthesizedWhitespace:
    """The break between the old last element and the new one, keeping any trailing comment."""
    if isinstance(closing, cst.ParenthesizedWhitespace):
        return indent.with_changes(first_line=closing.first_line, empty_lines=closing.empty_lines)
    return indent


def _close_line(closing) -> cst.BaseParenthesizableWhitespace:
    """The whitespace before the closing bracket, without the old element's comment."""
    if isinstance(closing, cst.ParenthesizedWhitespace):
        return closing.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return closing


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


def without_trailing_comment(arg: cst.Arg) -> cst.Arg:
    """The argument without the comment at the end of its line.

    A comment beside a value that a fix replaces speaks of the old value (`RETAIN  # keep
    the data`, `nat_gateways=1  # Single point of failure`): left there, it would say the
    opposite of the code.
    """
    if isinstance(arg.comma, cst.Comma) and isinstance(arg.comma.whitespace_after, cst.ParenthesizedWhitespace):
        after = arg.comma.whitespace_after
        if after.first_line.comment is not None:
            return arg.with_changes(comma=arg.comma.with_changes(
                whitespace_after=after.with_changes(first_line=cst.TrailingWhitespace(newline=after.first_line.newline))
            ))
    if isinstance(arg.whitespace_after_arg, cst.ParenthesizedWhitespace) and arg.whitespace_after_arg.first_line.comment:
        after = arg.whitespace_after_arg
        return arg.with_changes(
            whitespace_after_arg=after.with_changes(first_line=cst.TrailingWhitespace(newline=after.first_line.newline))
        )
    return arg


def set_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """Set keyword `name` of `call` to `value`: replaced in place (dropping the comment beside
    the old value), or appended in the call's layout (keeping every comment)."""
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            # A multi-line value continues at the replaced argument's indentation.
            before = call.whitespace_before_args if index == 0 else _separator_after(args[index - 1])
            if _is_multiline(before):
                value = shift_continuation_lines(value, before.last_line.value)
            changed = _code(arg.value) != _code(value)
            args[index] = without_trailing_comment(arg.with_changes(value=value)) if changed else arg
            return call.with_changes(args=args)
    new_arg = cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
        ),
    )
    return call.with_changes(args=append_separated(args, new_arg, call.whitespace_before_args))


def remove_separated(elements: Sequence[SeparatedNode], index: int) -> list[SeparatedNode]:
    """`elements` without the one at `index`, keeping the others' layout.

    The removed element takes its own trailing comment and the comment lines above it;
    its neighbours keep theirs. Whitespace owned by the brackets is not seen here: use
    `remove_arg` / `remove_element` to also tidy the opening and closing lines.
    """
    return _remove(list(elements), index, None, None)[0]


def remove_arg(call: cst.Call, index: int) -> cst.Call:
    """`call` without its `index`-th argument, keeping the other arguments' layout."""
    args, opening, _ = _remove(list(call.args), index, call.whitespace_before_args, None)
    return call.with_changes(args=args, whitespace_before_args=opening)


def remove_keyword(call: cst.Call, name: str) -> cst.Call:
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == name:
            return remove_arg(call, index)
    return call


def remove_element(sequence: cst.List | cst.Set, index: int):
    """`sequence` (a list or set display) without its `index`-th element, keeping the others' layout."""
    if isinstance(sequence, cst.List):
        elements, opening, closing = _remove(
            list(sequence.elements), index, sequence.lbracket.whitespace_after, sequence.rbracket.whitespace_before
        )
        return sequence.with_changes(
            elements=elements,
            lbracket=sequence.lbracket.with_changes(whitespace_after=opening),
            rbracket=sequence.rbracket.with_changes(whitespace_before=closing),
        )
    elements, opening, closing = _remove(
        list(sequence.elements), index, sequence.lbrace.whitespace_after, sequence.rbrace.whitespace_before
    )
    return sequence.with_changes(
        elements=elements,
        lbrace=sequence.lbrace.with_changes(whitespace_after=opening),
        rbrace=sequence.rbrace.with_changes(whitespace_before=closing),
    )


def _join_gaps(before, after, *, closing: bool, first: bool):
    """The whitespace that replaces `before` + removed element + `after`.

    `before` (after the previous comma or the opening bracket) keeps the previous line's
    comment; the removed element's own comment and the comment lines above it go with it;
    `after` gives the comment lines and indentation of what follows. `closing`: what follows
    is the closing bracket. `first`: `before` is the opening bracket's whitespace.
    """
    if _is_multiline(before):
        if _is_multiline(after):
            return before.with_changes(empty_lines=after.empty_lines, indent=after.indent, last_line=after.last_line)
        if closing and before.first_line.comment is None:
            return after  # `[\n    a,\n    b]` -> `[\n    a]`
        return before
    if _is_multiline(after):
        # The removed element shared its line with its predecessor: the comment is the line's,
        # unless the line only held the opening bracket and the removed element.
        return after.with_changes(first_line=cst.TrailingWhitespace()) if first else after
    return after if closing else before


def _remove(elements: list, index: int, opening, closing):
    """(elements, opening, closing) with `elements[index]` removed.

    `opening` is the whitespace after the opening bracket, `closing` the one before the
    closing bracket; both None when unknown (then left to the caller). For call arguments
    the closing whitespace lives in the last argument and `closing` is None.
    """
    removed = elements.pop(index)
    if not elements:
        if opening is not None:
            opening = cst.SimpleWhitespace("")
        if closing is not None:
            closing = cst.SimpleWhitespace("")
        return elements, opening, closing
    if index < len(elements):
        # A middle (or first) element: the gap before it and the gap after it become one.
        after = _separator_after(removed)
        if index == 0:
            if opening is not None:
                opening = _join_gaps(opening, after, closing=False, first=True)
        else:
            previous = elements[index - 1]
            joined = _join_gaps(_separator_after(previous), after, closing=False, first=False)
            elements[index - 1] = previous.with_changes(comma=previous.comma.with_changes(whitespace_after=joined))
        return elements, opening, closing
    # The last element: its predecessor becomes the last, with the removed one's trailing-comma style.
    previous = elements[-1]
    before = _separator_after(previous)
    trailing = isinstance(removed.comma, cst.Comma)
    is_arg = isinstance(removed, cst.Arg)
    if is_arg:
        end = removed.comma.whitespace_after if trailing else removed.whitespace_after_arg
    else:
        end = closing
    if end is None:  # the closing whitespace is unknown: keep the old behaviour
        elements[-1] = _with_closing_whitespace(previous.with_changes(comma=removed.comma), _closing_whitespace(removed))
        return elements, opening, closing
    joined = _join_gaps(before, end, closing=True, first=False)
    if trailing:
        comma = removed.comma.with_changes(whitespace_after=joined if is_arg else removed.comma.whitespace_after)
        previous = previous.with_changes(comma=comma)
        if is_arg:
            previous = previous.with_changes(whitespace_after_arg=removed.whitespace_after_arg)
    else:
        previous = previous.with_changes(comma=cst.MaybeSentinel.DEFAULT)
        if is_arg:
            previous = previous.with_changes(whitespace_after_arg=joined)
    if not is_arg:
        closing = joined
    elements[-1] = previous
    return elements, opening, closing


def _append_in_brackets(
    elements: Sequence[SeparatedNode],
    new: SeparatedNode,
    opening: cst.BaseParenthesizableWhitespace,
    closing: cst.BaseParenthesizableWhitespace,
) -> tuple[list[SeparatedNode], cst.BaseParenthesizableWhitespace]:
    """`append_separated` for a list or dict display, and the new whitespace before its closing bracket.

    In a multi-line display LibCST keeps the last element's line ending (and its trailing
    comment) on the closing bracket, not on the element: `[\n    1  # one\n]`. That
    comment belongs to the old last element, so it moves onto the line break after it.
    """
    indent = _element_indent(elements, opening) if elements else None
    result = append_separated(elements, new, opening)
    if indent is None or not isinstance(closing, cst.ParenthesizedWhitespace):
        return result, closing
    previous = result[-2]
    result[-2] = previous.with_changes(
        comma=previous.comma.with_changes(whitespace_after=_continue_line(closing, indent))
    )
    return result, _close_line(closing)


def append_element(sequence: cst.List, value: cst.BaseExpression) -> cst.List:
    elements, closing = _append_in_brackets(
        sequence.elements, cst.Element(value=value), sequence.lbracket.whitespace_after, sequence.rbracket.whitespace_before
    )
    return sequence.with_changes(elements=elements, rbracket=sequence.rbracket.with_changes(whitespace_before=closing))


def set_dict_item(mapping: cst.Dict, key: cst.BaseExpression, value: cst.BaseExpression) -> cst.Dict:
    """Set `key` (a literal) in a dict display: value replaced in place, or a new item appended."""
    key_code = cst.Module([]).code_for_node(key)
    elements = list(mapping.elements)
    for index, element in enumerate(elements):
        if isinstance(element, cst.DictElement) and cst.Module([]).code_for_node(element.key) == key_code:
            elements[index] = element.with_changes(value=value)
            return mapping.with_changes(elements=elements)
    new = cst.DictElement(key=key, value=value)
    elements, closing = _append_in_brackets(
        elements, new, mapping.lbrace.whitespace_after, mapping.rbrace.whitespace_before
    )
    return mapping.with_changes(elements=elements, rbrace=mapping.rbrace.with_changes(whitespace_before=closing))
