"""Declarative value rules: "construct X with keyword K set to a flagged literal gets K=V".

Some cdk-nag rules pass on CDK's defaults and flag only a value the user wrote
(`publicly_accessible=True` on a Redshift cluster, `backup_retention=Duration.days(0)`). The
finding is still worth its file and line (cdk-nag gives neither), and a fix is offered, always
UNSAFE: the user chose the value, and the fix changes access, behaviour or cost. Where the
fix cannot be valid, or replaces a stateful resource (its data lost), the declaration has no
`value` and the finding is reported without a fix, with the reason.

A `ValueRule` declares what differs and `value_rule()` turns it into an ordinary `Rule`
subclass, as `cdkfix.keyword_rule.KeywordRule` does for "keyword absent -> add it".

What a generated rule does with a call to one of its constructs:
- the keyword absent, or a value that is not one of the flagged literals (a compliant literal,
  a variable, any run-time expression): left alone; cdk-nag flags only the flagged values and
  cdkfix does not guess what a variable holds;
- a `**` splat beside the keyword cannot hold it too (Python refuses a keyword given twice), so
  a written flagged value is fixed as anywhere else; a keyword only a splat could hold is not
  written, hence left alone as absent;
- `inside` (the keyword belongs to nested props objects, `encryption_info=
  EncryptionInfoProperty(encryption_in_transit=EncryptionInTransitProperty(client_broker=...))`):
  each level is a call to the declared props class, or a dict literal with the camelCase
  property name as key (what jsii hands to CloudFormation; a snake_case key is dropped);
  anything else (a variable) is unknown and left alone;
- one of `blocked_by` present, or a construct of `not_fixed_on`: reported without a fix, with
  the reason; no `value` at all: reported without a fix with `no_fix`;
- `absent` (cdk-nag fails CDK's default too: COG2's MfaConfiguration, RDS14's BacktrackWindow,
  KDS1 on a CfnStream): the keyword absent is a finding as well, fixed by adding `value` (or
  reported without a fix); a `**` splat that may hold it: reported without a fix;
- `when` (cdk-nag flags only some calls: RDS14 only Aurora MySQL): another keyword of the call
  must hold one of the given values; absent or anything else (a variable) is unknown, left alone;
- `flagged_if` (the flagged values are a test, not a list: EC27's description shorter than 2
  characters): a literal for which the test holds is flagged like a listed value.
Flagged values match by meaning, not text: names resolve through the file's imports
(`cdk.Duration.days(0)` is `Duration.days(0)`) and strings by their value (`'TLS'` is `"TLS"`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node

from cdkfix import layout
from cdkfix.constructs import code as source_of, literal_value
from cdkfix.keyword_rule import _PLACEHOLDER, _alias, _fill, _formatted, _from_import, _needs, _plain, _render
from cdkfix.rule import Category, Example, Kind, Rule, Safety


@dataclass(frozen=True)
class ValueRule:
    code: str  # cdk-nag's own rule ID, "AwsSolutions-RS8"
    title: str
    cause: str  # cdk-nag's explanation, quoted in the rule's issue text
    constructs: tuple[str, ...]  # qualified names, "aws_cdk.aws_redshift.CfnCluster"
    keyword: str  # the keyword whose value is flagged (the innermost one, with `inside`)
    flagged: tuple[str, ...]  # Python source with {aws_cdk.x.Y} placeholders: "True", "{aws_cdk.Duration}.days(0)"
    value: str | None  # the fixed value (same notation); None: reported without a fix, `no_fix` says why
    keep: str  # a compliant value the user may write, left alone (an example)
    why: str  # why the finding matters, for `explain`
    impact: str
    safety_note: str  # what the fix changes (access, behaviour, cost), or why there is none
    no_fix: str = ""
    kind: Kind = Kind.SECURITY
    # What deploying the fix replaces, as the fix-effect harness finds it (Rule.replaces).
    replaces: tuple[str, ...] = ()
    name: str = ""  # default: the code in lower case
    # Keywords of the construct call whose presence makes the fix wrong: reported without a fix.
    blocked_by: dict[str, str] = field(default_factory=dict)
    # Constructs (of `constructs`) on which the fix is wrong: reported without a fix, with the reason.
    not_fixed_on: dict[str, str] = field(default_factory=dict)
    # The props levels from the construct call down to the call holding `keyword`:
    # ((keyword, props class), ...), outermost first.
    inside: tuple[tuple[str, str], ...] = ()
    # Keywords of the construct call whose presence makes cdk-nag pass despite the flagged value
    # (SQS2: `kms_master_key_id` beside `sqs_managed_sse_enabled=False`): left alone. A `**`
    # splat may hold one of them: reported without a fix.
    passes_with: tuple[str, ...] = ()
    # A props object flagged unless it sets each of these fields to `True` (S2: a
    # `BlockPublicAccess(...)` with one of its four settings `False` or absent): (props class,
    # (field, ...)). Its arguments must all be keywords with literal values; anything else (a
    # variable, a splat) is unknown and left alone.
    flagged_unless_true: tuple[str, tuple[str, ...]] | None = None
    # For the generated examples: the call's other arguments (source with placeholders; `vpc`
    # is a free name the proof supplies).
    args: str = 'self, "Resource"'
    # Statements after the call in the examples (`{resource}` is the name it is bound to): an
    # origin is only synthesized inside a distribution.
    follow: str = ""
    examples: Sequence[Example] = ()  # more examples, after the generated ones
    groups: tuple[str, ...] = ("AwsSolutions",)
    default: bool = False
    # Other constructs of the same cdk-nag rule whose keyword or values differ (the L1 beside the
    # L2: `backup_retention_period=0` beside `backup_retention=Duration.days(0)`): each a dict of
    # the fields that differ from this declaration (constructs, keyword, flagged, value, keep,
    # args, blocked_by, examples, ...). Their examples come after this declaration's.
    variants: tuple[dict, ...] = ()
    # The keyword absent is flagged too (cdk-nag fails CDK's default): the fix adds `value` (None:
    # reported without a fix); a `**` splat that may hold the keyword: reported without a fix.
    absent: bool = False
    # Other keywords of the call that must hold one of these values for cdk-nag to flag it (RDS14:
    # the engine is Aurora MySQL): templates as in `flagged`, `{name}(...)` for any call to `name`,
    # strings compared case-insensitively (cdk-nag lower-cases the engine). A keyword absent or
    # holding anything else (a variable) is unknown: the call is left alone.
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Flagged values given by a test rather than a list (EC27: a string shorter than 2
    # characters): called with the Python value of a literal (str, int, float, bool);
    # `flagged_text` says it in the docs. `flagged` then holds examples of such values.
    flagged_if: Callable[[object], bool] | None = None
    flagged_text: str = ""
    # The construct requires the keyword (CfnSecurityGroup's `group_description`): no generated
    # "keyword absent" example, which would not even construct.
    required: bool = False

    def declarations(self) -> list["ValueRule"]:
        """This declaration and one per variant, each complete."""
        return [self, *(replace(self, **variant, variants=()) for variant in self.variants)]


# --- matching by meaning ---------------------------------------------------------------------


def canonical(node: cst.BaseExpression, resolve: Callable[[cst.BaseExpression], str | None]) -> str | None:
    """A spelling-independent text of a literal expression, or None when it is not one
    (a variable, an f-string, a splat): names through `resolve`, strings and numbers by value."""
    if isinstance(node, cst.SimpleString):
        value = literal_value(node)
        return repr(value)
    if isinstance(node, (cst.Integer, cst.Float)):
        return repr(ast.literal_eval(node.value))
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return node.value
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = canonical(node.expression, resolve)
        return None if inner is None or not isinstance(node.expression, (cst.Integer, cst.Float)) else "-" + inner
    if isinstance(node, (cst.Name, cst.Attribute)):
        qualified = resolve(node)
        return None if qualified is None else "{" + qualified + "}"
    if isinstance(node, cst.Call):
        func = canonical(node.func, resolve)
        if func is None:
            return None
        parts = []
        for arg in node.args:
            value = None if arg.star else canonical(arg.value, resolve)
            if value is None:
                return None
            parts.append(value if arg.keyword is None else f"{arg.keyword.value}={value}")
        return f"{func}({','.join(parts)})"
    if isinstance(node, (cst.List, cst.Tuple)):
        items = []
        for element in node.elements:
            value = None if isinstance(element, cst.StarredElement) else canonical(element.value, resolve)
            if value is None:
                return None
            items.append(value)
        return f"[{','.join(items)}]"
    return None


def _template_expression(template: str) -> cst.BaseExpression:
    return cst.parse_expression(_PLACEHOLDER.sub(lambda match: match.group(1), template))


def _template_canonical(template: str) -> str:
    def resolve(node: cst.BaseExpression) -> str | None:
        name = get_full_name_for_node(node)
        return name if name and name.startswith("aws_cdk.") else None

    text = canonical(_template_expression(template), resolve)
    if text is None:
        raise ValueError(f"not a literal value template: {template!r}")
    return text


def _literal(text: str | None) -> object:
    """The Python value of a canonical literal text (a string, number or boolean), else None."""
    if text is None or text.startswith(("{", "[")):
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


_ANY_CALL = re.compile(r"^\{(aws_cdk(?:\.\w+)+)\}\(\.\.\.\)$")


def _when_template(template: str) -> tuple[str, str]:
    """("call", qualified name) for `{name}(...)`, else ("value", canonical text, strings lower-cased)."""
    match = _ANY_CALL.match(template)
    if match:
        return "call", match.group(1)
    text = _template_canonical(template)
    value = _literal(text)
    return "value", repr(value.lower()) if isinstance(value, str) else text


def _when_holds(rule: Rule, call: cst.Call, when: dict[str, tuple[tuple[str, str], ...]]) -> bool:
    """Each `when` keyword is written in `call` with one of its values."""
    for keyword, templates in when.items():
        arg = layout.keyword_arg(call, keyword)
        if arg is None:
            return False
        node = arg.value
        text = canonical(node, rule.resolve)
        value = _literal(text)
        if isinstance(value, str):
            text = repr(value.lower())
        called = rule.resolve(node.func) if isinstance(node, cst.Call) else None
        if not any(
            (kind == "call" and called == wanted) or (kind == "value" and text is not None and text == wanted)
            for kind, wanted in templates
        ):
            return False
    return True


# --- where the keyword is --------------------------------------------------------------------


def _camel(keyword: str) -> str:
    head, *rest = keyword.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _child(rule: Rule, holder: cst.BaseExpression, keyword: str, props: str | None) -> cst.BaseExpression | None:
    """The value of `keyword` in a props call (of class `props`, when given) or a dict literal.

    jsii passes a dict given for an L1 props type to CloudFormation as it is: its keys are the
    camelCase property names (`{"encryptionInTransit": {"clientBroker": ...}}`, or a props
    object as a value); a snake_case key is dropped from the template, so it is not read."""
    if isinstance(holder, cst.Call):
        if props is not None and rule.resolve(holder.func) != props:
            return None
        arg = layout.keyword_arg(holder, keyword)
        return None if arg is None else arg.value
    if isinstance(holder, cst.Dict) and props is not None:
        element = _dict_element(holder, _camel(keyword))
        return None if element is None else element.value
    return None


def _dict_element(holder: cst.Dict, key: str) -> cst.DictElement | None:
    for element in holder.elements:
        if (
            isinstance(element, cst.DictElement)
            and isinstance(element.key, cst.SimpleString)
            and literal_value(element.key) == key
        ):
            return element
    return None


def _located(rule: Rule, call: cst.Call, spec: ValueRule) -> cst.BaseExpression | None:
    """The flagged keyword's value in `call` (through `inside`), or None when it is not written
    where cdkfix can read it."""
    holder: cst.BaseExpression | None = call
    props: str | None = None
    for keyword, next_props in spec.inside:
        holder = _child(rule, holder, keyword, props)
        if holder is None:
            return None
        props = next_props
    return _child(rule, holder, spec.keyword, props)


def _replaced(holder: cst.BaseExpression, path: Sequence[str], value: cst.BaseExpression) -> cst.BaseExpression:
    """`holder` (a call or dict, as `_located` read it) with the value at `path` (keywords) replaced."""
    key, rest = path[0], path[1:]
    if isinstance(holder, cst.Call):
        arg = layout.keyword_arg(holder, key)
        if not rest:
            return layout.set_keyword(holder, key, value)
        new = _replaced(arg.value, rest, value)
        return holder.with_changes(args=[a.with_changes(value=new) if a is arg else a for a in holder.args])
    element = _dict_element(holder, _camel(key))
    new = value if not rest else _replaced(element.value, rest, value)
    return holder.with_changes(
        elements=[e.with_changes(value=new) if e is element else e for e in holder.elements]
    )


# --- the rule --------------------------------------------------------------------------------


def _fix_text(declarations: Sequence[ValueRule]) -> str:
    parts = []
    for index, one in enumerate(declarations):
        where = "".join(f"`{keyword}=` > " for keyword, _ in one.inside)
        values = [f"`{_plain(value)}`" for value in one.flagged]
        if one.flagged_if is not None:
            values = [one.flagged_text]
        if one.flagged_unless_true:
            props, fields = one.flagged_unless_true
            values.append(f"a `{_plain('{' + props + '}')}(...)` that does not set each of " + ", ".join(
                f"`{name}`" for name in fields
            ) + " to `True`")
        flagged = " or ".join(values)
        on = "" if index == 0 else "On " + ", ".join(f"`{_plain('{' + c + '}')}`" for c in one.constructs) + ": "
        cap = (lambda word: word) if on else (lambda word: word.capitalize())
        if one.value is None:
            states = (["absent"] if one.absent else []) + ([f"set to {flagged}"] if flagged else [])
            reason = "the same reason" if index and one.no_fix == declarations[0].no_fix else one.no_fix
            text = f"{on}{cap('reports')} {where}`{one.keyword}=` {' or '.join(states)} without a fix: {reason}"
        elif flagged:
            text = f"{on}{cap('replaces')} {where}`{one.keyword}=` {flagged} with `{_plain(one.value)}`"
            if one.absent:
                text += ", and writes it where the keyword is absent"
        else:
            text = f"{on}{cap('writes')} `{one.keyword}={_plain(one.value)}` where the keyword is absent"
        if one.when:
            text += "; only where " + " and ".join(
                f"`{keyword}=` is " + " or ".join(f"`{_plain(value)}`" for value in values_)
                for keyword, values_ in one.when.items()
            ) + " (anything else there, a variable, is left alone)"
        blocked = [f"a call with `{keyword}` ({reason})" for keyword, reason in one.blocked_by.items()]
        blocked += [f"`{_plain('{' + construct + '}')}` ({reason})" for construct, reason in one.not_fixed_on.items()]
        if one.passes_with:
            text += "; left alone beside " + " or ".join(f"`{keyword}`" for keyword in one.passes_with) + " (cdk-nag passes)"
        if blocked and one.value is not None:
            text += "; reported without a fix: " + "; ".join(blocked)
        if one.absent:
            text += "; a `**` splat that may hold the keyword: reported without a fix"
        parts.append(text + ".")
    text = " ".join(parts) + " Any other value (a compliant literal, a variable)"
    if all(one.absent for one in declarations):
        text += " is left alone"
    else:
        text += " and an absent keyword" + (" (where not said otherwise)" if any(one.absent for one in declarations) else "")
        text += " are left alone"
    if any(one.inside for one in declarations):
        text += ", as is a props object cdkfix cannot read (a variable)"
    return f"{text}. {declarations[0].safety_note}"


def _props_flagged(rule: Rule, found: cst.BaseExpression, spec: ValueRule) -> bool:
    """`found` is a call to `spec.flagged_unless_true`'s props class, every argument a keyword
    with a literal value, or a dict literal of string keys and literal values, and one of the
    fields is not `True` (absent, or another literal).

    A dict is what jsii hands to CloudFormation (an L1 props type): its camelCase keys are the
    property names, a snake_case key is dropped from the template (docs/awssolutions-explicit-values.md),
    so only camelCase keys count as written; cdk-nag then sees the others absent."""
    if spec.flagged_unless_true is None:
        return False
    props, fields = spec.flagged_unless_true
    written = {}
    if isinstance(found, cst.Call):
        if rule.resolve(found.func) != props:
            return False
        for arg in found.args:
            value = None if arg.star or arg.keyword is None else canonical(arg.value, rule.resolve)
            if value is None:
                return False
            written[arg.keyword.value] = value
    elif isinstance(found, cst.Dict) and ".Cfn" in props:
        # Only an L1 property type takes a dict (an L2 props class, `s3.BlockPublicAccess`, does not).
        by_key = {_camel(name): name for name in fields}
        for element in found.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
                return False
            value = canonical(element.value, rule.resolve)
            if value is None:
                return False
            key = literal_value(element.key)
            if key in by_key:
                written[by_key[key]] = value
    else:
        return False
    return any(written.get(name) != "True" for name in fields)


def value_rule(spec: ValueRule, module: str) -> type[Rule]:
    """The Rule subclass `spec` describes, defined as if written in `module`."""
    declarations = spec.declarations()
    for one in declarations:
        if one.absent and one.inside:
            raise ValueError(f"{spec.code}: `absent` with `inside` is not supported")
    by_construct = {construct: one for one in declarations for construct in one.constructs}
    flagged = {id(one): frozenset(_template_canonical(value) for value in one.flagged) for one in declarations}
    when = {
        id(one): {keyword: tuple(_when_template(value) for value in values) for keyword, values in one.when.items()}
        for one in declarations
    }

    def is_flagged(self: Rule, found: cst.BaseExpression, one: ValueRule) -> bool:
        text = canonical(found, self.resolve)
        if text in flagged[id(one)]:
            return True
        if one.flagged_if is not None:
            value = _literal(text)
            if value is not None and one.flagged_if(value):
                return True
        return _props_flagged(self, found, one)

    def visit_Call(self: Rule, node: cst.Call) -> None:
        construct = self.resolve(node.func)
        one = by_construct.get(construct)
        if one is None:
            return
        if one.when and not _when_holds(self, node, when[id(one)]):
            return
        found = _located(self, node, one)
        if found is None and one.absent:
            self._absent(node, construct, one)
            return
        if found is None or not is_flagged(self, found, one):
            return
        if any(layout.keyword_arg(node, keyword) is not None for keyword in one.passes_with):
            return
        what = source_of(node.func)
        message = f"{what} with `{one.keyword}={source_of(found)}` ({one.title})"
        splat = ""
        if one.passes_with and any(arg.star == "**" for arg in node.args):
            splat = (
                "a `**` splat may hold " + " or ".join(f"`{keyword}`" for keyword in one.passes_with)
                + ", with which cdk-nag passes: cdkfix cannot tell"
            )
        reason = _refusal(node, construct, one, splat)
        if reason:
            self.report_without_fix(message, reason, found)
            return
        if not one.inside:
            self.report(message, [self.set_keyword(node, one.keyword, _fill(self, one.value))], node=found)
            return
        path = [keyword for keyword, _ in one.inside] + [one.keyword]
        new = cst.parse_expression(_fill(self, one.value))
        self.report(message, [self.change(node, lambda call: _replaced(call, path, new))], node=found)

    def _absent(self: Rule, node: cst.Call, construct: str, one: ValueRule) -> None:
        """The keyword not written (cdk-nag fails the default): added, or reported without a fix."""
        if any(layout.keyword_arg(node, keyword) is not None for keyword in one.passes_with):
            return
        what = source_of(node.func)
        if layout.has_double_star(node):
            reason = f"a `**` splat may set `{one.keyword}`: cdkfix cannot see its keywords"
            self.report_without_fix(
                f"{what} may lack `{one.keyword}` ({one.title})",
                reason if one.value is not None else f"{reason}; {one.no_fix}",
                node,
            )
            return
        message = f"{what} without `{one.keyword}` ({one.title})"
        reason = _refusal(node, construct, one)
        if reason:
            self.report_without_fix(message, reason, node)
            return
        self.report(message, [self.set_keyword(node, one.keyword, _fill(self, one.value))])

    attributes = {
        "__module__": module,
        "__doc__": f"{spec.code}: {spec.title} (declared as a ValueRule).",
        "code": spec.code,
        "name": spec.name or spec.code.lower(),
        "title": spec.title,
        "category": Category.CONFIGURATION,
        "kind": spec.kind,
        # The user wrote the flagged value: changing it changes access, behaviour or cost.
        "safety": Safety.UNSAFE,
        "fixes": spec.value is not None,
        "replaces": spec.replaces,
        "issue": f"cdk-nag {spec.code}: {spec.cause} {spec.why}",
        "fix": _fix_text(declarations),
        "impact": spec.impact,
        "examples": [example for one in declarations for example in (*generated_examples(one), *one.examples)],
        "groups": spec.groups,
        "default": spec.default,
        "calls": frozenset(by_construct),
        "value_spec": spec,
        "visit_Call": visit_Call,
        "_absent": _absent,
    }
    class_name = "".join(part.capitalize() for part in re.split(r"\W+", spec.code)) + "Rule"
    return type(class_name, (Rule,), attributes)


def declare(specs: Sequence[ValueRule], namespace: dict) -> None:
    """Define each spec's Rule class in the module whose globals are `namespace`."""
    for spec in specs:
        rule = value_rule(spec, namespace["__name__"])
        namespace[rule.__name__] = rule


