"""One file through the pipeline: parse once, run every selected rule, apply, check, record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import libcst as cst

from cdkfix import suppressions
from cdkfix.config import RunConfig
from cdkfix.edits import ApplyEdits, add_imports, statement_snippet
from cdkfix.names import ImportMap
from cdkfix.positions import node_spans
from cdkfix.records import FileError, FileResult, FixRecord, FixStatus
from cdkfix.rule import FileContext, Fix, Rule, Safety

CDK_MARKER = b"aws_cdk"


class RuleRunner(cst.CSTVisitor):
    """Dispatches one traversal to every rule's visit_/leave_ methods (Fixit's batched visitor)."""

    def __init__(self, rules: Sequence[Rule], context: FileContext) -> None:
        super().__init__()
        self.context = context
        self.visitors: dict[str, list] = {}
        self.leavers: dict[str, list] = {}
        for rule in rules:
            for attribute in dir(type(rule)):
                if attribute.startswith("visit_"):
                    self.visitors.setdefault(attribute[6:], []).append(getattr(rule, attribute))
                elif attribute.startswith("leave_"):
                    self.leavers.setdefault(attribute[6:], []).append(getattr(rule, attribute))

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.context.ancestors.append(node)
        for method in self.visitors.get(type(node).__name__, ()):
            method(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        for method in self.leavers.get(type(original_node).__name__, ()):
            method(original_node)
        self.context.ancestors.pop()


def _apply(module: cst.Module, fixes: Sequence[Fix]) -> cst.Module:
    edits = [edit for fix in fixes for edit in fix.edits]
    changed = module.visit(ApplyEdits(edits)) if edits else module
    return add_imports(changed, [imp for fix in fixes for imp in fix.imports])


def _compiles(code: str, path: str) -> str | None:
    """None when `code` compiles, else the compiler's message."""
    try:
        compile(code, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def find_fixes(module: cst.Module, imports: ImportMap, path: str, config: RunConfig) -> list[Fix]:
    context = FileContext(module, imports, path, config.line_length)
    context.selected = frozenset(rule.code for rule in config.rules)
    rules = [rule_class(context, config.rule_options.get(rule_class.code)) for rule_class in config.rules]
    module.visit(RuleRunner(rules, context))
    return context.fixes


def _record(fix: Fix, path: str, spans: dict, status: FixStatus = FixStatus.APPLIED, detail: str = "") -> FixRecord:
    anchors = list(dict.fromkeys([fix.anchor, *(edit.statement for edit in fix.edits)]))
    anchors.sort(key=lambda node: spans.get(node, (0,)))
    starts = [spans[node][0] for node in anchors if node in spans]
    ends = [spans[node][2] for node in anchors if node in spans]
    befores, afters = [], []
    for anchor in anchors:
        own = [edit for edit in fix.edits if edit.statement is anchor]
        before, after = statement_snippet(anchor, own)
        befores.append(before)
        afters.append(after)
    line, column, end_line, end_column = spans.get(fix.node, spans.get(fix.anchor, (0, 0, 0, 0)))
    if end_column < 0:  # a statement: up to the end of its last line
        end_column = column
    rule = fix.rule
    return FixRecord(
        code=rule.code,
        name=rule.name,
        title=rule.title,
        category=rule.category.value,
        kind=rule.kind.value,
        safety=rule.safety.value,
        path=path,
        start_line=min(starts) if starts else line,
        end_line=max(ends) if ends else end_line,
        message=fix.message,
        before="\n\n".join(befores),
        after="\n\n".join(afters),
        imports=[imp.statement_source() for imp in dict.fromkeys(fix.imports)],
        status=status,
        detail=detail,
        line=line,
        column=column + 1,
        node_end_line=end_line,
        node_end_column=end_column + 1,
    )


def _codes(config: RunConfig) -> dict:
    """The codes of the rules that ran on this file, and every code a suppression may name."""
    from cdkfix.registry import all_rules

    selected = {rule.code for rule in config.rules}
    return {"selected": selected, "known": selected | {rule.code for rule in all_rules()}}


def fix_module(source: bytes, path: str, config: RunConfig) -> FileResult:
    """Run the selected rules over one file's bytes; never raises for bad input."""
    config = config.for_file(path)  # its config file, per-file ignores
    result = FileResult(path=path)
    if CDK_MARKER not in source:
        return result  # no CDK: not even parsed
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        result.errors.append(FileError(path, error.raw_line, f"syntax error: {error.message}"))
        return result
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        result.errors.append(FileError(path, 1, f"cannot decode: {error}"))
        return result
    except RecursionError:
        result.errors.append(FileError(path, 1, "too deeply nested for the parser"))
        return result
    imports = ImportMap.from_module(module)
    if not imports.uses_cdk:
        return result
    try:
        fixes = find_fixes(module, imports, path, config)
    except RecursionError:
        result.errors.append(FileError(path, 1, "too deeply nested to analyse"))
        return result
    comments = suppressions.parse_comments(source) if suppressions.MARKER in source else None
    if not fixes:
        if comments is not None and comments.directives:
            result.notices = suppressions.apply((), comments, (), path=path, **_codes(config))
        return result

    spans = node_spans(
        module, {node for fix in fixes for node in [fix.anchor, fix.node, *(edit.statement for edit in fix.edits)]}
    )
    records = {id(fix): _record(fix, path, spans) for fix in fixes}
    if comments is not None or suppressions.NAG_MARKER in source:
        nag = suppressions.nag_acknowledgements(module) if suppressions.NAG_MARKER in source else []
        findings = [
            suppressions.Finding(records[id(fix)], spans.get(fix.anchor, (records[id(fix)].start_line,))[0],
                                 suppressions.bound_name(fix.anchor))
            for fix in fixes
        ]
        result.notices = suppressions.apply(findings, comments, nag, path=path, **_codes(config))
    wanted = []
    for fix in fixes:
        record = records[id(fix)]
        if record.status is FixStatus.SUPPRESSED:
            continue
        if record.id in config.skip:
            record.status, record.detail = FixStatus.SKIPPED, "left out on request"
        elif fix.rule.safety is Safety.UNSAFE and not config.unsafe_fixes:
            record.status = FixStatus.UNSAFE
        else:
            wanted.append(fix)
    applied, dropped, new_module = _apply_compiling(module, wanted, path)
    for fix in wanted:
        if id(fix) in dropped:
            record = records[id(fix)]
            record.status, record.detail = FixStatus.DROPPED, dropped[id(fix)]
            result.errors.append(
                FileError(path, record.line, f"internal error in {fix.rule.code}: its fix did not compile ({record.detail}); fix dropped")
            )
    if config.fix_hunks:
        _add_hunks(module, fixes, records, dropped, path)
    result.fixes = list(records.values())
    result.fixes.sort(key=lambda record: (record.start_line, record.code))
    if applied:
        result.new_source = new_module.bytes
    return result


def _add_hunks(module: cst.Module, fixes: list[Fix], records: dict, dropped: dict, path: str) -> None:
    """Each fix applied alone to the original file, as a unified diff (whatever its status)."""
    from cdkfix.report.diff import unified_diff

    original = module.bytes
    for fix in fixes:
        if id(fix) in dropped:
            continue
        alone, error = _try(module, [fix], path)
        if error is None:
            records[id(fix)].diff = unified_diff(path, original, alone.bytes)


def _apply_compiling(
    module: cst.Module, fixes: list[Fix], path: str
) -> tuple[list[Fix], dict[int, str], cst.Module]:
    """The fixes whose combined output compiles, and that output; a fix that breaks compilation is dropped."""
    if not fixes:
        return [], {}, module
    new_module, error = _try(module, fixes, path)
    if error is None:
        return fixes, {}, new_module
    # Rare path: add fixes one by one and keep each only if the file still compiles.
    kept: list[Fix] = []
    dropped: dict[int, str] = {}
    new_module = module
    for fix in fixes:
        candidate, error = _try(module, [*kept, fix], path)
        if error is None:
            kept.append(fix)
            new_module = candidate
        else:
            dropped[id(fix)] = error
    return kept, dropped, new_module


def _try(module: cst.Module, fixes: list[Fix], path: str) -> tuple[cst.Module, str | None]:
    try:
        new_module = _apply(module, fixes)
        return new_module, _compiles(new_module.code, path)
    except Exception as error:  # a rule's edit that LibCST cannot apply or print
        return module, f"{type(error).__name__}: {error}"
