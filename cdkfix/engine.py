"""One file through the pipeline: parse once, run every selected rule, apply, check, record."""

from __future__ import annotations

import os
import queue
import re
import sys
import threading
from functools import lru_cache
from typing import Sequence

import libcst as cst

from cdkfix import formatting, parsing, placement, suppressions, traverse
from cdkfix.config import RunConfig
from cdkfix.edits import ApplyEdits, ChangeNode, add_imports, statement_snippet
from cdkfix.names import ImportMap
from cdkfix.node_index import NodeIndex
from cdkfix.positions import node_spans
from cdkfix.records import FileError, FileResult, FixRecord, FixStatus
from cdkfix.rule import FileContext, Fix, Rule, Safety
from cdkfix.splice import CannotSplice, has_mixed_endings, neighbour_endings, splice
from cdkfix import statement_text
from cdkfix.statement_text import StatementText, Unmapped

CDK_MARKER = b"aws_cdk"
# A module of cdk-nag suppression helpers may import only cdk_nag (the nag_v3 migration's input).
NAG_MODULE_MARKER = b"cdk_nag"


class RuleRunner:
    """Dispatches one traversal to every rule's visit_/leave_ methods (Fixit's batched visitor).

    The traversal enters only the nodes some rule has a handler for, from the file's
    `NodeIndex`, in the order (and with the leave_ calls in the places) a walk of the whole
    tree would give. Return values of visit_ methods are ignored: every rule sees every node.
    """

    def __init__(self, rules: Sequence[Rule], context: FileContext) -> None:
        self.context = context
        visits, leaves = _dispatch_table(tuple(type(rule) for rule in rules))
        # Bound here: a rule may shadow a method with an instance attribute.
        self.visitors: dict[str, list] = {
            name: [getattr(rules[i], attribute) for i, attribute in entries] for name, entries in visits.items()
        }
        self.leavers: dict[str, list] = {
            name: [getattr(rules[i], attribute) for i, attribute in entries] for name, entries in leaves.items()
        }
        # visit_Call goes only to the rules whose `calls`/`call_names` match the call: a
        # file has thousands of calls and most rules care about one or two CDK classes.
        self._call_filters = [
            (getattr(rules[i], attribute), rules[i].calls, rules[i].call_names) for i, attribute in visits.get("Call", ())
        ]
        self._filter_calls = any(calls is not None for _, calls, _ in self._call_filters)
        self._by_callee: dict[tuple, list] = {}

    def _call_visitors(self, node: cst.Call) -> list:
        """The visit_Call methods for `node`, in rule order."""
        func = node.func
        kind = type(func)
        last = func.attr.value if kind is cst.Attribute else func.value if kind is cst.Name else None
        # Resolved now, with the imports as they are (a fix may add one); rules that ask
        # again get the same answer from the import map's memo.
        qualified = self.context.imports.resolve(func)
        methods = self._by_callee.get((qualified, last))
        if methods is None:
            methods = [
                method
                for method, calls, names in self._call_filters
                if calls is None or qualified in calls or last in names
            ]
            self._by_callee[(qualified, last)] = methods
        return methods

    def run(self, module: cst.Module, index: NodeIndex | None = None) -> None:
        if index is None:
            index = NodeIndex(module)
        context = self.context
        visitors, leavers = self.visitors, self.leavers
        filter_calls = self._filter_calls
        nodes, ends = index.nodes, index.ends
        context.index = index
        pending: list[int] = []  # entered nodes with leave_ handlers, innermost last
        try:
            for at in index.positions(visitors.keys() | leavers.keys()):
                while pending and ends[pending[-1]] <= at:
                    self._leave(pending.pop(), nodes)
                context.position = at
                node = nodes[at]
                name = type(node).__name__
                if filter_calls and name == "Call":
                    for method in self._call_visitors(node):
                        method(node)
                else:
                    for method in visitors.get(name, ()):
                        method(node)
                if name in leavers:
                    pending.append(at)
            while pending:
                self._leave(pending.pop(), nodes)
        finally:
            context.position = -1

    def _leave(self, at: int, nodes: list) -> None:
        self.context.position = at  # during leave_ the node is still the current one
        node = nodes[at]
        for method in self.leavers[type(node).__name__]:
            method(node)


