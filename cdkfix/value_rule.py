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
  the reason; no `value` at all: reported without a fix with `no_fix`.
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
from cdkfix.keyword_rule import _PLACEHOLDER, _alias, _fill, _from_import, _needs, _plain, _render
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
        flagged = " or ".join(f"`{_plain(value)}`" for value in one.flagged)
        if one.flagged_unless_true:
            props, fields = one.flagged_unless_true
            flagged += f" or a `{_plain('{' + props + '}')}(...)` that does not set each of " + ", ".join(
                f"`{name}`" for name in fields
            ) + " to `True`"
        on = "" if index == 0 else "On " + ", ".join(f"`{_plain('{' + c + '}')}`" for c in one.constructs) + ": "
        if one.value is None:
            text = f"{on}{'r' if on else 'R'}eports {where}`{one.keyword}=` set to {flagged} without a fix: {one.no_fix}"
        else:
            text = f"{on}{'r' if on else 'R'}eplaces {where}`{one.keyword}=` {flagged} with `{_plain(one.value)}`"
        blocked = [f"a call with `{keyword}` ({reason})" for keyword, reason in one.blocked_by.items()]
        blocked += [f"`{_plain('{' + construct + '}')}` ({reason})" for construct, reason in one.not_fixed_on.items()]
        if one.passes_with:
            text += "; left alone beside " + " or ".join(f"`{keyword}`" for keyword in one.passes_with) + " (cdk-nag passes)"
        if blocked and one.value is not None:
            text += "; reported without a fix: " + "; ".join(blocked)
        parts.append(text + ".")
    text = " ".join(parts) + " Any other value (a compliant literal, a variable) and an absent keyword are left alone"
    if any(one.inside for one in declarations):
        text += ", as is a props object cdkfix cannot read (a variable)"
    return f"{text}. {declarations[0].safety_note}"


def _props_flagged(rule: Rule, found: cst.BaseExpression, spec: ValueRule) -> bool:
    """`found` is a call to `spec.flagged_unless_true`'s props class, every argument a keyword
    with a literal value, and one of the fields is not `True` (absent, or another literal)."""
    if spec.flagged_unless_true is None or not isinstance(found, cst.Call):
        return False
    props, fields = spec.flagged_unless_true
    if rule.resolve(found.func) != props:
        return False
    written = {}
    for arg in found.args:
        value = None if arg.star or arg.keyword is None else canonical(arg.value, rule.resolve)
        if value is None:
            return False
        written[arg.keyword.value] = value
    return any(written.get(name) != "True" for name in fields)


def value_rule(spec: ValueRule, module: str) -> type[Rule]:
    """The Rule subclass `spec` describes, defined as if written in `module`."""
    declarations = spec.declarations()
    by_construct = {construct: one for one in declarations for construct in one.constructs}
    flagged = {id(one): frozenset(_template_canonical(value) for value in one.flagged) for one in declarations}

    def visit_Call(self: Rule, node: cst.Call) -> None:
        construct = self.resolve(node.func)
        one = by_construct.get(construct)
        if one is None:
            return
        found = _located(self, node, one)
        if found is None or (
            canonical(found, self.resolve) not in flagged[id(one)] and not _props_flagged(self, found, one)
        ):
            return
        if any(layout.keyword_arg(node, keyword) is not None for keyword in one.passes_with):
            return
        what = source_of(node.func)
        message = f"{what} with `{one.keyword}={source_of(found)}` ({one.title})"
        reason = one.no_fix if one.value is None else one.not_fixed_on.get(construct, "")
        if not reason and one.passes_with and any(arg.star == "**" for arg in node.args):
            reason = (
                "a `**` splat may hold " + " or ".join(f"`{keyword}`" for keyword in one.passes_with)
                + ", with which cdk-nag passes: cdkfix cannot tell"
            )
        if not reason:
            reason = next(
                (why for keyword, why in one.blocked_by.items() if layout.keyword_arg(node, keyword) is not None), ""
            )
        if reason:
            self.report_without_fix(message, reason, found)
            return
        if not one.inside:
            self.report(message, [self.set_keyword(node, one.keyword, _fill(self, one.value))], node=found)
            return
        path = [keyword for keyword, _ in one.inside] + [one.keyword]
        new = cst.parse_expression(_fill(self, one.value))
        self.report(message, [self.change(node, lambda call: _replaced(call, path, new))], node=found)

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
    }
    class_name = "".join(part.capitalize() for part in re.split(r"\W+", spec.code)) + "Rule"
    return type(class_name, (Rule,), attributes)


def declare(specs: Sequence[ValueRule], namespace: dict) -> None:
    """Define each spec's Rule class in the module whose globals are `namespace`."""
    for spec in specs:
        rule = value_rule(spec, namespace["__name__"])
        namespace[rule.__name__] = rule


# --- generated examples ---------------------------------------------------------------------


def _argument(spec: ValueRule, value: str) -> str:
    """`keyword=value` as a template, wrapped in the `inside` props calls."""
    text = f"{spec.keyword}={value}"
    for keyword, props in reversed(spec.inside):
        text = f"{keyword}={{{props}}}({text})"
    return text


