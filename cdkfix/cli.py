"""The `cdkfix` command: apply, diff, check, rules, explain.

Exit codes follow ruff: 0 nothing pending (or everything applied), 1 fixes pending
(check, diff, apply --dry-run, or unsafe fixes held back; with --exit-non-zero-on-fix,
also a file changed by apply), 2 usage error (flags, a bad config file) or a file that
could not be processed. Suppressed fixes and unused suppressions never change it.
Results go to stdout in the --output-format chosen; errors (path:line: message) and the
summary go to stderr. See docs/ci.md.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path
from typing import List, Optional

import typer

from cdkfix import __version__

EXIT_CLEAN, EXIT_PENDING, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    name="cdkfix",
    help="Find flaws in AWS CDK v2 Python code, rewrite the source into fixed code, and report every fix.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich's help renderer alone costs ~150 ms of imports on every --help.
    rich_markup_mode=None,
)

PathsArg = typer.Argument(..., help="Files or folders to fix (folders are searched for .py files).")
SelectOpt = typer.Option(None, "--select", help="Only these rules: codes (CDK-B12 or B12), prefixes (CDK-A) or ALL. Repeatable; commas allowed.")
IgnoreOpt = typer.Option(None, "--ignore", help="Skip these rule codes (or prefixes). Repeatable; commas allowed.")
ExtendSelectOpt = typer.Option(None, "--extend-select", help="Rule codes (or prefixes) to add to the selection. Repeatable; commas allowed.")
UnsafeOpt = typer.Option(None, "--unsafe-fixes/--no-unsafe-fixes", help="Also apply unsafe fixes (they change data lifetime, cost or access). Default: the config file's unsafe-fixes, else no.")
ConfigOpt = typer.Option(None, "--config", help="Use this configuration file (pyproject.toml or cdkfix.toml) for every path instead of the nearest one.")
IsolatedOpt = typer.Option(False, "--isolated", help="Ignore every configuration file.")
JobsOpt = typer.Option(None, "--jobs", "-j", help="Worker processes (default: the number of CPUs).")
ReportOpt = typer.Option(None, "--report", help="Write a report of the fixes to FILE (Markdown, or JSON when FILE ends in .json).")
ReportFormatOpt = typer.Option(None, "--report-format", help="markdown or json (default: from the --report file's extension).")
OUTPUT_FORMATS = ("text", "json", "sarif", "github")
OutputFormatOpt = typer.Option(
    "text", "--output-format", envvar="CDKFIX_OUTPUT_FORMAT",
    help="What goes to stdout: text (check: one line a finding; --dry-run: a diff), json (every fix with its diff), "
    "sarif (2.1.0, for GitHub code scanning) or github (workflow-command annotations).",
)
# --verify (cdkfix/verify/): synthesis before and after the fixes. It RUNS THE USER'S CODE.
VerifyOpt = typer.Option(
    False, "--verify",
    help="Synthesize each CDK app under PATHS (a folder with cdk.json) offline before and after the fixes, "
    "roll back fixes that break synthesis, and report resource and cdk-nag changes. "
    "WARNING: this RUNS THE APPS' OWN CODE (the cdk.json \"app\" command); without --verify cdkfix never runs it.",
)
PythonOpt = typer.Option(None, "--python", help="With --verify: the Python that runs the apps (default: the one running cdkfix).")
TimeoutOpt = typer.Option(300.0, "--timeout", min=1, help="With --verify: seconds one synthesis may take.")
ForceOpt = typer.Option(False, "--force", help="With --verify: also write the fixes of an app that fails to synthesize before them or cannot be verified.")
NoCacheOpt = typer.Option(
    False, "--no-cache",
    help="Neither read nor write the cache (findings of unchanged files, syntheses of --verify); see `cdkfix clean`.",
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cdkfix {__version__}")
        raise typer.Exit(EXIT_CLEAN)


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."),
) -> None:
    """cdkfix: fixes for AWS CDK v2 Python code."""


def _split_codes(values: Optional[List[str]]) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def _fail_usage(message: str) -> None:
    typer.echo(f"cdkfix: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def build_config(
    *,
    select: Optional[List[str]] = None,
    extend_select: Optional[List[str]] = None,
    ignore: Optional[List[str]] = None,
    unsafe_fixes: Optional[bool] = None,
    config_file: Optional[Path] = None,
    isolated: bool = False,
):
    """Command-line flags -> a RunConfig; each file's nearest config file fills in the rest."""
    from cdkfix.config import ConfigError, build_run_config

    if config_file is not None and isolated:
        _fail_usage("--config and --isolated cannot be used together")
    try:
        return build_run_config(
            select=_split_codes(select) or None,
            extend_select=_split_codes(extend_select),
            ignore=_split_codes(ignore),
            unsafe_fixes=unsafe_fixes,
            config_file=config_file,
            isolated=isolated,
        )
    except ConfigError as error:
        _fail_config(error)


