"""In-source suppressions, and cdk-nag acknowledgements that name an equivalent rule.

    cluster = ecs.Cluster(self, "C", vpc=vpc)  # cdkfix: ignore[CDK-B12] insights cost too much here
    # cdkfix: ignore[B12, CDK-A1] reason        (on its own line, directly above the statement)
    # cdkfix: ignore-file[CDK-B9]               (anywhere, conventionally at the top: the whole file)

A finding is suppressed by an `ignore[...]` naming its code on any line from the first line
of its statement to the first line of the construct call it points at, or in the block of
comment lines directly above that statement. Codes may omit `CDK-`. Comments are found with
the tokenizer, and only in files that contain `cdkfix:` at all, so other files pay nothing.

A suppression that suppressed nothing becomes a Notice (`unused suppression ignore[CODE]`),
reported in check mode; codes of rules that did not run on the file (not selected, or
per-file-ignored) are not reported, since nothing could have used them.

cdk-nag: `NagSuppressions.add_resource_suppressions(construct, [{"id": "AwsSolutions-ECS4", ...}])`
in the same file suppresses the equivalent cdkfix rule on the statement that creates that
construct (`construct = ecs.Cluster(...)`) or calls a method on it (`role.add_managed_policy(...)`),
and `add_stack_suppressions(self, [...])` inside a class suppresses it in that class. Only rules
whose meaning really is the same are mapped; an AwsSolutions id always suppresses the
AwsSolutions pack's rule of that id (the user accepted cdk-nag's finding).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import libcst as cst

from cdkfix.config import canonical_code
from cdkfix.constructs import literal_value
from cdkfix.names import dotted_name
from cdkfix.records import FixRecord, FixStatus, Notice

MARKER = b"cdkfix:"
# Bytes that a file with cdk-nag suppressions holds: v2 `NagSuppressions`, v3 `Acknowledgment(...)`.
NAG_MARKERS = (b"NagSuppressions", b"Acknowledgment")

_DIRECTIVE = re.compile(r"#\s*cdkfix\s*:\s*(?P<kind>ignore-file|ignore)\b(?P<rest>.*)$", re.IGNORECASE)
_CODES = re.compile(r"\s*\[(?P<codes>[^\]]*)\](?P<reason>.*)$")

# cdk-nag AwsSolutions rule -> the cdkfix rule that flags the same thing.
#   ECS4: "The ECS Cluster has CloudWatch Container Insights disabled" = CDK-B12 exactly.
#   IAM4: "The IAM user, role, or group uses AWS managed policies"; CDK-A1 flags an AWS
#         managed policy that is too broad, so accepting IAM4 for that policy accepts A1.
#         With `applies_to`, only when it names the policy the finding is about.
# Not mapped, because the meaning differs: S1 (access logs) / S10 (SSL) vs B2 (encryption);
# ECS2 (any environment variable) vs B9 (hard-coded values); IAM5 (wildcards) vs A1.
NAG_EQUIVALENTS = {
    "AwsSolutions-ECS4": "CDK-B12",
    "AwsSolutions-IAM4": "CDK-A1",
}
_NAG_METHODS = {"add_resource_suppressions", "add_stack_suppressions"}


@dataclass
class Directive:
    line: int
    column: int  # 1-based, of the `#`
    kind: str  # "ignore" or "ignore-file"
    codes: tuple[str, ...]
    reason: str
    own_line: bool  # the comment is alone on its line
    used: set[str] = field(default_factory=set)

    def spelled(self, code: str) -> str:
        return f"{self.kind}[{code}]"


@dataclass
class Comments:
    directives: list[Directive]
    comment_lines: set[int]  # lines holding nothing but a comment


def _directive(text: str, line: int, column: int, own_line: bool) -> Directive | None:
    match = _DIRECTIVE.search(text)
    if match is None:
        return None
    kind = match.group("kind").lower()
    rest = _CODES.match(match.group("rest"))
    codes: tuple[str, ...] = ()
    reason = match.group("rest").strip()
    if rest is not None:
        codes = tuple(dict.fromkeys(canonical_code(code) for code in rest.group("codes").split(",") if code.strip()))
        reason = rest.group("reason").strip()
    return Directive(line, column + match.start() + 1, kind, codes, reason, own_line)


def parse_comments(source: bytes) -> Comments:
    """The `# cdkfix:` directives of a file, and which lines are comment-only."""
    directives: list[Directive] = []
    comment_lines: set[int] = set()
    try:
        for token in tokenize.tokenize(io.BytesIO(source).readline):
            if token.type != tokenize.COMMENT:
                continue
            line, column = token.start
            own_line = not token.line[:column].strip()
            if own_line:
                comment_lines.add(line)
            if "cdkfix" in token.string:
                found = _directive(token.string, line, column, own_line)
                if found is not None:
                    directives.append(found)
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        # Syntax the tokenizer of this Python does not know (LibCST parsed it): read lines.
        directives, comment_lines = [], set()
        text = source.decode("utf-8", errors="replace")
        for number, physical in enumerate(text.splitlines(), start=1):
            stripped = physical.lstrip()
            if stripped.startswith("#"):
                comment_lines.add(number)
            position = physical.find("#")
            if position >= 0 and "cdkfix" in physical:
                found = _directive(physical[position:], number, position, stripped.startswith("#"))
                if found is not None:
                    directives.append(found)
    return Comments(directives, comment_lines)


# --- cdk-nag acknowledgements -------------------------------------------------------------


@dataclass
class NagAcknowledgement:
    nag_id: str
    code: str  # the equivalent cdkfix rule
    line: int
    target: str | None  # the construct expression (`cluster`, `self.role`); None: a whole class
    class_lines: tuple[int, int] | None  # add_stack_suppressions(self, ...) inside this class
    applies_to: tuple[str, ...] | None


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = literal_value(node)
        return value if isinstance(value, str) else None
    return None


def _suppression_entries(node: cst.BaseExpression) -> Iterable[tuple[str, tuple[str, ...] | None]]:
    """(id, applies_to) of each literal entry in a NagSuppressions list."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        return
    for element in node.elements:
        value = element.value
        nag_id, applies_to = None, None
        if isinstance(value, cst.Dict):
            for item in value.elements:
                if not isinstance(item, cst.DictElement):
                    continue
                key = _string(item.key)
                if key == "id":
                    nag_id = _string(item.value)
                elif key in ("applies_to", "appliesTo"):
                    applies_to = _strings(item.value)
        elif isinstance(value, cst.Call) and (dotted_name(value.func) or "").endswith("NagPackSuppression"):
            for arg in value.args:
                if arg.keyword is not None and arg.keyword.value == "id":
                    nag_id = _string(arg.value)
                elif arg.keyword is not None and arg.keyword.value == "applies_to":
                    applies_to = _strings(arg.value)
        if nag_id:
            yield nag_id, applies_to


