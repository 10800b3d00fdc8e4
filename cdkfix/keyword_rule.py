"""Declarative keyword rules: "construct X without keyword K gets K=V" as data, not a class.

Most of cdk-nag's AwsSolutions rules ask for one keyword on one construct (`enforce_ssl=True`
on a bucket, `detailed_monitoring=True` on an instance). Writing each as a Rule subclass
would repeat the same thirty lines many times; a `KeywordRule` declares what differs and
`keyword_rule()` turns it into an ordinary `Rule` subclass, so the registry, `cdkfix rules`,
`explain`, suppressions, the call filter (`Rule.calls`) and the example tests treat it as
any other rule.

What a generated rule does with a call to one of its constructs:
- the keyword present with any value, or one of `decided_by` present: the user decided, left alone
  (also beside a `**` splat: Python refuses a keyword given twice, so the splat cannot hold it);
- a `**` splat: the keyword may be in it, so the finding is reported without a fix, and so is
  a props call (`inside`) with a splat of its own;
- one of `blocked_by` present: reported without a fix, with that keyword's reason
  (a website bucket cannot enforce TLS: its endpoint is HTTP only);
- `inside` set (the keyword belongs to a props object, `deploy_options=StageOptions(...)`):
  the props keyword absent -> written with a new props call; a props call with no splat ->
  the inner keywords it lacks are added; anything else (a variable) -> reported without a fix;
- otherwise the keyword is added. Values are written with `{aws_cdk.qualified.Name}`
  placeholders, spelt through `Rule.ref` so imports follow the file's own style.

A `Handoff` serves constructs that raise the same cdk-nag finding but take no such keyword
(`ec2.BastionHostLinux` has no `detailed_monitoring=`: EC28 is fixed on its instance through the
escape hatch): their calls go to the handoff's own visit, written in a small module of its own,
and its fix text and examples are appended, so one code stays one rule with one explain page.
A rule may have several handoffs (EC28: the bastion, and the L1 `ec2.CfnInstance`, whose
property is spelt otherwise), each for its own calls, appended in the order given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import code as source_of
from cdkfix.formatting import DEFAULT_LINE_LENGTH, format_expression
from cdkfix.names import CONVENTIONAL_ALIASES
from cdkfix.rule import Category, Example, Kind, Rule, Safety

_PLACEHOLDER = re.compile(r"\{(aws_cdk(?:\.\w+)+)\}")


@dataclass(frozen=True)
class Handoff:
    """Constructs a KeywordRule hands to other code: `visit(rule, call, qualified name)` is called
    for a call to one of `calls` instead of the keyword logic. `fix_text` is appended to the rule's
    fix, `examples` after all of its own (the existing examples keep their indexes)."""

    calls: frozenset[str]
    visit: Callable[[Rule, cst.Call, str], None]
    fix_text: str
    examples: Sequence[Example] = ()


@dataclass(frozen=True)
class KeywordRule:
    code: str  # cdk-nag's own rule ID, "AwsSolutions-S10"
    title: str
    cause: str  # cdk-nag's explanation, quoted in the rule's issue text
    constructs: tuple[str, ...]  # qualified names, "aws_cdk.aws_s3.Bucket"
    keyword: str  # "enforce_ssl" (or the props keyword, with `inside`)
    value: str  # Python source with {aws_cdk.x.Y} placeholders: "True", "{aws_cdk.aws_s3.BlockPublicAccess.BLOCK_ALL}"
    why: str  # why the finding matters, for `explain`
    impact: str
    kind: Kind = Kind.SECURITY
    safety: Safety = Safety.SAFE
    safety_note: str = ""  # why the fix is (un)safe: replacement, cost, access, behaviour
    # What deploying the fix replaces, as the fix-effect harness finds it (Rule.replaces).
    replaces: tuple[str, ...] = ()
    name: str = ""  # default: the code in lower case
    # Keywords whose presence means the user chose: the call is left alone.
    decided_by: tuple[str, ...] = ()
    # Keywords whose presence makes the fix wrong: reported without a fix, with the reason.
    blocked_by: dict[str, str] = field(default_factory=dict)
    # The keyword lives in a props object: (props class, {inner keyword: value source}).
    # `value` is then unused; the props call is built from the inner keywords.
    inside: tuple[str, dict[str, str]] | None = None
    # Keywords written together with `keyword` (each only when absent): cdk-nag asks for both.
    extra: dict[str, str] = field(default_factory=dict)
    # Another rule that writes the same fix: when it is selected and `defer(rule, call)` says
    # it fixes this call, this rule stays silent (one fix, not two records of it).
    defer_to: str = ""
    defer: Callable[[Rule, cst.Call], bool] | None = None
    # For the generated examples (three written shapes + one left alone): the call's other
    # arguments (source with placeholders; `vpc` is a free name the proof supplies) and a
    # value the user chose, which must stay.
    args: str = 'self, "Resource"'
    keep: str = "False"
    # Statements after the call (`{resource}` is the name it is bound to): a RestApi needs a method.
    follow: str = ""
    examples: Sequence[Example] = ()  # more examples, after the generated ones
    groups: tuple[str, ...] = ("AwsSolutions",)
    default: bool = False
    # Constructs with the same finding that take no such keyword, each served by another module.
    handoffs: tuple[Handoff, ...] = ()


def _fill(rule: Rule, source: str) -> str:
    return _PLACEHOLDER.sub(lambda match: rule.ref(match.group(1)), source)


def _props_source(rule: Rule, props: str, inner: dict[str, str]) -> str:
    arguments = ", ".join(f"{key}={_fill(rule, value)}" for key, value in inner.items())
    return f"{rule.ref(props)}({arguments})"


def _fix_text(spec: KeywordRule) -> str:
    if spec.inside is not None:
        props, inner = spec.inside
        short = props.rsplit(".", 1)[-1]
        inner_text = ", ".join(f"{key}={_plain(value)}" for key, value in inner.items())
        text = (
            f"Sets `{spec.keyword}={short}({inner_text})`; an existing `{short}(...)` call gets the inner keywords "
            f"it lacks, a props object held in a variable is reported without a fix."
        )
    else:
        text = f"Sets `{spec.keyword}={_plain(spec.value)}`"
        text += "".join(f", `{key}={_plain(value)}`" for key, value in spec.extra.items()) + "."
    left = [f"`{spec.keyword}`"] if spec.inside is None else [f"the inner keywords"]
    left += [f"`{keyword}`" for keyword in spec.decided_by]
    text += f" A call that already states {' or '.join(left)} (any value) is left alone"
    blocked = [f"`{keyword}` ({reason})" for keyword, reason in spec.blocked_by.items()]
    if blocked:
        text += "; a call with " + "; or with ".join(blocked) + " is reported without a fix"
    text += "; a `**` splat that may hold it (or a splat in the props call) is reported without a fix."
    text += "".join(handoff.fix_text for handoff in spec.handoffs)  # before the safety note, which holds for every shape
    if spec.safety_note:
        text += f" {spec.safety_note}"
    return text


def _plain(value: str) -> str:
    """`{aws_cdk.aws_s3.BlockPublicAccess.BLOCK_ALL}` -> `s3.BlockPublicAccess.BLOCK_ALL` for the docs."""
    return _PLACEHOLDER.sub(lambda match: ".".join(match.group(1).split(".")[1:]).removeprefix("aws_"), value)


def keyword_rule(spec: KeywordRule, module: str) -> type[Rule]:
    """The Rule subclass `spec` describes, defined as if written in `module`."""
    label = spec.code.split("-", 1)[-1]

    def visit_Call(self: Rule, node: cst.Call) -> None:
        qualified = self.resolve(node.func)
        handoff = next((handoff for handoff in spec.handoffs if qualified in handoff.calls), None)
        if handoff is not None:
            handoff.visit(self, node, qualified)
            return
        if qualified not in spec.constructs:
            return
        what = source_of(node.func)
        if layout.keyword_arg(node, spec.keyword) is not None and spec.inside is None:
            return
        if any(layout.keyword_arg(node, keyword) is not None for keyword in spec.decided_by):
            return
        # With the props keyword itself present (`inside`), the splat cannot hold it: only keywords
        # that would decide or block the fix could hide there.
        visible = spec.inside is not None and layout.keyword_arg(node, spec.keyword) is not None
        if layout.has_double_star(node) and not (visible and not spec.decided_by and not spec.blocked_by):
            hidden = [spec.keyword] if not visible else [*spec.decided_by, *spec.blocked_by]
            self.report_without_fix(
                f"{what} may lack `{spec.keyword}` ({label})",
                f"a `**` splat may set {' or '.join(f'`{keyword}`' for keyword in hidden)}: cdkfix cannot see its keywords",
                node,
            )
            return
        for keyword, reason in spec.blocked_by.items():
            if layout.keyword_arg(node, keyword) is not None:
                self.report_without_fix(f"{what} without `{spec.keyword}` ({label})", reason, node)
                return
        if spec.defer is not None and spec.defer_to in self.context.selected and spec.defer(self, node):
            return
        message = f"{what} without `{spec.keyword}` ({spec.title})"
        if spec.inside is None:
            edits = [self.set_keyword(node, spec.keyword, _fill(self, spec.value))]
            edits += [
                self.set_keyword(node, keyword, _fill(self, value))
                for keyword, value in spec.extra.items()
                if layout.keyword_arg(node, keyword) is None
            ]
            self.report(message, edits)
            return
        props, inner = spec.inside
        present = layout.keyword_arg(node, spec.keyword)
        if present is None:
            self.report(message, [self.set_keyword(node, spec.keyword, _props_source(self, props, inner))])
            return
        value = present.value
        if self.resolve(value.func if isinstance(value, cst.Call) else value) == props and layout.has_double_star(value):
            self.report_without_fix(
                f"{what}: `{spec.keyword}` may lack {', '.join(inner)} ({label})",
                f"a `**` splat in `{props.rsplit('.', 1)[-1]}(...)` may set them: cdkfix cannot see its keywords",
                node,
            )
            return
        if not self.is_call_to(value, props):
            self.report_without_fix(
                f"{what}: `{spec.keyword}` may lack {', '.join(inner)} ({label})",
                f"`{spec.keyword}` is not a `{props.rsplit('.', 1)[-1]}(...)` call cdkfix can read",
                node,
            )
            return
        missing = {key: text for key, text in inner.items() if layout.keyword_arg(value, key) is None}
        if len(missing) < len(inner):
            return  # the user set some of them: their choice
        statement = self.current_statement

        def add_inner(call: cst.Call, filled={key: _fill(self, text) for key, text in missing.items()}) -> cst.Call:
            arg = layout.keyword_arg(call, spec.keyword)
            inner_call = arg.value
            for key, text in filled.items():
                inner_call = layout.set_keyword(inner_call, key, cst.parse_expression(text))
            return call.with_changes(args=[a.with_changes(value=inner_call) if a is arg else a for a in call.args])

        self.report(f"{what}: `{spec.keyword}` without {', '.join(missing)} ({spec.title})",
                    [self.change(node, add_inner, statement)])

    attributes = {
        "__module__": module,
        "__doc__": f"{spec.code}: {spec.title} (declared as a KeywordRule).",
        "code": spec.code,
        "name": spec.name or spec.code.lower(),
        "title": spec.title,
        "category": Category.CONFIGURATION,
        "kind": spec.kind,
        "safety": spec.safety,
        "replaces": spec.replaces,
        "issue": f"cdk-nag {spec.code}: {spec.cause} {spec.why}",
        "fix": _fix_text(spec),
        "impact": spec.impact,
        # The splat examples come last so that the indexes of the others (the fix-effect
        # harness's example ids) stay what they were.
        # The handoffs' examples after all of those, in their order, for the same reason.
        "examples": [
            *generated_examples(spec), *spec.examples, *splat_examples(spec), *(example for handoff in spec.handoffs for example in handoff.examples),
        ],
        "groups": spec.groups,
        "default": spec.default,
        "calls": frozenset(spec.constructs).union(*(handoff.calls for handoff in spec.handoffs)),
        "spec": spec,
        "visit_Call": visit_Call,
    }
    class_name = "".join(part.capitalize() for part in re.split(r"\W+", spec.code)) + "Rule"
    return type(class_name, (Rule,), attributes)


def declare(specs: Sequence[KeywordRule], namespace: dict) -> None:
    """Define each spec's Rule class in the module whose globals are `namespace` (so the
    registry, which keeps classes defined in the module it imports, finds them)."""
    for spec in specs:
        rule = keyword_rule(spec, namespace["__name__"])
        namespace[rule.__name__] = rule


# --- generated examples ---------------------------------------------------------------------


def _alias(module: str) -> str:
    return CONVENTIONAL_ALIASES.get(f"aws_cdk.{module}", module.removeprefix("aws_"))


def _needs(*templates: str) -> tuple[list[str], list[str]]:
    """(aws_x modules, root names) the placeholders of `templates` use, in order of appearance."""
    modules: list[str] = []
    roots: list[str] = []
    for template in templates:
        for match in _PLACEHOLDER.finditer(template):
            parts = match.group(1).split(".")
            target, item = (modules, parts[1]) if parts[1].startswith("aws_") else (roots, parts[1])
            if item not in target:
                target.append(item)
    return modules, roots


def _render(template: str, style: str, imported: str = "") -> str:
    """Placeholders spelt in `style`; under `imported` (a class imported by name), that class's
    own members through its name, as the file's import map resolves them."""

    def one(match: re.Match) -> str:
        parts = match.group(1).split(".")
        if imported and match.group(1).startswith(imported + "."):
            return ".".join(parts[2:])
        if style == "cdk":
            return "cdk." + ".".join(parts[1:])
        if parts[1].startswith("aws_"):
            return ".".join([_alias(parts[1]), *parts[2:]])
        return ".".join(parts[1:])

    return _PLACEHOLDER.sub(one, template)