@lru_cache(maxsize=64)
def _dispatch_table(
    rule_types: tuple[type, ...],
) -> tuple[dict[str, list[tuple[int, str]]], dict[str, list[tuple[int, str]]]]:
    """Node class name -> (rule number, method name) of the rules' visit_/leave_ methods, in
    rule order. `dir()` of every rule class costs more than a small file's traversal, and the
    selection of rules rarely changes between files."""
    visits: dict[str, list[tuple[int, str]]] = {}
    leaves: dict[str, list[tuple[int, str]]] = {}
    for number, rule_type in enumerate(rule_types):
        for attribute in dir(rule_type):
            if attribute.startswith("visit_"):
                visits.setdefault(attribute[6:], []).append((number, attribute))
            elif attribute.startswith("leave_"):
                leaves.setdefault(attribute[6:], []).append((number, attribute))
    return visits, leaves


def _apply(module: cst.Module, fixes: Sequence[Fix]) -> tuple[cst.Module, dict]:
    """The fixed module, and each statement it rebuilt -> the original statement."""
    edits = [edit for fix in fixes for edit in fix.edits]
    applier = ApplyEdits(edits, module=module)
    changed = module.visit(applier) if edits else module
    targets = {edit.target for edit in edits if isinstance(edit, ChangeNode)}
    if not targets <= applier.applied:
        # A change outside the statement its rule named: enter everything on the way.
        applier = ApplyEdits(edits, module=module, narrow=False)
        changed = module.visit(applier)
    return add_imports(changed, [imp for fix in fixes for imp in fix.imports], applier.origins), applier.origins


def _compiles(code: str | bytes, path: str) -> str | None:
    """None when `code` compiles, else the compiler's message."""
    try:
        compile(code, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def find_fixes(module: cst.Module, imports: ImportMap, path: str, config: RunConfig) -> list[Fix]:
    index = NodeIndex(module)
    # Before any rule resolves a name (or, in its __init__, snapshots the import map): a CDK
    # name the file rebinds is resolved by scope.
    imports.use_scopes(index)
    context = FileContext(module, imports, path, config.line_length)
    context.selected = frozenset(rule.code for rule in config.rules)
    rules = [rule_class(context, config.rule_options.get(rule_class.code)) for rule_class in config.rules]
    # Rules' own walks of the file's nodes (visit_readonly) use the index too.
    with traverse.indexed(index):
        RuleRunner(rules, context).run(module, index)
        # Code that cannot go where its rule puts it (a name not yet bound, a construct made
        # only in some cases, a name bound to something else there) becomes "no fix".
        return placement.vet(context.fixes, index, imports)


def _record(fix: Fix, path: str, spans: dict, snippets: bool = True) -> FixRecord:
    anchors = list(dict.fromkeys([fix.anchor, *(edit.statement for edit in fix.edits)]))
    anchors.sort(key=lambda node: spans.get(node, (0,)))
    starts = [spans[node][0] for node in anchors if node in spans]
    ends = [spans[node][2] for node in anchors if node in spans]
    befores, afters = [], []
    for anchor in anchors if snippets else ():
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
        status=FixStatus.APPLIED,
        line=line,
        column=column + 1,
        node_end_line=end_line,
        node_end_column=end_column + 1,
    )


def too_large(path: str, size: int, limit: int) -> FileError:
    return FileError(
        path, 0,
        f"file too large to analyse ({size:,} bytes; max-file-size is {limit:,}), skipped: "
        "raise max-file-size in the configuration to analyse it",
    )