def _acknowledgment_entries(node: cst.Call) -> Iterable[tuple[str, tuple[str, ...] | None]]:
    """(id, applies_to) of each literal `Acknowledgment(id=...)` an `.acknowledge(...)` call passes;
    a granular id (`AwsSolutions-IAM4[Policy::...]`) carries its applies_to in brackets."""
    for arg in node.args:
        value = arg.value
        if arg.keyword is not None or arg.star or not isinstance(value, cst.Call):
            continue
        if not (dotted_name(value.func) or "").endswith("Acknowledgment"):
            continue
        given = next((a.value for a in value.args if a.keyword is not None and a.keyword.value == "id"), None)
        full = _string(given) if given is not None else None
        if full:
            nag_id, _, rest = full.partition("[")
            yield nag_id, ((rest[:-1],) if rest.endswith("]") else None)


def _strings(node: cst.BaseExpression) -> tuple[str, ...]:
    if isinstance(node, (cst.List, cst.Tuple)):
        return tuple(text for element in node.elements if (text := _string(element.value)) is not None)
    return ()


class _NagScanner(cst.CSTVisitor):
    def __init__(self) -> None:
        self.classes: list[cst.ClassDef] = []
        self.found: list[tuple[cst.Call, str, str | None, cst.ClassDef | None, tuple[str, ...] | None]] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "acknowledge":
            self._acknowledgment(node, func)
            return
        if not isinstance(func, cst.Attribute) or func.attr.value not in _NAG_METHODS:
            return
        if not (dotted_name(func.value) or "").endswith("NagSuppressions"):
            return
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        keywords = {arg.keyword.value: arg for arg in node.args if arg.keyword is not None}
        construct = positional[0].value if positional else None
        listed = positional[1].value if len(positional) > 1 else getattr(keywords.get("suppressions"), "value", None)
        if construct is None or listed is None:
            return
        target = cst.Module([]).code_for_node(construct)
        if func.attr.value == "add_stack_suppressions":
            if target != "self" or not self.classes:
                return  # a stack named elsewhere: its resources are not in this file
            scope: cst.ClassDef | None = self.classes[-1]
            target_name = None
        else:
            scope, target_name = None, target
        self._record(node, _suppression_entries(listed), target_name, scope)

    def _record(self, node, entries, target_name, scope) -> None:
        for nag_id, applies_to in entries:
            # An AwsSolutions id also names the AwsSolutions pack's rule of the same code.
            if nag_id in NAG_EQUIVALENTS or nag_id.startswith("AwsSolutions-"):
                self.found.append((node, nag_id, target_name, scope, applies_to))


    def _acknowledgment(self, node: cst.Call, func: cst.Attribute) -> None:
        """cdk-nag 3's form, which cdkfix's own migration (NAG3-1/NAG3-2) writes:
        `Validations.of(c).acknowledge(Acknowledgment(id="AwsSolutions-S1", reason=...), ...)`.
        `c`, or `c.node.default_child`, names the construct `c` (as v2's add_resource_suppressions(c)
        did); `Validations.of(self)` in a class covers the class, as add_stack_suppressions(self)
        did."""
        of = func.value
        if not (isinstance(of, cst.Call) and (dotted_name(of.func) or "").endswith("Validations.of")):
            return
        positional = [arg for arg in of.args if arg.keyword is None and not arg.star]
        if len(positional) != 1:
            return
        construct = positional[0].value
        if (
            isinstance(construct, cst.Attribute)
            and construct.attr.value == "default_child"
            and isinstance(construct.value, cst.Attribute)
            and construct.value.attr.value == "node"
        ):
            construct = construct.value.value
        target = cst.Module([]).code_for_node(construct)
        if target == "self":
            if not self.classes:
                return
            scope: cst.ClassDef | None = self.classes[-1]
            target_name = None
        else:
            scope, target_name = None, target
        self._record(node, _acknowledgment_entries(node), target_name, scope)


