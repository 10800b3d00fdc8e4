"""The `cdkfix` command: apply, diff, check, rules, explain.

Exit codes follow ruff: 0 nothing pending (or everything applied), 1 fixes pending
(check, diff, apply --dry-run, or unsafe fixes held back), 2 usage error or a file that
could not be processed. Results go to stdout, errors (file:line: message) to stderr.
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
)

PathsArg = typer.Argument(..., help="Files or folders to fix (folders are searched for .py files).")
SelectOpt = typer.Option(None, "--select", help="Only these rule codes (or prefixes: CDK-A, B1). Repeatable; commas allowed.")
IgnoreOpt = typer.Option(None, "--ignore", help="Skip these rule codes (or prefixes). Repeatable; commas allowed.")
UnsafeOpt = typer.Option(None, "--unsafe-fixes/--no-unsafe-fixes", help="Also apply unsafe fixes (they change data lifetime, cost or access).")
JobsOpt = typer.Option(None, "--jobs", "-j", help="Worker processes (default: the number of CPUs).")
ReportOpt = typer.Option(None, "--report", help="Write a report of the fixes to FILE (Markdown, or JSON when FILE ends in .json).")
ReportFormatOpt = typer.Option(None, "--report-format", help="markdown or json (default: from the --report file's extension).")
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


def build_config(paths, select, ignore, unsafe_fixes):
    from cdkfix.config import RunConfig, select_rules
    from cdkfix.registry import all_rules, find_rule

    selected, ignored = _split_codes(select), _split_codes(ignore)
    for code in [*selected, *ignored]:
        if code.upper() != "ALL" and not any(
            rule.code.upper().startswith(code.upper()) or rule.code.upper().removeprefix("CDK-").startswith(code.upper())
            for rule in all_rules()
        ) and find_rule(code) is None:
            _fail_usage(f"unknown rule code {code!r} (see `cdkfix rules`)")
    rules = select_rules(all_rules(), selected or None, ignored or None)
    return RunConfig(rules=rules, unsafe_fixes=bool(unsafe_fixes))


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


def _execute(paths, config, *, write: bool, jobs: Optional[int], verify=None):
    from cdkfix.run import run

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

    try:
        return run(paths, config, write=write, jobs=jobs or os.cpu_count() or 1, on_start=on_start, on_file=on_file)
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

        text = render(outcome.fixes, outcome.all_errors, extra=json_data(getattr(outcome, "verification", None)))
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
    skipped = [fix for fix in outcome.fixes if fix.status is FixStatus.SKIPPED]
    if skipped:
        text += f"; {len(skipped)} fix{'es' if len(skipped) != 1 else ''} left out (see the messages above)"
    return text + f" ({outcome.files_seen} files checked)."


def _exit_code(outcome, *, pending_is_failure: bool) -> int:
    from cdkfix.records import FixStatus

    if outcome.all_errors:
        return EXIT_ERROR
    statuses = {fix.status for fix in outcome.fixes}
    if FixStatus.UNSAFE in statuses or (pending_is_failure and FixStatus.APPLIED in statuses):
        return EXIT_PENDING
    return EXIT_CLEAN


@app.command()
def apply(
    paths: List[Path] = PathsArg,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print a unified diff and write nothing."),
    report: Optional[Path] = ReportOpt,
    report_format: Optional[str] = ReportFormatOpt,
    select: Optional[List[str]] = SelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    unsafe_fixes: Optional[bool] = UnsafeOpt,
    jobs: Optional[int] = JobsOpt,
    verify: bool = VerifyOpt,
    python: Optional[str] = PythonOpt,
    timeout: float = TimeoutOpt,
    force: bool = ForceOpt,
) -> None:
    """Rewrite every flawed CDK file under PATHS in place (or show the diff with --dry-run).

    Plain apply only reads and rewrites source files; it never runs your code. --verify does:
    it synthesizes each CDK app before and after the fixes.
    """
    config = build_config(paths, select, ignore, unsafe_fixes)
    outcome = _execute(paths, config, write=not dry_run, jobs=jobs, verify=_verify_options(verify, python, timeout, force))
    if dry_run:
        _print_diffs(outcome)
    _print_errors(outcome)
    _write_report(outcome, report, report_format, paths, dry_run)
    typer.echo(_summary(outcome, applied_verb="would be applied" if dry_run else "applied"), err=True)
    raise typer.Exit(_exit_code(outcome, pending_is_failure=dry_run))


@app.command()
def diff(
    paths: List[Path] = PathsArg,
    report: Optional[Path] = ReportOpt,
    report_format: Optional[str] = ReportFormatOpt,
    select: Optional[List[str]] = SelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    unsafe_fixes: Optional[bool] = UnsafeOpt,
    jobs: Optional[int] = JobsOpt,
    verify: bool = VerifyOpt,
    python: Optional[str] = PythonOpt,
    timeout: float = TimeoutOpt,
    force: bool = ForceOpt,
) -> None:
    """Print the fixes as a unified diff; write nothing (same as apply --dry-run)."""
    apply(paths, True, report, report_format, select, ignore, unsafe_fixes, jobs,
          verify=verify, python=python, timeout=timeout, force=force)


@app.command()
def check(
    paths: List[Path] = PathsArg,
    select: Optional[List[str]] = SelectOpt,
    ignore: Optional[List[str]] = IgnoreOpt,
    unsafe_fixes: Optional[bool] = UnsafeOpt,
    jobs: Optional[int] = JobsOpt,
    report: Optional[Path] = ReportOpt,
    report_format: Optional[str] = ReportFormatOpt,
    verify: bool = VerifyOpt,
    python: Optional[str] = PythonOpt,
    timeout: float = TimeoutOpt,
    force: bool = ForceOpt,
) -> None:
    """List pending fixes without writing; exit 1 when any is pending."""
    from cdkfix.records import FixStatus

    config = build_config(paths, select, ignore, unsafe_fixes)
    outcome = _execute(paths, config, write=False, jobs=jobs, verify=_verify_options(verify, python, timeout, force))
    for fix in outcome.fixes:
        marker = "" if fix.status is FixStatus.APPLIED else f" [{fix.status.value}]"
        typer.echo(f"{fix.path}:{fix.start_line}: {fix.code} {fix.title}{marker}: {fix.message}")
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