def _nesting_error(source: bytes) -> tuple[int, str] | None:
    """Line and message saying why the file is too deeply nested to analyse, before LibCST
    sees it (None: it is not).

    Two kinds of depth. Brackets: CPython refuses more than 200 nested ones, and LibCST's
    native parser can crash on a few thousand; CPython's own compiler then says exactly
    what is wrong. Chains: `2 ** 2 ** ...`, `a.b.b...`, `a()()...`, `not not ...`, `- - a`
    nest each node in the next, and LibCST's time and memory grow faster than their
    length (a thousand links take about a second; twenty thousand took minutes and tens of
    gigabytes). Counting bytes first keeps the common file at a few `bytes.count` calls.
    """
    brackets = source.count(b"(") + source.count(b"[") + source.count(b"{")
    if brackets <= _BRACKET_LIMIT:
        links = len(source) - len(source.translate(None, _CHAIN_BYTES)) + sum(map(source.count, _CHAIN_WORDS))
        if links + brackets <= _CHAIN_LIMIT:
            return None  # cannot nest deeper than it has brackets and operators
    deepest_brackets, deepest_chain, where = _depths(source)
    if deepest_brackets > _BRACKET_LIMIT:
        try:
            compile(source, "<cdkfix>", "exec", dont_inherit=True)
        except SyntaxError as error:
            return 1, f"syntax error: {error.msg} (line {error.lineno})"
        except (ValueError, MemoryError, RecursionError) as error:
            return 1, f"syntax error: {str(error) or type(error).__name__}"
    if deepest_chain > _CHAIN_LIMIT:
        line = source.count(b"\n", 0, where) + 1
        return line, f"too deeply nested to analyse: an expression chains more than {_CHAIN_LIMIT} operations, skipped"
    return None


def _depths(source: bytes) -> tuple[int, int, int]:
    """The deepest bracket nesting, the longest chain of nested operations (a bracket is
    one link of its outer chain) and the offset where that chain is longest. Strings and
    comments are skipped; commas, colons, assignments, comparisons and ends of statements
    start a new chain, as they do in the tree (a long list or a long `and` is flat)."""
    counts = [0]  # links of the chain at each open bracket, outermost first
    lambdas = [0]  # lambdas at each open bracket whose colon is still to come
    total = deepest = deepest_brackets = where = 0  # total: sum(counts)
    for match in _TOKENS.finditer(source):
        kind = match.lastgroup
        if kind == "op":
            counts[-1] += 1
            total += 1
        elif kind == "open":
            counts[-1] += 1
            total += 1
            counts.append(0)
            lambdas.append(0)
            if len(counts) > deepest_brackets:
                deepest_brackets = len(counts)
        elif kind == "close":
            if len(counts) > 1:
                total -= counts.pop()
                lambdas.pop()
            continue
        elif kind == "lambda":  # its body, after the colon, nests in it
            counts[-1] += 1
            total += 1
            lambdas[-1] += 1
        elif kind == "colon" and lambdas[-1]:
            lambdas[-1] -= 1
            continue
        elif kind in ("reset", "colon") or (kind == "newline" and len(counts) == 1):
            total -= counts[-1]
            counts[-1] = 0
            continue
        else:
            continue
        if total > deepest:
            deepest, where = total, match.start()
    return max(deepest_brackets - 1, 0), deepest, where


_BRACKET_LIMIT = 200
# The longest chain analysed: real code stays far below it (a long fluent chain has tens
# of links), and LibCST takes up to about a second for a thousand.
_CHAIN_LIMIT = 1000
_CHAIN_BYTES = b".+-*/%@&|^~"
_CHAIN_WORDS = (b"not", b"else", b"lambda", b"await")
_TOKENS = re.compile(
    rb"""
    '''(?:[^'\\]|\\.|'(?!''))*'''           # strings and comments: no group, skipped
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    | '(?:[^'\\\r\n]|\\.)*'
    | "(?:[^"\\\r\n]|\\.)*"
    | \#[^\r\n]*
    | \\\r?\n                                # a continued line goes on
    | (?P<newline>[\r\n])
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    | (?P<reset>\*\*=|//=|<<=|>>=|==|!=|<=|>=|->|:=|[-+*/%@&|^]=|[,;=]|<(?!<)|>(?!>))
    | (?P<colon>:)
    | (?P<lambda>\blambda\b)
    | (?P<op>\*\*|//|<<|>>|[-+*/%@&|^~.]|\b(?:not|else|await)\b)
    """,
    re.S | re.X,
)