def _refusal(node: cst.Call, construct: str, one: ValueRule, also: str = "") -> str:
    """Why the fix is not written for this call ("" when it is): no `value` at all, a construct of
    `not_fixed_on`, then `also` (a reason the caller found), then a `blocked_by` keyword present."""
    reason = one.no_fix if one.value is None else one.not_fixed_on.get(construct, "")
    return reason or also or next(
        (why for keyword, why in one.blocked_by.items() if layout.keyword_arg(node, keyword) is not None), ""
    )


# --- generated examples ---------------------------------------------------------------------


def _argument(spec: ValueRule, value: str) -> str:
    """`keyword=value` as a template, wrapped in the `inside` props calls."""
    text = f"{spec.keyword}={value}"
    for keyword, props in reversed(spec.inside):
        text = f"{keyword}={{{props}}}({text})"
    return text


def generated_examples(spec: ValueRule) -> list[Example]:
    """Each flagged value fixed (or reported) in three import shapes for the first, module alias
    for the others, a flagged value beside a `**` splat; with `absent`, the keyword absent fixed
    (or reported), in the three shapes when no value is listed, and a splat alone reported;
    left alone: a compliant value, the keyword absent (unless `absent`), a run-time value.
    A declaration with neither listed values nor `absent` (a props object flagged by
    `flagged_unless_true` alone) has only its own examples.

    The expected text is composed here from the declaration, independently of the rule's edit
    code, so a wrong edit (layout, import, spelling) fails the example test."""
    if not spec.flagged and not spec.absent:
        return []
    qualified = spec.constructs[0]
    parts = qualified.split(".")
    module, tail = parts[1], ".".join(parts[2:])
    callee = "{" + qualified + "}"
    fixed = spec.value is not None
    first = spec.flagged[0] if spec.flagged else None  # None: the keyword absent

    def written(value: str | None, style: str, imported: str = "") -> str:
        """The argument as written: a replaced value in place; an added one as the fix lays it out."""
        if value is None:
            return ""
        if value is spec.value and first is None:
            return f"{spec.keyword}={_formatted(spec.keyword, _render(value, style, imported))}"
        return _render(_argument(spec, value), style, imported)

    def pair(before_value: str | None, style: str, imported: str = "") -> tuple[str, str | None]:
        after = None
        if fixed:
            after = written(spec.value, style, imported) if before_value is not None else (
                f"{spec.keyword}={_formatted(spec.keyword, _render(spec.value, style, imported))}"
            )
        return written(before_value, style, imported), after

    def follow(name: str, style: str = "alias") -> str:
        return _render(spec.follow, style).replace("{resource}", name) + "\n" if spec.follow else ""

    def call_text(call: str, argument: str, rest: str) -> str:
        return f"{call}{', ' + argument if argument else ''}{rest})"

    def example(name: str, header: str, prefix: str, call: str, before_arg: str, after_arg: str | None, rest: str = "", style: str = "alias") -> Example:
        bound = prefix.rsplit("\n", 1)[-1].removesuffix(" = ")
        before = f"{header}\n{prefix}{call_text(call, before_arg, rest)}\n{follow(bound, style)}"
        after = None if after_arg is None else f"{header}\n{prefix}{call_text(call, after_arg, rest)}\n{follow(bound, style)}"
        return Example(name=name, before=before, after=after, flagged=not fixed)

    label = "keyword absent" if first is None else _plain(first)
    first_argument = [] if first is None else [_argument(spec, first)]
    everything = [callee, spec.args, spec.follow, *first_argument]
    if fixed:
        everything.append(_argument(spec, spec.value))
    examples = []
    verb = "fixed" if fixed else "reported without a fix"
    # 1. from aws_cdk import aws_x as x
    header = _from_import(*_needs(*everything, *(_argument(spec, value) for value in spec.flagged)))
    call = f"{_render(callee, 'alias')}({_render(spec.args, 'alias')}"
    examples.append(example(f"{label} {verb} (module alias)", header, "resource = ", call, *pair(first, "alias")))
    # 2. import aws_cdk as cdk
    call_cdk = f"{_render(callee, 'cdk')}({_render(spec.args, 'cdk')}"
    examples.append(example(f"{label} {verb} (import aws_cdk as cdk)", "import aws_cdk as cdk\n", "self.resource = ", call_cdk, *pair(first, "cdk"), style="cdk"))
    # 3. from aws_cdk.aws_x import Class: the class's own members through its name
    own = "{" + qualified + "."
    before_needs = _needs(spec.args, spec.follow, *(argument.replace(own, "{") for argument in first_argument))
    class_header = f"from aws_cdk.{module} import {parts[2]}\n" + _from_import(*before_needs)
    before_arg, after_arg = pair(first, "alias", qualified)
    added = ""
    if fixed:
        value_modules, value_roots = _needs(_argument(spec, spec.value).replace(own, "{"))
        added = "".join(f"from aws_cdk import {root}\n" for root in value_roots if root not in before_needs[1])
        added += "".join(f"from aws_cdk import {m} as {_alias(m)}\n" for m in value_modules if m not in before_needs[0])
    bound = "resource = " if spec.follow else ""
    args = _render(spec.args, "alias")
    before = f"{class_header}\n{bound}{call_text(tail + '(' + args, before_arg, '')}\n{follow('resource')}"
    after = f"{class_header}{added}\n{bound}{call_text(tail + '(' + args, after_arg, '')}\n{follow('resource')}" if fixed else None
    examples.append(Example(name=f"{label} {verb} (class imported by name)", before=before, after=after, flagged=not fixed))
    # 4. the other flagged values, and the keyword absent when a value came first
    for value in spec.flagged[1:]:
        examples.append(example(f"{_plain(value)} {verb}", header, "resource = ", call, *pair(value, "alias")))
    if spec.absent and first is not None:
        examples.append(example(f"keyword absent {verb}", header, "resource = ", call, *pair(None, "alias")))
    # 5. beside a `**` splat: the splat cannot hold a written keyword too (but may hold a
    # `passes_with` keyword: reported without a fix); with `absent`, a splat alone may hold it
    if first is not None:
        splat_before, splat_after = pair(first, "alias")
        splat_verb = verb
        if spec.passes_with:
            splat_after, splat_verb = None, "reported without a fix"
        splat = example(
            f"{_plain(first)} beside a `**` splat {splat_verb}", header, "extra = {}\nresource = ", call,
            splat_before, splat_after, rest=", **extra",
        )
        examples.append(replace(splat, flagged=splat.after is None))
    if spec.absent:
        examples.append(replace(
            example("a `**` splat that may hold the keyword: reported without a fix", header, "extra = {}\nresource = ",
                    call, "", None, rest=", **extra"),
            flagged=True,
        ))
    # left alone: a compliant value, the keyword absent, a run-time value
    keep_header = _from_import(*_needs(callee, spec.args, spec.follow, _argument(spec, spec.keep)))
    examples.append(Example(
        name=f"{_plain(spec.keep)} left alone",
        before=f"{keep_header}\nresource = {call}, {_render(_argument(spec, spec.keep), 'alias')})\n{follow('resource')}",
    ))
    if not spec.absent and not spec.required:
        plain_header = _from_import(*_needs(callee, spec.args, spec.follow))
        examples.append(Example(name="keyword absent: left alone", before=f"{plain_header}\nresource = {call})\n{follow('resource')}"))
    run_time_header = _from_import(*_needs(callee, spec.args, _argument(spec, "setting")))
    examples.append(Example(
        name="a run-time value: left alone",
        before=f"{run_time_header}\n\ndef build(self, vpc, setting):\n    {call}, {_render(_argument(spec, 'setting'), 'alias')})\n",
    ))
    return examples
