"""Small CDK-shaped helpers shared by rules: construct ids and scopes."""

from __future__ import annotations

import libcst as cst

from cdkfix import layout

_EMPTY = cst.Module([])


def code(node: cst.CSTNode) -> str:
    """The node's source (as `Module([]).code_for_node` writes it)."""
    return _dotted(node) or _EMPTY.code_for_node(node)


def _dotted(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a plain name or attribute chain (no parentheses, no space around a dot):
    the same text as its code generation, without one. Rules compare such names a lot."""
    kind = type(node)
    if kind is cst.Name:
        return None if node.lpar or node.rpar else node.value
    if kind is cst.Attribute:
        if node.lpar or node.rpar:
            return None
        dot = node.dot
        if type(dot) is not cst.Dot or not _bare(dot.whitespace_before) or not _bare(dot.whitespace_after):
            return None
        base = _dotted(node.value)
        name = _dotted(node.attr)
        return None if base is None or name is None else f"{base}.{name}"
    return None


def _bare(whitespace: cst.BaseParenthesizableWhitespace) -> bool:
    return type(whitespace) is cst.SimpleWhitespace and whitespace.value == ""


def construct_id(call: cst.Call) -> cst.BaseExpression | None:
    """The id argument of a construct call: `Bucket(self, "Id", ...)` -> "Id"."""
    arg = layout.argument(call, 1, "id")
    return arg.value if arg is not None else None


def construct_scope(call: cst.Call) -> str:
    """The scope argument's code (`self` for most constructs)."""
    arg = layout.argument(call, 0, "scope")
    return code(arg.value) if arg is not None else "self"


def derive_id(id_node: cst.BaseExpression | None, suffix: str, fallback: str) -> str:
    """Source of a new construct id next to `id_node`.

    "Bucket" -> "BucketLogs"; f"Tg{env}" -> f"TgGreen{env}"; anything else -> `expr + "Suffix"`;
    no id at all -> `fallback` as a string.
    """
    if isinstance(id_node, cst.SimpleString):
        quote = id_node.quote
        body = id_node.raw_value
        return f"{id_node.prefix}{quote}{body}{suffix}{quote}"
    if isinstance(id_node, cst.FormattedString):
        parts = list(id_node.parts)
        index = 0
        while index < len(parts) and isinstance(parts[index], cst.FormattedStringText):
            index += 1
        parts.insert(index, cst.FormattedStringText(suffix))
        return code(id_node.with_changes(parts=parts))
    if id_node is not None:
        return f"{code(id_node)} + {suffix!r}"
    return repr(fallback)


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal, or None."""
    if isinstance(node, cst.SimpleString):
        value = literal_value(node)
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return None if left is None or right is None else left + right
    return None


def dict_element(mapping: cst.Dict, key: str) -> cst.DictElement | None:
    """The item of a dict display whose key is the string literal `key`, or None."""
    for element in mapping.elements:
        if isinstance(element, cst.DictElement) and string_value(element.key) == key:
            return element
    return None


def props_field(node: cst.BaseExpression, names: tuple[str, ...], absent: object = None) -> object:
    """The value a props object gives one of `names`: a keyword of a call (`LogsProperty(
    broker_logs=...)`) or a key of a dict literal (`{"brokerLogs": ...}`, what jsii hands
    CloudFormation); `absent` when the call or dict does not write it; None when `node` is
    neither (a name, a run-time value) or holds a `**` splat (it may write it)."""
    if isinstance(node, cst.Call):
        if layout.has_double_star(node):
            return None
        for name in names:
            arg = layout.keyword_arg(node, name)
            if arg is not None:
                return arg.value
        return absent
    if isinstance(node, cst.Dict):
        if any(not isinstance(item, cst.DictElement) for item in node.elements):
            return None
        for name in names:
            item = dict_element(node, name)
            if item is not None:
                return item.value
        return absent
    return None


def literal_value(node: cst.SimpleString) -> str | bytes:
    """`node.evaluated_value`, without compiling the literal when its text is its value.

    LibCST evaluates a literal with `ast.literal_eval`, a compile per string: rules read
    thousands of construct ids a corpus, and almost none has an escape in it.
    """
    raw = node.value
    prefix = node.prefix.lower()
    # No backslash: nothing to unescape (raw or not). No carriage return: Python reads a
    # CR or CRLF line end inside a triple-quoted string as LF.
    if prefix in ("", "r", "u") and "\\" not in raw and "\r" not in raw:
        quote = node.quote
        return raw[len(prefix) + len(quote) : len(raw) - len(quote)]
    return node.evaluated_value


def static_text(node: cst.BaseExpression | None) -> str:
    """The literal text of a string or f-string (placeholders dropped), for matching names."""
    if isinstance(node, cst.FormattedString):
        return "".join(part.value for part in node.parts if isinstance(part, cst.FormattedStringText))
    return string_value(node) or ""