# Deeply nested (but valid) code makes LibCST recurse deeply; a worker thread with a large
# stack lets it, instead of the process crashing or giving up on the file. The nesting
# guard bounds the depth (200 brackets, chains of 1,000): on Python 3.11 the deepest file it
# lets through needs 4 MB of stack, and 2 MB crash. 64 MB leaves room for Python 3.10, whose
# every Python call also uses the C stack, and costs little address space: a 512 MB stack
# made every file fail ("can't start new thread") under a 600 MB `ulimit -v` with 2 jobs.
# When no such thread can be started, smaller ones are tried, then the calling thread.
_STACK_SIZES = (64 * 1024 * 1024, 16 * 1024 * 1024)
_RECURSION_LIMIT = 30_000


def _codes(config: RunConfig) -> dict:
    """The codes of the rules that ran on this file, and every code a suppression may name."""
    from cdkfix.registry import all_rules

    selected = {rule.code for rule in config.rules}
    return {"selected": selected, "known": selected | {rule.code for rule in all_rules()}}


def fix_module(source: bytes, path: str, config: RunConfig) -> FileResult:
    """Run the selected rules over one file's bytes; never raises for bad input."""
    result = FileResult(path=path)
    if b"\0" in source:
        result.errors.append(FileError(path, 1, "binary file (contains NUL bytes), skipped"))
        return result
    if CDK_MARKER not in source and NAG_MODULE_MARKER not in source:
        return result  # no CDK: not even parsed
    config = config.for_file(path)  # its config file, per-file ignores
    if config.max_file_size and len(source) > config.max_file_size:
        result.errors.append(too_large(path, len(source), config.max_file_size))
        return result
    nesting = _nesting_error(source)
    if nesting is not None:
        result.errors.append(FileError(path, *nesting))
        return result
    outcome: list = []

    def work() -> None:
        try:
            # Also while the edits are applied: some compute their new code only then.
            with formatting.black_formatting(config.format_inserted):
                _fix_parsed(source, path, config, result)
        except RecursionError:
            result.errors.append(FileError(path, 1, "too deeply nested to analyse"))
        except BaseException as error:  # handed to the calling thread
            outcome.append(error)

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
    try:
        _BIG_STACK.run(work)
    finally:
        sys.setrecursionlimit(old_limit)
    if outcome:
        raise outcome[0]
    return result


class _BigStackThread:
    """One long-lived thread with a large stack that analyses the files, one at a time.

    Starting a thread with a large stack costs milliseconds (measured 7 ms for 512 MB, half
    the parse of a typical CDK file), so the engine starts one per process and keeps it.
    Where none can be started (little memory), the files are analysed in the calling thread.
    """

    def __init__(self) -> None:
        self._pid = -1

    def _start(self) -> bool:
        """Start the thread; False when the system refuses every stack size."""
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        old_stack = threading.stack_size()
        try:
            for size in _STACK_SIZES:
                try:
                    threading.stack_size(size)
                    thread = threading.Thread(target=self._serve, args=(self._tasks,), name="cdkfix engine", daemon=True)
                    thread.start()
                except (RuntimeError, MemoryError, ValueError):
                    continue  # "can't start new thread": the address space is too small
                self._thread = thread
                return True
        finally:
            threading.stack_size(old_stack)
        return False

    @staticmethod
    def _serve(tasks: queue.SimpleQueue) -> None:
        while True:
            work, done = tasks.get()
            try:
                work()  # never raises: `work` hands its errors to the caller
            finally:
                done.set()

    def run(self, work) -> None:
        if self._pid != os.getpid():
            # A new process (a forked worker): the parent's thread and lock are not its own.
            self._pid = os.getpid()
            self._lock = threading.Lock()
            self._thread = None
        with self._lock:  # one file at a time: callers on other threads wait their turn
            if (self._thread is None or not self._thread.is_alive()) and not self._start():
                work()  # no thread to be had: here, at this thread's depth (a RecursionError is caught)
                return
            done = threading.Event()
            self._tasks.put((work, done))
            done.wait()