def _fail_config(error) -> None:
    """A bad configuration file (or flag): `path:line: message` on stderr, exit 2."""
    if error.path == "command line":
        _fail_usage(error.message)
    from cdkfix.run import display_path

    shown = display_path(Path(error.path))
    if shown.startswith(".."):
        shown = error.path
    typer.echo(f"{shown}:{error.line}: {error.message}" if error.line else f"{shown}: {error.message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def _progress(total: int):
    """A progress bar on stderr for long runs on a terminal; otherwise nothing."""
    if total < 30 or not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    progress = Progress(transient=True, console=_stderr_console())
    task = progress.add_task("cdkfix", total=total)
    progress.start()
    return progress, task


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _verify_options(verify: bool, python: Optional[str], timeout: float, force: bool):
    """VerifyOptions for --verify, or None; --python/--force alone are usage errors."""
    if not verify:
        if python is not None or force:
            _fail_usage("--python and --force only apply with --verify")
        return None
    from cdkfix.verify import VerifyOptions

    return VerifyOptions(python=python, timeout=timeout, force=force)


def _execute(paths, config, *, write: bool, jobs: Optional[int], verify=None, cache: bool = True):
    from cdkfix.run import run

    check_cache = None
    if cache:
        from cdkfix.cache import Cache
        from cdkfix.check_cache import CheckCache

        check_cache = CheckCache(Cache.default("check"))
        if verify is not None:
            verify.cache = Cache.default("synth")
    if verify is not None:
        from cdkfix.verify import run_verified

        run = partial(run_verified, options=verify, progress=lambda message: typer.echo(message, err=True))
    state: dict = {}

    def on_start(total: int) -> None:
        state["bar"] = _progress(total)

    def on_file(result) -> None:
        if state.get("bar"):
            progress, task = state["bar"]
            progress.advance(task)

    from cdkfix.config import ConfigError

    try:
        return run(paths, config, write=write, jobs=jobs or os.cpu_count() or 1, on_start=on_start, on_file=on_file, cache=check_cache)
    except ConfigError as error:  # a config file found next to the files is invalid
        _fail_config(error)
    finally:
        if state.get("bar"):
            state["bar"][0].stop()


def _print_errors(outcome) -> None:
    for error in outcome.all_errors:
        typer.echo(str(error), err=True)


def _write_report(outcome, report: Optional[Path], report_format: Optional[str], paths, dry_run: bool) -> None:
    if report is None:
        return
    fmt = (report_format or ("json" if report.suffix.lower() == ".json" else "markdown")).lower()
    if fmt == "json":
        from cdkfix.report.json_format import render
        from cdkfix.verify.report import json_data

        text = render(
            outcome.fixes, outcome.all_errors, notices=outcome.notices if dry_run else (),
            extra=json_data(getattr(outcome, "verification", None)),
        )
    elif fmt in ("markdown", "md"):
        from cdkfix.report.markdown import render
        from cdkfix.verify.report import markdown_section

        text = render(
            outcome.fixes, targets=[str(path) for path in paths], errors=outcome.all_errors, dry_run=dry_run,
            extra_sections=markdown_section(getattr(outcome, "verification", None)),
        )
    else:
        _fail_usage(f"unknown report format {fmt!r} (markdown or json)")
    try:
        report.write_text(text, encoding="utf-8")
    except OSError as error:
        _fail_usage(f"cannot write report {report}: {error.strerror or error}")
    typer.echo(f"Report written to {report}", err=True)


def _print_diffs(outcome) -> None:
    from cdkfix.report.diff import unified_diff

    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for result in outcome.changed:
        try:
            old = Path(result.path).read_bytes()
        except OSError:
            continue
        text = unified_diff(result.path, old, result.new_source)
        if color:
            text = "".join(_colour(line) for line in text.splitlines(keepends=True))
        sys.stdout.write(text)
    sys.stdout.flush()


def _check_output_format(output_format: str) -> str:
    fmt = output_format.strip().lower()
    if fmt not in OUTPUT_FORMATS:
        _fail_usage(f"unknown output format {output_format!r} ({', '.join(OUTPUT_FORMATS)})")
    return fmt


def _emit(outcome, fmt: str, *, mode: str) -> None:
    """Results on stdout in the chosen format. `mode`: check, dry-run or apply (files written).

    Unused suppressions are reported in check mode only. SARIF and github list the findings
    still in the source afterwards (after apply: the unsafe ones held back, and failures).
    """
    notices = outcome.notices if mode == "check" else []
    written = mode == "apply"
    if fmt == "text":
        if mode == "check":
            from cdkfix.report.text import render

            sys.stdout.write(render(outcome.fixes, notices))
        elif mode == "dry-run":
            _print_diffs(outcome)
    elif fmt == "json":
        from cdkfix.report.json_format import render

        sys.stdout.write(render(outcome.fixes, outcome.all_errors, notices=notices,
                                extra={"mode": mode, "summary": _counts(outcome)}))
    elif fmt == "sarif":
        from cdkfix.registry import all_rules
        from cdkfix.report.sarif import render

        sys.stdout.write(render(outcome.fixes, notices, outcome.all_errors, rules=all_rules(), written=written))
    elif fmt == "github":
        from cdkfix.report.github import render

        sys.stdout.write(render(outcome.fixes, notices, outcome.all_errors, written=written))
    sys.stdout.flush()


def _apply_interactively(paths, config, jobs, cache: bool = True):
    """Ask about each fix (its own diff on stdout), then write the accepted ones; the outcome with statuses updated."""
    from cdkfix.interactive import ACCEPT, QUIT, SKIP, ask_each, candidates, write_accepted
    from cdkfix.records import FixStatus

    config.fix_hunks = True
    outcome = _execute(paths, config, write=False, jobs=jobs, cache=cache)
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    answers = {"a": ACCEPT, "accept": ACCEPT, "y": ACCEPT, "yes": ACCEPT,
               "s": SKIP, "skip": SKIP, "n": SKIP, "no": SKIP, "q": QUIT, "quit": QUIT}

    def ask(number: int, total: int, fix) -> str:
        typer.echo(f"\n[{number}/{total}] {fix.path}:{fix.line}: {fix.code} {fix.title} ({fix.safety} fix)")
        typer.echo(f"{fix.message}")
        text = fix.diff or f"--- before\n{fix.before}\n+++ after\n{fix.after}\n"
        sys.stdout.write("".join(_colour(line) for line in text.splitlines(keepends=True)) if color else text)
        while True:
            try:
                reply = typer.prompt("Apply this fix? [a]ccept, [s]kip, [q]uit", default="", show_default=False)
            except (typer.Abort, EOFError):  # end of input: stop asking, keep what was accepted
                typer.echo("")
                return QUIT
            choice = answers.get(reply.strip().lower())
            if choice:
                return choice
            typer.echo("Please answer a (accept), s (skip) or q (quit).")

    choices = ask_each(candidates(outcome), ask)
    written, errors = write_accepted(outcome, choices.accepted, config)
    outcome.written = written
    outcome.errors.extend(errors)
    accepted = {fix.id for fix in choices.accepted}
    for fix in outcome.fixes:
        if fix.status is not FixStatus.APPLIED:
            continue
        if fix.id not in accepted:
            fix.status, fix.detail = FixStatus.SKIPPED, "skipped interactively"
        elif fix.path not in written:
            fix.status, fix.detail = FixStatus.DROPPED, "file not written"
    return outcome


def _counts(outcome) -> dict:
    from collections import Counter

    statuses = Counter(fix.status.value for fix in outcome.fixes)
    return {
        "files_checked": outcome.files_seen,
        "files_changed": len(outcome.written) or len({fix.path for fix in outcome.fixes if fix.status.value == "applied"}),
        "fixes": dict(sorted(statuses.items())),
        "unused_suppressions": len(outcome.notices),
        "errors": len(outcome.all_errors),
    }


def _colour(line: str) -> str:
    if line.startswith(("+++", "---")):
        return f"\033[1m{line.rstrip()}\033[0m\n"
    if line.startswith("+"):
        return f"\033[32m{line.rstrip()}\033[0m\n"
    if line.startswith("-"):
        return f"\033[31m{line.rstrip()}\033[0m\n"
    if line.startswith("@@"):
        return f"\033[36m{line.rstrip()}\033[0m\n"
    return line


def _summary(outcome, *, applied_verb: str) -> str:
    from cdkfix.records import FixStatus

    applied = [fix for fix in outcome.fixes if fix.status is FixStatus.APPLIED]
    held = [fix for fix in outcome.fixes if fix.status is FixStatus.UNSAFE]
    files = len({fix.path for fix in applied})
    text = f"{len(applied)} fix{'es' if len(applied) != 1 else ''} {applied_verb} in {files} file{'s' if files != 1 else ''}"
    if held:
        text += f"; {len(held)} unsafe fix{'es' if len(held) != 1 else ''} held back (use --unsafe-fixes)"
    skipped = sum(fix.status is FixStatus.SKIPPED for fix in outcome.fixes)
    if skipped:
        text += f"; {skipped} skipped"
    manual = sum(fix.status is FixStatus.NO_FIX for fix in outcome.fixes)
    if manual:
        text += f"; {manual} finding{'s' if manual != 1 else ''} without an automatic fix"
    suppressed = sum(fix.status is FixStatus.SUPPRESSED for fix in outcome.fixes)
    if suppressed:
        text += f"; {suppressed} suppressed"
    return text + f" ({outcome.files_seen} files checked)."


def _exit_code(outcome, *, pending_is_failure: bool, changed_is_failure: bool = False) -> int:
    """2 on any error; 1 when fixes are pending (check, diff, dry run), unsafe fixes were held
    back, a finding has no automatic fix, or (with --exit-non-zero-on-fix) a file was changed; else 0. Suppressed fixes and
    unused suppressions never change it."""
    from cdkfix.records import FixStatus

    if outcome.all_errors:
        return EXIT_ERROR
    statuses = {fix.status for fix in outcome.fixes}
    # A finding without a fix stays open after any run, as a held-back unsafe fix does.
    if FixStatus.UNSAFE in statuses or FixStatus.NO_FIX in statuses or (pending_is_failure and FixStatus.APPLIED in statuses):
        return EXIT_PENDING
    if changed_is_failure and outcome.written:
        return EXIT_PENDING
    return EXIT_CLEAN


@app.command()
def apply(
    paths: List[Path] = PathsArg,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print a unified diff and write nothing."),
    interactive: bool = typer.Option(False, "--interactive", "-i", help="Show each fix as a diff and ask: accept, skip or quit."),
    exit_non_zero_on_fix: bool = typer.Option(False, "--exit-non-zero-on-fix", help="Exit 1 when a file was changed (for pre-commit hooks and bots)."),
    output_format: str = OutputFormatOpt,
    report: Optional[Path] = ReportOpt,
    report_format: Optional[str] = ReportFormatOpt,
    select: Optional[List[str]] = SelectOpt,
    extend_select: Optional[List[str]] = ExtendSelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    unsafe_fixes: Optional[bool] = UnsafeOpt,
    config_file: Optional[Path] = ConfigOpt,
    isolated: bool = IsolatedOpt,
    jobs: Optional[int] = JobsOpt,
    verify: bool = VerifyOpt,
    python: Optional[str] = PythonOpt,
    timeout: float = TimeoutOpt,
    force: bool = ForceOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """Rewrite every flawed CDK file under PATHS in place (or show the diff with --dry-run).

    Plain apply only reads and rewrites source files; it never runs your code. --verify does:
    it synthesizes each CDK app before and after the fixes.
    """
    fmt = _check_output_format(output_format)
    config = build_config(
        select=select, extend_select=extend_select, ignore=ignore, unsafe_fixes=unsafe_fixes,
        config_file=config_file, isolated=isolated,
    )
    verify_options = _verify_options(verify, python, timeout, force)
    if interactive:
        if dry_run:
            _fail_usage("--interactive and --dry-run cannot be used together")
        if fmt != "text":
            _fail_usage("--interactive shows diffs and asks; it works with --output-format text only")
        if verify_options is not None:
            _fail_usage("--interactive and --verify cannot be used together")
        outcome = _apply_interactively(paths, config, jobs, cache=not no_cache)
        _print_errors(outcome)
        _write_report(outcome, report, report_format, paths, False)
        typer.echo(_summary(outcome, applied_verb="applied"), err=True)
        raise typer.Exit(_exit_code(outcome, pending_is_failure=False, changed_is_failure=exit_non_zero_on_fix))
    config.fix_hunks = fmt == "json"
    outcome = _execute(paths, config, write=not dry_run, jobs=jobs, verify=verify_options, cache=not no_cache)
    _emit(outcome, fmt, mode="dry-run" if dry_run else "apply")
    _print_errors(outcome)
    _write_report(outcome, report, report_format, paths, dry_run)
    typer.echo(_summary(outcome, applied_verb="would be applied" if dry_run else "applied"), err=True)
    raise typer.Exit(_exit_code(outcome, pending_is_failure=dry_run, changed_is_failure=exit_non_zero_on_fix))


@app.command()
def diff(
    paths: List[Path] = PathsArg,
    output_format: str = OutputFormatOpt,
    report: Optional[Path] = ReportOpt,
    report_format: Optional[str] = ReportFormatOpt,
    select: Optional[List[str]] = SelectOpt,
    extend_select: Optional[List[str]] = ExtendSelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    unsafe_fixes: Optional[bool] = UnsafeOpt,
    config_file: Optional[Path] = ConfigOpt,
    isolated: bool = IsolatedOpt,
    jobs: Optional[int] = JobsOpt,
    verify: bool = VerifyOpt,
    python: Optional[str] = PythonOpt,
    timeout: float = TimeoutOpt,
    force: bool = ForceOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """Print the fixes as a unified diff; write nothing (same as apply --dry-run)."""
    apply(
        paths=paths, dry_run=True, interactive=False, exit_non_zero_on_fix=False, output_format=output_format,
        report=report, report_format=report_format, select=select, extend_select=extend_select, ignore=ignore, unsafe_fixes=unsafe_fixes,
        config_file=config_file, isolated=isolated, jobs=jobs, verify=verify, python=python, timeout=timeout, force=force,
        no_cache=no_cache,
    )


@app.command()
def check(
    paths: List[Path] = PathsArg,
    output_format: str = OutputFormatOpt,
    select: Optional[List[str]] = SelectOpt,
    extend_select: Optional[List[str]] = ExtendSelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    unsafe_fixes: Optional[bool] = UnsafeOpt,
    config_file: Optional[Path] = ConfigOpt,
    isolated: bool = IsolatedOpt,
    jobs: Optional[int] = JobsOpt,
    report: Optional[Path] = ReportOpt,
    report_format: Optional[str] = ReportFormatOpt,
    verify: bool = VerifyOpt,
    python: Optional[str] = PythonOpt,
    timeout: float = TimeoutOpt,
    force: bool = ForceOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """List pending fixes without writing; exit 1 when any is pending."""
    fmt = _check_output_format(output_format)
    config = build_config(
        select=select, extend_select=extend_select, ignore=ignore, unsafe_fixes=unsafe_fixes,
        config_file=config_file, isolated=isolated,
    )
    config.fix_hunks = fmt == "json"
    verify_options = _verify_options(verify, python, timeout, force)
    config.snippets = fmt in ("json", "sarif") or report is not None or verify_options is not None
    # Nothing shows the fixed code: no need for black to lay it out (see RunConfig).
    config.format_inserted = config.snippets or config.fix_hunks
    outcome = _execute(paths, config, write=False, jobs=jobs, verify=verify_options, cache=not no_cache)
    _emit(outcome, fmt, mode="check")
    _print_errors(outcome)
    _write_report(outcome, report, report_format, paths, True)
    typer.echo(_summary(outcome, applied_verb="pending"), err=True)
    raise typer.Exit(_exit_code(outcome, pending_is_failure=True))


@app.command()
def rules(
    output_format: str = typer.Option("table", "--format", help="table, markdown or json."),
) -> None:
    """List every rule with its code, category, safety and title."""
    from cdkfix.registry import all_rules

    found = all_rules()
    if output_format == "json":
        import json

        rows = [
            {"code": r.code, "name": r.name, "title": r.title, "category": r.category.value,
             "kind": r.kind.value, "safety": r.safety.value}
            for r in found
        ]
        typer.echo(json.dumps(rows, indent=2))
    elif output_format == "markdown":
        typer.echo("| Code | Name | Category | Safety | Title |\n|---|---|---|---|---|")
        for r in found:
            typer.echo(f"| {r.code} | {r.name} | {r.category.value} | {r.safety.value} | {r.title} |")
    elif output_format == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"cdkfix {__version__}: {len(found)} rules")
        for column in ("Code", "Name", "Cat.", "Safety", "Title"):
            table.add_column(column)
        for r in found:
            table.add_row(r.code, r.name, r.category.value, r.safety.value, r.title)
        Console().print(table)
    else:
        _fail_usage(f"unknown format {output_format!r} (table, markdown or json)")


@app.command()
def clean() -> None:
    """Empty cdkfix's cache (findings of unchanged files, --verify syntheses); CDKFIX_CACHE_DIR moves it."""
    from cdkfix.cache import clean as clean_cache, default_root

    root = default_root()
    removed = clean_cache(root)
    typer.echo(f"cdkfix: removed {len(removed)} cache folder{'s' if len(removed) != 1 else ''} from {root}", err=True)


@app.command()
def explain(code: str = typer.Argument(..., help="A rule code (CDK-A1, A1) or name.")) -> None:
    """Why a rule's finding is a flaw, an example of the flawed and fixed code, and the impact."""
    from cdkfix.explain import explain_text
    from cdkfix.registry import find_rule

    rule = find_rule(code)
    if rule is None:
        _fail_usage(f"unknown rule {code!r} (see `cdkfix rules`)")
    typer.echo(explain_text(rule))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