def generated_examples(spec: ValueRule) -> list[Example]:
    """Each flagged value fixed (or reported) in three import shapes for the first, module alias
    for the others, a flagged value beside a `**` splat; left alone: a compliant value, the
    keyword absent, a run-time value.

    The expected text is composed here from the declaration, independently of the rule's edit
    code, so a wrong edit (layout, import, spelling) fails the example test."""
    qualified = spec.constructs[0]
    parts = qualified.split(".")
    module, tail = parts[1], ".".join(parts[2:])
    callee = "{" + qualified + "}"
    fixed = spec.value is not None

    def pair(before_value: str, style: str, imported: str = "") -> tuple[str, str | None]:
        before = _render(_argument(spec, before_value), style, imported)
        after = _render(_argument(spec, spec.value), style, imported) if fixed else None
        return before, after

    def follow(name: str, style: str = "alias") -> str:
        return _render(spec.follow, style).replace("{resource}", name) + "\n" if spec.follow else ""

    def example(name: str, header: str, prefix: str, call: str, before_arg: str, after_arg: str | None, rest: str = "", style: str = "alias") -> Example:
        bound = prefix.rsplit("\n", 1)[-1].removesuffix(" = ")
        before = f"{header}\n{prefix}{call}, {before_arg}{rest})\n{follow(bound, style)}"
        after = None if after_arg is None else f"{header}\n{prefix}{call}, {after_arg}{rest})\n{follow(bound, style)}"
        return Example(name=name, before=before, after=after, flagged=not fixed)

    everything = [callee, spec.args, spec.follow, _argument(spec, spec.flagged[0])]
    if fixed:
        everything.append(_argument(spec, spec.value))
    examples = []
    verb = "fixed" if fixed else "reported without a fix"
    # 1. from aws_cdk import aws_x as x
    header = _from_import(*_needs(*everything, *(_argument(spec, value) for value in spec.flagged)))
    call = f"{_render(callee, 'alias')}({_render(spec.args, 'alias')}"
    examples.append(example(f"{_plain(spec.flagged[0])} {verb} (module alias)", header, "resource = ", call, *pair(spec.flagged[0], "alias")))
    # 2. import aws_cdk as cdk
    call_cdk = f"{_render(callee, 'cdk')}({_render(spec.args, 'cdk')}"
    examples.append(example(f"{_plain(spec.flagged[0])} {verb} (import aws_cdk as cdk)", "import aws_cdk as cdk\n", "self.resource = ", call_cdk, *pair(spec.flagged[0], "cdk"), style="cdk"))
    # 3. from aws_cdk.aws_x import Class: the class's own members through its name
    own = "{" + qualified + "."
    before_needs = _needs(spec.args, spec.follow, _argument(spec, spec.flagged[0]).replace(own, "{"))
    class_header = f"from aws_cdk.{module} import {parts[2]}\n" + _from_import(*before_needs)
    before_arg, after_arg = pair(spec.flagged[0], "alias", qualified)
    added = ""
    if fixed:
        value_modules, value_roots = _needs(_argument(spec, spec.value).replace(own, "{"))
        added = "".join(f"from aws_cdk import {root}\n" for root in value_roots if root not in before_needs[1])
        added += "".join(f"from aws_cdk import {m} as {_alias(m)}\n" for m in value_modules if m not in before_needs[0])
    bound = "resource = " if spec.follow else ""
    before = f"{class_header}\n{bound}{tail}({_render(spec.args, 'alias')}, {before_arg})\n{follow('resource')}"
    after = f"{class_header}{added}\n{bound}{tail}({_render(spec.args, 'alias')}, {after_arg})\n{follow('resource')}" if fixed else None
    examples.append(Example(name=f"{_plain(spec.flagged[0])} {verb} (class imported by name)", before=before, after=after, flagged=not fixed))
    # 4. the other flagged values
    for value in spec.flagged[1:]:
        examples.append(example(f"{_plain(value)} {verb}", header, "resource = ", call, *pair(value, "alias")))
    # 5. beside a `**` splat: the splat cannot hold the keyword too (but may hold a `passes_with`
    # keyword: reported without a fix)
    splat_before, splat_after = pair(spec.flagged[0], "alias")
    splat_verb = verb
    if spec.passes_with:
        splat_after, splat_verb = None, "reported without a fix"
    splat = example(
        f"{_plain(spec.flagged[0])} beside a `**` splat {splat_verb}", header, "extra = {}\nresource = ", call,
        splat_before, splat_after, rest=", **extra",
    )
    examples.append(replace(splat, flagged=splat.after is None))
    # left alone: a compliant value, the keyword absent, a run-time value
    keep_header = _from_import(*_needs(callee, spec.args, spec.follow, _argument(spec, spec.keep)))
    examples.append(Example(
        name=f"{_plain(spec.keep)} left alone",
        before=f"{keep_header}\nresource = {call}, {_render(_argument(spec, spec.keep), 'alias')})\n{follow('resource')}",
    ))
    plain_header = _from_import(*_needs(callee, spec.args, spec.follow))
    examples.append(Example(name="keyword absent: left alone", before=f"{plain_header}\nresource = {call})\n{follow('resource')}"))
    run_time_header = _from_import(*_needs(callee, spec.args, _argument(spec, "setting")))
    examples.append(Example(
        name="a run-time value: left alone",
        before=f"{run_time_header}\n\ndef build(self, vpc, setting):\n    {call}, {_render(_argument(spec, 'setting'), 'alias')})\n",
    ))
    return examples