_BIG_STACK = _BigStackThread()


def _syntax_error(source: bytes, path: str, error: cst.ParserSyntaxError) -> FileError:
    """CPython's own message and line where it has one: they are what users know."""
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as python_error:
        return FileError(path, python_error.lineno or error.raw_line, f"syntax error: {python_error.msg}")
    except (ValueError, RecursionError, MemoryError):
        pass
    return FileError(path, error.raw_line, f"syntax LibCST cannot parse: {error.message}")


def _fix_parsed(source: bytes, path: str, config: RunConfig, result: FileResult) -> None:
    try:
        module = parsing.parse_module(source)
    except cst.ParserSyntaxError as error:
        result.errors.append(_syntax_error(source, path, error))
        return
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        result.errors.append(FileError(path, 1, f"cannot decode: {error}"))
        return
    imports = ImportMap.from_module(module)
    if not imports.uses_cdk:
        return
    fixes = find_fixes(module, imports, path, config)
    comments = suppressions.parse_comments(source) if suppressions.MARKER in source else None
    if not fixes:
        if comments is not None and comments.directives:
            result.notices = suppressions.apply((), comments, (), path=path, **_codes(config))
        return

    # Lines of the file itself, not of LibCST's round trip (they differ where it is lossy).
    original = source.decode(module.encoding)
    render = _Renderer(module, source, original)
    spans = render.spans(fixes)
    records = {id(fix): _record(fix, path, spans, config.snippets) for fix in fixes}
    has_nag = any(marker in source for marker in suppressions.NAG_MARKERS)
    if comments is not None or has_nag:
        nag = suppressions.nag_acknowledgements(module, original) if has_nag else []
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
        if not fix.edits:
            record.status, record.detail = FixStatus.NO_FIX, fix.no_fix_reason or "no automatic fix"
        elif record.id in config.skip:
            record.status, record.detail = FixStatus.SKIPPED, "left out on request"
        elif fix.rule.safety is Safety.UNSAFE and not config.unsafe_fixes:
            record.status = FixStatus.UNSAFE
        else:
            wanted.append(fix)
    try:
        applied, dropped, new_text = _apply_compiling(module, source, wanted, path, render)
    except CannotSplice as error:
        applied, dropped, new_text = [], {}, None
        result.errors.append(FileError(path, 1, f"not written: {error}"))
        for fix in wanted:
            record = records[id(fix)]
            record.status, record.detail = FixStatus.DROPPED, str(error)
    for fix in wanted:
        if id(fix) in dropped:
            record = records[id(fix)]
            record.status, record.detail = FixStatus.DROPPED, dropped[id(fix)]
            result.errors.append(
                FileError(path, record.line, f"internal error in {fix.rule.code}: its fix did not compile ({record.detail}); fix dropped")
            )
    if config.fix_hunks:
        _add_hunks(module, source, fixes, records, dropped, path, render)
    result.fixes = sorted(records.values(), key=lambda record: (record.line, record.column, record.code))
    if applied and new_text is not None:
        result.new_source = new_text.encode(module.encoding)


# Unmapped: a file the fast path cannot vouch for. The others would be a bug in it: the
# file is still fixed correctly by the slow path (and tests run with STRICT, to see them).
_FAST_PATH_ERRORS = (Unmapped, AttributeError, TypeError, ValueError, IndexError, KeyError)


def _fast_path_failed() -> None:
    error = sys.exc_info()[1]
    if statement_text.STRICT and not isinstance(error, Unmapped):
        raise error
    return None