def _from_import(modules: list[str], roots: list[str]) -> str:
    names = [*roots, *(f"{module} as {_alias(module)}" for module in modules)]
    return f"from aws_cdk import {', '.join(names)}\n" if names else ""


def _assignment(spec: KeywordRule, style: str, imported: str = "") -> tuple[str, str]:
    """(the value written in `style`, as a keyword argument) for the fixed call."""
    if spec.inside is not None:
        props, inner = spec.inside
        value = "{" + props + "}(" + ", ".join(f"{key}={text}" for key, text in inner.items()) + ")"
    else:
        value = spec.value
    pairs = [(spec.keyword, value), *spec.extra.items()]
    return ", ".join(f"{key}={_formatted(key, _render(text, style, imported))}" for key, text in pairs), value


def _formatted(keyword: str, value: str) -> str:
    """A value as black lays it out in the width a fix at module level gets (long ones wrap)."""
    width = DEFAULT_LINE_LENGTH - (4 + len(keyword) + 2)
    return cst.Module([]).code_for_node(format_expression(value, width))


def generated_examples(spec: KeywordRule) -> list[Example]:
    """Three fixed shapes (module alias, `import aws_cdk as cdk`, the class imported by name)
    and one left alone (a value the user chose).

    The expected text is composed here from the declaration, independently of the rule's
    edit code, so a wrong edit (layout, import, spelling) fails the example test."""
    qualified = spec.constructs[0]
    parts = qualified.split(".")
    module, tail = parts[1], ".".join(parts[2:])
    callee = "{" + qualified + "}"
    _, value_template = _assignment(spec, "alias")
    extra_values = " ".join(spec.extra.values())
    modules, roots = _needs(callee, spec.args, value_template, extra_values)
    examples = []
    bound = "resource = " if spec.follow else ""

    def follow(name: str, style: str) -> str:
        return _render(spec.follow, style).replace("{resource}", name)

    # 1. from aws_cdk import aws_x as x (every name the fix needs already imported)
    header = _from_import(modules, roots)
    call = f"{_render(callee, 'alias')}({_render(spec.args, 'alias')}"
    examples.append(Example(
        name="module alias",
        before=f"{header}\nresource = {call})\n{follow('resource', 'alias')}",
        after=f"{header}\nresource = {call}, {_assignment(spec, 'alias')[0]})\n{follow('resource', 'alias')}",
    ))
    # 2. import aws_cdk as cdk
    call = f"{_render(callee, 'cdk')}({_render(spec.args, 'cdk')}"
    examples.append(Example(
        name="import aws_cdk as cdk",
        before=f"import aws_cdk as cdk\n\nself.resource = {call})\n{follow('self.resource', 'cdk')}",
        after=f"import aws_cdk as cdk\n\nself.resource = {call}, {_assignment(spec, 'cdk')[0]})\n{follow('self.resource', 'cdk')}",
    ))
    # 3. from aws_cdk.aws_x import Class: the fix imports what it needs the file's way
    arg_modules, arg_roots = _needs(spec.args, spec.follow)
    header = f"from aws_cdk.{module} import {parts[2]}\n" + _from_import(arg_modules, arg_roots)
    own = f"{{{qualified}."  # the class's own members need no import in this shape
    value_modules, value_roots = _needs(value_template.replace(own, "{"), extra_values)
    added = "".join(f"from aws_cdk import {root}\n" for root in value_roots if root not in arg_roots)
    added += "".join(
        f"from aws_cdk import {m} as {_alias(m)}\n" for m in value_modules if m not in arg_modules
    )
    examples.append(Example(
        name="class imported by name",
        before=f"{header}\n{bound}{tail}({_render(spec.args, 'alias')})\n{follow('resource', 'alias')}",
        after=f"{header}{added}\n{bound}{tail}({_render(spec.args, 'alias')}, {_assignment(spec, 'alias', qualified)[0]})\n{follow('resource', 'alias')}",
    ))
    # 4. left alone: the user's own value (the `**` splat examples: splat_examples)
    header = _from_import(*_needs(callee, spec.args, spec.keep))
    examples.append(Example(
        name="explicit value left alone",
        before=f"{header}\n{_render(callee, 'alias')}({_render(spec.args, 'alias')}, {spec.keyword}={_render(spec.keep, 'alias')})\n",
    ))
    return examples


def splat_examples(spec: KeywordRule) -> list[Example]:
    """A `**` splat that may hold the keyword: reported without a fix; the keyword stated beside
    a splat: the user's choice, left alone (Python refuses the keyword twice, so the splat
    cannot hold it)."""
    qualified = spec.constructs[0]
    callee = "{" + qualified + "}"
    header = _from_import(*_needs(callee, spec.args))
    call = f"{_render(callee, 'alias')}({_render(spec.args, 'alias')}"
    examples = [Example(
        name="a `**` splat may hold the keyword: reported without a fix",
        before=f"{header}\n\ndef build(self, props):\n    {call}, **props)\n",
        flagged=True,
    )]
    if spec.inside is None or not (spec.decided_by or spec.blocked_by):
        header = _from_import(*_needs(callee, spec.args, spec.keep))
        examples.append(Example(
            name="the keyword stated beside a `**` splat: left alone",
            before=f"{header}\n\ndef build(self, props):\n    {call}, {spec.keyword}={_render(spec.keep, 'alias')}, **props)\n",
        ))
    return examples