def nag_acknowledgements(module: cst.Module, original: str | None = None) -> list[NagAcknowledgement]:
    from cdkfix.positions import node_spans

    scanner = _NagScanner()
    module.visit(scanner)
    if not scanner.found:
        return []
    spans, _ = node_spans(
        module, {node for call, _, _, scope, _ in scanner.found for node in (call, scope) if node}, original
    )
    out = []
    for call, nag_id, target, scope, applies_to in scanner.found:
        class_lines = (spans[scope][0], spans[scope][2]) if scope is not None and scope in spans else None
        for code in dict.fromkeys(code for code in (NAG_EQUIVALENTS.get(nag_id), nag_id) if code):
            out.append(NagAcknowledgement(nag_id, code, spans.get(call, (0,))[0], target, class_lines, applies_to))
    return out


def bound_name(statement: cst.CSTNode) -> str | None:
    """`x` for `x = Call(...)` (or `self.x = ...`, `x: T = ...`): the name a construct is bound to;
    and `x` for a statement `x.method(...)` (`role.add_managed_policy(...)`): the construct it changes."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    target = None
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
    elif isinstance(small, cst.AnnAssign):
        target = small.target
    elif isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and isinstance(small.value.func, cst.Attribute):
        target = small.value.func.value
    if isinstance(target, (cst.Name, cst.Attribute)):
        return cst.Module([]).code_for_node(target)
    return None


def _policy_named(applies_to: Sequence[str], record: FixRecord) -> bool:
    """True when `applies_to` names a policy the finding is about: one its message names (the
    statement may hold other managed policies, which an acknowledgement of them does not cover)."""
    for entry in applies_to:
        name = re.split(r"[/:]", entry)[-1].strip()
        if name and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", record.message):
            return True
    return False


# --- matching ----------------------------------------------------------------------------


@dataclass
class Finding:
    """What suppression matching needs to know about one fix."""

    record: FixRecord
    statement_line: int  # first line of the statement the fix is anchored at
    bound_to: str | None = None  # the name that statement binds the construct to


def apply(
    findings: Sequence[Finding],
    comments: Comments | None,
    nag: Sequence[NagAcknowledgement],
    *,
    path: str,
    selected: set[str],
    known: set[str],
) -> list[Notice]:
    """Mark suppressed records (status SUPPRESSED); the notices for suppressions that did nothing."""
    directives = comments.directives if comments else []
    # Codes are read upper-cased (`b12`, `cdk-b12` mean CDK-B12); a rule's own code may not be
    # (`AwsSolutions-S10`): match the registry's spelling whatever the comment's case.
    spelling = {code.upper(): code for code in known}
    for directive in directives:
        directive.codes = tuple(spelling.get(code.upper(), code) for code in directive.codes)
    by_line: dict[int, list[Directive]] = {}
    whole_file: list[Directive] = []
    for directive in directives:
        (whole_file if directive.kind == "ignore-file" else by_line.setdefault(directive.line, [])).append(directive)
    comment_lines = comments.comment_lines if comments else set()

    for finding in findings:
        record = finding.record
        first = min(finding.statement_line, record.line or finding.statement_line)
        last = max(finding.statement_line, record.line or finding.statement_line)
        lines = list(range(last, first - 1, -1))
        above = first - 1
        while above in comment_lines:
            lines.append(above)
            above -= 1
        reasons = []
        for line in lines:
            for directive in by_line.get(line, ()):
                if record.code in directive.codes and (line >= first or directive.own_line):
                    directive.used.add(record.code)
                    reasons.append(_describe(directive))
        for directive in whole_file:
            if record.code in directive.codes:
                directive.used.add(record.code)
                reasons.append(_describe(directive))
        for ack in nag:
            if ack.code == record.code and _nag_covers(ack, finding):
                reasons.append(f"acknowledged as cdk-nag {ack.nag_id} on line {ack.line}")
        if reasons:
            record.status = FixStatus.SUPPRESSED
            record.detail = "; ".join(dict.fromkeys(reasons))

    notices = []
    for directive in directives:
        if not directive.codes:
            notices.append(
                Notice(path, directive.line, directive.column,
                       f"invalid suppression {directive.kind}: name the codes, as in {directive.kind}[CDK-B12]",
                       code="", kind="invalid-suppression")
            )
            continue
        for code in directive.codes:
            if code in directive.used:
                continue
            if code not in known:
                notices.append(Notice(path, directive.line, directive.column,
                                      f"unused suppression {directive.spelled(code)} (unknown rule code)",
                                      code=code, kind="unused-suppression"))
            elif code in selected:
                notices.append(Notice(path, directive.line, directive.column,
                                      f"unused suppression {directive.spelled(code)}",
                                      code=code, kind="unused-suppression"))
    return notices


def _describe(directive: Directive) -> str:
    text = f"# cdkfix: {directive.kind}[{', '.join(directive.codes)}] on line {directive.line}"
    return f"{text}: {directive.reason}" if directive.reason else text


def _nag_covers(ack: NagAcknowledgement, finding: Finding) -> bool:
    if ack.class_lines is not None:
        start, end = ack.class_lines
        if not start <= (finding.record.line or finding.statement_line) <= end:
            return False
    elif ack.target is None or ack.target != finding.bound_to:
        return False
    if ack.nag_id == "AwsSolutions-IAM4" and ack.applies_to:
        return _policy_named(ack.applies_to, finding.record)
    return True