class _Renderer:
    """Spans of the fixed nodes and the fixed file's text, the fast way (only the touched
    statements generated: cdkfix.statement_text) where it can vouch for the result, else
    by generating the whole module and splicing the changes onto the original text."""

    def __init__(self, module: cst.Module, source: bytes, original: str) -> None:
        self.module = module
        self.original = original
        self.roundtrip: str | None = None
        self.mixed_endings: bool | None = None
        try:
            self.fast: StatementText | None = StatementText(module, source, original)
        except _FAST_PATH_ERRORS:
            self.fast = _fast_path_failed()

    def spans(self, fixes: Sequence[Fix]) -> dict:
        statements = [statement for fix in fixes for statement in [fix.anchor, *(edit.statement for edit in fix.edits)]]
        targets = {fix.node for fix in fixes}
        if self.fast is not None:
            try:
                return self.fast.spans(statements, targets)
            except _FAST_PATH_ERRORS:
                self.fast = _fast_path_failed()
        spans, self.roundtrip = node_spans(self.module, {*statements, *targets}, self.original)
        return spans

    def __call__(self, fixed: cst.Module, origins: dict) -> str:
        """The fixed file's text; raises CannotSplice when it cannot be made safely."""
        text = self._text(fixed, origins)
        if self.mixed_endings is None:
            self.mixed_endings = has_mixed_endings(self.original)
        return neighbour_endings(self.original, text) if self.mixed_endings else text

    def _text(self, fixed: cst.Module, origins: dict) -> str:
        if self.fast is not None:
            try:
                return self.fast.fixed_text(fixed, origins)
            except _FAST_PATH_ERRORS:
                _fast_path_failed()
        if self.roundtrip is None:
            self.roundtrip = self.module.code
        return splice(self.original, self.roundtrip, fixed.code)


def _add_hunks(
    module: cst.Module, source: bytes, fixes: list[Fix], records: dict, dropped: dict, path: str, render: _Renderer
) -> None:
    """Each fix applied alone to the original file, as a unified diff (whatever its status)."""
    from cdkfix.report.diff import unified_diff

    for fix in fixes:
        if id(fix) in dropped:
            continue
        try:
            alone, error = _try(module, [fix], path, _reparses, render)
        except CannotSplice:
            continue
        if error is None:
            records[id(fix)].diff = unified_diff(path, source, alone.encode(module.encoding))


def _apply_compiling(
    module: cst.Module, source: bytes, fixes: list[Fix], path: str, render: _Renderer
) -> tuple[list[Fix], dict[int, str], str]:
    """The fixes whose combined output is valid, and its code; a fix that breaks it is dropped."""
    if not fixes:
        return [], {}, ""
    original_error: list[str | None] = []

    def validate(code: str, path: str) -> str | None:
        error = _compiles(code, path)
        if error is None:
            return None
        # Only now ask whether the original compiles on this Python at all (newer syntax):
        # compiling a large file costs seconds, and the common case never gets here.
        if not original_error:
            original_error.append(_compiles(source, path))
        return error if original_error[0] is None else _reparses(code, path)

    new_code, error = _try(module, fixes, path, validate, render)
    if error is None:
        return fixes, {}, new_code
    # Rare path: add fixes one by one and keep each only if the file stays valid.
    kept: list[Fix] = []
    dropped: dict[int, str] = {}
    new_code = ""
    for fix in fixes:
        candidate, error = _try(module, [*kept, fix], path, validate, render)
        if error is None:
            kept.append(fix)
            new_code = candidate
        else:
            dropped[id(fix)] = error
    return kept, dropped, new_code


def _reparses(code: str, path: str) -> str | None:
    """For files this Python cannot compile (newer syntax): the output must at least parse."""
    try:
        cst.parse_module(code)
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def _try(module: cst.Module, fixes: list[Fix], path: str, validate, render: _Renderer) -> tuple[str, str | None]:
    """The file's text with `fixes` applied, and what is wrong with it (None: valid)."""
    try:
        # The text is made once here and is the file's new content.
        text = render(*_apply(module, fixes))
        return text, validate(text, path)
    except CannotSplice:
        raise
    except Exception as error:  # a rule's edit that LibCST cannot apply or print
        return "", f"{type(error).__name__}: {error}"
