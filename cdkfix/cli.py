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
from dataclasses import dataclass, field
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
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathsArg = typer.Argument(
    None, metavar="PATHS...", show_default=False,
    help="Files or folders to fix (folders are searched for .py files; default: the current folder).",
)
SelectOpt = typer.Option(None, "--select", help="Only these rules: codes (CDK-B12 or B12), prefixes (CDK-A) or ALL. Repeatable; commas allowed.")
IgnoreOpt = typer.Option(None, "--ignore", help="Skip these rule codes (or prefixes). Repeatable; commas allowed.")
ExtendSelectOpt = typer.Option(None, "--extend-select", help="Rule codes (or prefixes) to add to the selection. Repeatable; commas allowed.")
UnsafeOpt = typer.Option(None, "--unsafe-fixes/--no-unsafe-fixes", help="Also apply unsafe fixes (they change data lifetime, cost or access). Default: the config file's unsafe-fixes, else no.")
ConfigOpt = typer.Option(None, "--config", help="Use this configuration file (pyproject.toml or cdkfix.toml) for every path instead of the nearest one.")
IsolatedOpt = typer.Option(False, "--isolated", help="Ignore every configuration file.")
JobsOpt = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes, 1 or more (default: the number of CPUs).")
ForceExcludeOpt = typer.Option(
    False, "--force-exclude",
    help="Apply exclude, .gitignore and the skipped folders (build, dist, .venv, ...) to paths named on the "
    "command line too (for pre-commit, which names every staged file). Without it a named path is always processed.",
)
QuietOpt = typer.Option(False, "--quiet", "-q", help="Print only the results (findings, the diff) and errors: no summary or notes.")
ExitZeroOpt = typer.Option(False, "--exit-zero", help="Exit 0 even when fixes are pending or held back (errors still exit 2).")
StatisticsOpt = typer.Option(False, "--statistics", help="Print the number of findings of each rule instead of each finding (text output).")
NoColorOpt = typer.Option(False, "--no-color", help="No colours in the diff (the NO_COLOR environment variable does the same).")
ShowSettingsOpt = typer.Option(
    False, "--show-settings",
    help="Print which configuration file applies to each path and the settings it gives, then exit.",
)
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
NoCacheOpt = typer.Option(
    False, "--no-cache",
    help="Neither read nor write the cache (findings of unchanged files, syntheses of --verify); see `cdkfix clean`.",
)
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


@dataclass
class Request:
    """One command's options, checked before any file is read or written."""

    paths: list[str]
    config: object
    fmt: str
    files: list = field(default_factory=list)
    report: Optional[Path] = None
    report_format: Optional[str] = None
    verify: object = None
    force_exclude: bool = False
    quiet: bool = False
    color: bool = True
    statistics: bool = False
    exit_zero: bool = False
    jobs: Optional[int] = None
    problems: list = field(default_factory=list)  # paths that could not be used (missing, unreadable)
    cache: bool = True  # read and write cdkfix's cache (--no-cache: neither)


def _paths(paths: Optional[List[str]]) -> list[str]:
    """The paths to process: `.` when none is given; an empty one is a usage error (it is not `.`)."""
    if not paths:
        return ["."]
    if any(not path.strip() for path in paths):
        _fail_usage("an empty path names no file or folder (use . for the current folder)")
    return list(paths)


def _report_format(report: Optional[Path], report_format: Optional[str]) -> Optional[str]:
    if report is None:
        if report_format is not None:
            _fail_usage("--report-format needs --report FILE")
        return None
    fmt = (report_format or ("json" if report.suffix.lower() == ".json" else "markdown")).strip().lower()
    if fmt == "md":
        fmt = "markdown"
    if fmt not in ("markdown", "json"):
        _fail_usage(f"unknown report format {report_format!r} (markdown or json)")
    return fmt


def _check_report_path(report: Optional[Path], files) -> None:
    """Refuse, before anything is written, a report that would overwrite source code or cannot be written."""
    if report is None:
        return
    if report.suffix.lower() in (".py", ".pyi"):
        _fail_usage(f"--report {report}: a report is Markdown or JSON, not a Python file (it would overwrite source code)")
    real = os.path.realpath(report)
    if any(os.path.realpath(path) == real for path in files):
        _fail_usage(f"--report {report} is one of the files being processed")
    if report.is_dir():
        _fail_usage(f"--report {report} is a folder")
    parent = report.parent if str(report.parent) else Path(".")
    if not parent.is_dir():
        _fail_usage(f"cannot write report {report}: no such folder {parent}")
    if not os.access(parent, os.W_OK) or (report.exists() and not os.access(report, os.W_OK)):
        _fail_usage(f"cannot write report {report}: permission denied")


def _prepare(
    paths, *, output_format, select, extend_select, ignore, unsafe_fixes, config_file, isolated, jobs,
    report, report_format, verify, python, timeout, force, force_exclude, quiet, no_color, statistics,
    exit_zero, show_settings, no_cache=False,
) -> Request:
    """Every check of the command line, and the discovery of the files, before any work (so a
    usage error never comes after files were rewritten)."""
    fmt = _check_output_format(output_format)
    targets = _paths(paths)
    config = build_config(
        select=select, extend_select=extend_select, ignore=ignore, unsafe_fixes=unsafe_fixes,
        config_file=config_file, isolated=isolated,
    )
    if show_settings:
        _show_settings(targets, config, force_exclude)
        raise typer.Exit(EXIT_CLEAN)
    verify_options = _verify_options(verify, python, timeout, force)
    chosen_report_format = _report_format(report, report_format)
    if statistics and fmt != "text":
        _fail_usage("--statistics prints a text table; it works with --output-format text only")
    from cdkfix.config import ConfigError
    from cdkfix.run import select_files

    try:
        files, problems = select_files(targets, config, force_exclude=force_exclude)
    except ConfigError as error:  # a config file found next to the files is invalid
        _fail_config(error)
    _check_report_path(report, files)
    if not files and not problems:
        shown = ", ".join(_shown(target) for target in targets)
        typer.echo(f"cdkfix: warning: no Python files found under {shown}", err=True)
    request = Request(
        paths=targets, config=config, fmt=fmt, files=files, report=report, report_format=chosen_report_format,
        verify=verify_options, force_exclude=force_exclude, quiet=quiet, statistics=statistics, exit_zero=exit_zero,
        color=not no_color and not os.environ.get("NO_COLOR") and _stdout_is_terminal(), jobs=jobs,
        problems=problems, cache=not no_cache,
    )
    if verify_options is not None and not quiet:
        _note_node_version()
    return request


# jsii (aws-cdk-lib's runtime) supports these Node.js majors; older ones still run but make it
# print an end-of-life warning, which --verify silences in its own syntheses only.
JSII_NODE_MAJORS = (22, 24)


def _note_node_version() -> None:
    from cdkfix.verify.synth import node_major_version

    major = node_major_version()
    if major and major.isdigit() and int(major) < min(JSII_NODE_MAJORS):
        typer.echo(
            f"cdkfix: note: Node.js {major} is end-of-life for jsii (supported: "
            f"{', '.join(map(str, JSII_NODE_MAJORS))}); --verify silences jsii's warning in its own syntheses, "
            "your own `cdk synth` will print it", err=True,
        )


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _shown(path) -> str:
    from cdkfix.run import display_path

    return display_path(path) if str(path) else repr(str(path))


def _show_settings(targets, config, force_exclude: bool) -> None:
    """Which configuration file applies to each path, and what it sets (ruff's --show-settings)."""
    from cdkfix.config import ConfigError
    from cdkfix.run import select_files

    try:
        files, _ = select_files(targets, config, force_exclude=force_exclude)
        shown_for = list(dict.fromkeys([*(Path(target) for target in targets if Path(target).exists()), *files]))
        for path in shown_for:
            settings = config.for_file(path if path.is_file() else path / "__cdkfix__.py")
            source = settings.source
            typer.echo(f"{_shown(path)}:")
            typer.echo(f"  configuration file: {_shown(source) if source else 'none (defaults and command-line flags)'}")
            typer.echo(f"  rules: {' '.join(rule.code for rule in settings.rules) or 'none'}")
            typer.echo(f"  unsafe-fixes: {'true' if settings.unsafe_fixes else 'false'}")
            typer.echo(f"  line-length: {settings.line_length}")
            typer.echo(f"  exclude: {list(settings.exclude)}")
            per_file = config.resolver.fields_for(path)["per_file_ignores"] if config.resolver else ()
            typer.echo(f"  per-file-ignores: {dict((glob, sorted(codes)) for glob, codes in per_file)}")
            typer.echo(f"  rule options: {settings.rule_options}")
    except ConfigError as error:
        _fail_config(error)


def _execute(request: Request, *, write: bool, config=None):
    """Run on the request's files; a SIGINT (Ctrl-C) lets the file in hand finish and stops
    there, so what was written is known and reported (`outcome.interrupted`)."""
    import signal
    import threading

    from cdkfix.run import run

    config = config or request.config
    jobs = request.jobs or os.cpu_count() or 1
    interrupted = threading.Event()
    check_cache = None
    if request.cache:
        from cdkfix.cache import Cache
        from cdkfix.check_cache import CheckCache

        check_cache = CheckCache(Cache.default("check"))
        if request.verify is not None:
            request.verify.cache = Cache.default("synth")
    if request.verify is not None:
        from cdkfix.verify import run_verified

        say = (lambda message: None) if request.quiet else (lambda message: typer.echo(message, err=True))
        run = partial(run_verified, options=request.verify, progress=say, force_exclude=request.force_exclude)
        # The check under --verify reads the check cache too: a re-run on an unchanged tree
        # re-analyses nothing before its syntheses (or their cached results).
        arguments = {"cache": check_cache}
    else:
        arguments = {"files": request.files, "stop": interrupted.is_set, "cache": check_cache}
    state: dict = {}

    def on_start(total: int) -> None:
        state["bar"] = None if request.quiet else _progress(total)

    def on_file(result) -> None:
        if state.get("bar"):
            progress, task = state["bar"]
            progress.advance(task)

    def on_sigint(signum, frame) -> None:
        if interrupted.is_set():  # a second Ctrl-C: stop now
            raise KeyboardInterrupt
        interrupted.set()
        typer.echo("\ncdkfix: interrupted: finishing the file in hand (Ctrl-C again to stop at once)", err=True)

    previous = None
    if request.verify is None and threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, on_sigint)
    from cdkfix.config import ConfigError

    try:
        outcome = run(request.paths, config, write=write, jobs=jobs, on_start=on_start, on_file=on_file, **arguments)
    except ConfigError as error:  # a config file found next to the files is invalid
        _fail_config(error)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        if state.get("bar"):
            state["bar"][0].stop()
    outcome.errors[:0] = [] if request.verify is not None else _problems(request)
    outcome.interrupted = interrupted.is_set()
    return outcome


def _problems(request: Request):
    from cdkfix.records import FileError

    return [FileError(problem.path, 0, problem.message) for problem in request.problems]


def _print_errors(outcome) -> None:
    for error in outcome.all_errors:
        typer.echo(str(error), err=True)


def _write_report(outcome, request: Request, mode: str) -> None:
    report = request.report
    dry_run = mode != "apply"
    if report is None:
        return
    targets = [_shown(path) for path in request.paths]
    if request.report_format == "json":
        from cdkfix.report.json_format import render
        from cdkfix.verify.report import json_data

        text = render(
            outcome.fixes, outcome.all_errors, notices=outcome.notices if dry_run else (),
            extra={"mode": mode, **(json_data(getattr(outcome, "verification", None)) or {})},
            written=not dry_run,
        )
    else:
        from cdkfix.report.markdown import render
        from cdkfix.verify.report import markdown_section

        text = render(
            outcome.fixes, targets=targets, errors=outcome.all_errors, mode=mode,
            extra_sections=markdown_section(getattr(outcome, "verification", None)),
            interrupted=getattr(outcome, "interrupted", False),
        )
    try:
        # A file name that is not UTF-8 (bad\xff.py) is written escaped, never a crash.
        report.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as error:
        _fail_usage(f"cannot write report {report}: {error.strerror or error}")
    if not request.quiet:
        typer.echo(f"Report written to {_shown(report)}", err=True)


def _print_diffs(outcome, color: bool) -> None:
    from cdkfix.report.diff import unified_diff

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


def _emit(outcome, request: Request, *, mode: str) -> None:
    """Results on stdout in the chosen format. `mode`: check, dry-run or apply (files written).

    Unused suppressions are reported in check mode only. SARIF and github list the findings
    still in the source afterwards (after apply: the unsafe ones held back, and failures).
    """
    fmt = request.fmt
    notices = outcome.notices if mode == "check" else []
    written = mode == "apply"
    if fmt == "text":
        if request.statistics:
            from cdkfix.report.text import statistics

            sys.stdout.write(statistics(outcome.fixes, written=mode == "apply"))
        elif mode == "check":
            from cdkfix.report.text import render

            sys.stdout.write(render(outcome.fixes, notices))
        elif mode == "dry-run":
            _print_diffs(outcome, request.color)
    elif fmt == "json":
        from cdkfix.report.json_format import render

        sys.stdout.write(render(outcome.fixes, outcome.all_errors, notices=notices,
                                extra={"mode": mode, "summary": _counts(outcome, written)}, written=written))
    elif fmt == "sarif":
        from cdkfix.registry import all_rules
        from cdkfix.report.sarif import render

        sys.stdout.write(render(outcome.fixes, notices, outcome.all_errors, rules=all_rules(), written=written))
    elif fmt == "github":
        from cdkfix.report.github import render

        sys.stdout.write(render(outcome.fixes, notices, outcome.all_errors, written=written))
    sys.stdout.flush()


def _apply_interactively(request: Request):
    """Ask about each fix (its own diff on stdout), then write the accepted ones; the outcome with statuses updated."""
    from cdkfix.interactive import ACCEPT, QUIT, SKIP, ask_each, candidates, write_accepted
    from cdkfix.records import FixStatus

    config = request.config
    config.fix_hunks = True
    outcome = _execute(request, write=False)
    color = request.color
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


def _counts(outcome, written: bool) -> dict:
    from collections import Counter

    from cdkfix.report.json_format import PENDING

    # As each fix's status in the JSON: "applied" only when written.
    statuses = Counter(PENDING if fix.status.value == "applied" and not written else fix.status.value for fix in outcome.fixes)
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


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _summary(outcome, *, applied_verb: str) -> str:
    from cdkfix.records import FixStatus

    applied = [fix for fix in outcome.fixes if fix.status is FixStatus.APPLIED]
    held = [fix for fix in outcome.fixes if fix.status is FixStatus.UNSAFE]
    files = len({fix.path for fix in applied})
    text = f"{_plural(len(applied), 'fix', 'fixes')} {applied_verb} in {_plural(files, 'file')}"
    if held:
        text += f"; {_plural(len(held), 'unsafe fix', 'unsafe fixes')} held back (use --unsafe-fixes)"
    skipped = sum(fix.status is FixStatus.SKIPPED for fix in outcome.fixes)
    if skipped:
        text += f"; {skipped} skipped"
    manual = sum(fix.status is FixStatus.NO_FIX for fix in outcome.fixes)
    if manual:
        text += f"; {_plural(manual, 'finding')} without an automatic fix"
    suppressed = sum(fix.status is FixStatus.SUPPRESSED for fix in outcome.fixes)
    if suppressed:
        text += f"; {suppressed} suppressed"
    if getattr(outcome, "interrupted", False):
        return text + f" ({len(outcome.results)} of {_plural(outcome.files_seen, 'file')} checked before the interruption)."
    return text + f" ({_plural(outcome.files_seen, 'file')} checked)."


def _exit_code(outcome, *, pending_is_failure: bool, changed_is_failure: bool = False, exit_zero: bool = False) -> int:
    """2 on any error; 1 when fixes are pending (check, diff, dry run), unsafe fixes were held
    back, a finding has no automatic fix, or (with --exit-non-zero-on-fix) a file was changed; else 0. Suppressed fixes and
    unused suppressions never change it. --exit-zero turns 1 into 0."""
    from cdkfix.records import FixStatus

    if outcome.all_errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    statuses = {fix.status for fix in outcome.fixes}
    # A finding without a fix stays open after any run, as a held-back unsafe fix does.
    if FixStatus.UNSAFE in statuses or FixStatus.NO_FIX in statuses or (pending_is_failure and FixStatus.APPLIED in statuses):
        return EXIT_PENDING
    if changed_is_failure and outcome.written:
        return EXIT_PENDING
    return EXIT_CLEAN


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a Ctrl-C


def _finish(outcome, request: Request, *, mode: str, exit_code: int) -> None:
    """Errors, the report and the summary (also after a Ctrl-C, for the files done), then exit."""
    _print_errors(outcome)
    _write_report(outcome, request, mode)
    verb = {"check": "pending", "dry-run": "would be applied", "apply": "applied"}[mode]
    interrupted = getattr(outcome, "interrupted", False)
    if interrupted:
        # Said even with --quiet: the user must know which files already changed.
        written = list(outcome.written)
        typer.echo(f"cdkfix: interrupted after {_plural(len(outcome.results), 'file')} of {outcome.files_seen}; "
                   f"{_plural(len(written), 'file')} written" + (":" if written else "."), err=True)
        for path in written:
            typer.echo(f"  {path}", err=True)
    if not request.quiet:
        typer.echo(_summary(outcome, applied_verb=verb), err=True)
    raise typer.Exit(EXIT_INTERRUPTED if interrupted else exit_code)


@app.command()
def apply(
    paths: Optional[List[str]] = PathsArg,
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
    force_exclude: bool = ForceExcludeOpt,
    quiet: bool = QuietOpt,
    exit_zero: bool = ExitZeroOpt,
    statistics: bool = StatisticsOpt,
    no_color: bool = NoColorOpt,
    show_settings: bool = ShowSettingsOpt,
    split_hard_links: bool = typer.Option(
        False, "--split-hard-links",
        help="Also rewrite files with several hard links (the other names keep the old text); refused by default.",
    ),
) -> None:
    """Rewrite every flawed CDK file under PATHS in place (or show the diff with --dry-run).

    Plain apply only reads and rewrites source files; it never runs your code. --verify does:
    it synthesizes each CDK app before and after the fixes.
    """
    if interactive and dry_run:
        _fail_usage("--interactive and --dry-run cannot be used together")
    request = _prepare(
        paths, output_format=output_format, select=select, extend_select=extend_select, ignore=ignore,
        unsafe_fixes=unsafe_fixes, config_file=config_file, isolated=isolated, jobs=jobs, report=report,
        report_format=report_format, verify=verify, python=python, timeout=timeout, force=force,
        force_exclude=force_exclude, quiet=quiet, no_color=no_color, statistics=statistics, exit_zero=exit_zero,
        show_settings=show_settings, no_cache=no_cache,
    )
    request.config.split_hard_links = split_hard_links
    if interactive:
        if request.fmt != "text":
            _fail_usage("--interactive shows diffs and asks; it works with --output-format text only")
        if request.verify is not None:
            _fail_usage("--interactive and --verify cannot be used together")
        outcome = _apply_interactively(request)
        _finish(outcome, request, mode="apply", exit_code=_exit_code(
            outcome, pending_is_failure=False, changed_is_failure=exit_non_zero_on_fix, exit_zero=exit_zero))
    request.config.fix_hunks = request.fmt == "json"
    outcome = _execute(request, write=not dry_run)
    mode = "dry-run" if dry_run else "apply"
    _emit(outcome, request, mode=mode)
    _finish(outcome, request, mode=mode, exit_code=_exit_code(
        outcome, pending_is_failure=dry_run, changed_is_failure=exit_non_zero_on_fix, exit_zero=exit_zero))


@app.command()
def diff(
    paths: Optional[List[str]] = PathsArg,
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
    force_exclude: bool = ForceExcludeOpt,
    quiet: bool = QuietOpt,
    exit_zero: bool = ExitZeroOpt,
    statistics: bool = StatisticsOpt,
    no_color: bool = NoColorOpt,
    show_settings: bool = ShowSettingsOpt,
) -> None:
    """Print the fixes as a unified diff; write nothing (same as apply --dry-run)."""
    apply(
        paths=paths, dry_run=True, interactive=False, exit_non_zero_on_fix=False, output_format=output_format,
        report=report, report_format=report_format, select=select, extend_select=extend_select, ignore=ignore, unsafe_fixes=unsafe_fixes,
        config_file=config_file, isolated=isolated, jobs=jobs, verify=verify, python=python, timeout=timeout, force=force,
        force_exclude=force_exclude, quiet=quiet, exit_zero=exit_zero, statistics=statistics, no_color=no_color,
        show_settings=show_settings, no_cache=no_cache,
        split_hard_links=False,
    )


@app.command()
def check(
    paths: Optional[List[str]] = PathsArg,
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
    force_exclude: bool = ForceExcludeOpt,
    quiet: bool = QuietOpt,
    exit_zero: bool = ExitZeroOpt,
    statistics: bool = StatisticsOpt,
    no_color: bool = NoColorOpt,
    show_settings: bool = ShowSettingsOpt,
) -> None:
    """List pending fixes without writing; exit 1 when any is pending."""
    request = _prepare(
        paths, output_format=output_format, select=select, extend_select=extend_select, ignore=ignore,
        unsafe_fixes=unsafe_fixes, config_file=config_file, isolated=isolated, jobs=jobs, report=report,
        report_format=report_format, verify=verify, python=python, timeout=timeout, force=force,
        force_exclude=force_exclude, quiet=quiet, no_color=no_color, statistics=statistics, exit_zero=exit_zero,
        show_settings=show_settings, no_cache=no_cache,
    )
    config = request.config
    config.fix_hunks = request.fmt == "json"
    config.snippets = request.fmt in ("json", "sarif") or report is not None or request.verify is not None
    # Nothing shows the fixed code: no need for black to lay it out (see RunConfig).
    config.format_inserted = config.snippets or config.fix_hunks
    outcome = _execute(request, write=False)
    _emit(outcome, request, mode="check")
    _finish(outcome, request, mode="check", exit_code=_exit_code(outcome, pending_is_failure=True, exit_zero=exit_zero))


@app.command()
def rules(
    output_format: str = typer.Option("table", "--format", help="table, markdown or json."),
) -> None:
    """List every rule with its code, category, safety, default selection and title, and the groups."""
    from cdkfix.registry import all_rules

    found = all_rules()

    def selection(r) -> str:
        # Opt-in rules (default = False) run only when selected by code, name or group.
        if getattr(r, "default", True):
            return "yes"
        groups = ", ".join(getattr(r, "groups", ()))
        return f"opt-in ({groups})" if groups else "opt-in"

    def safety(r) -> str:
        # A report-only rule (Rule.fixes False) writes nothing: its safety label would mislead.
        return r.safety.value if getattr(r, "fixes", True) else "no fix"

    groups: dict[str, list[str]] = {}
    for r in found:
        for group in getattr(r, "groups", ()):
            groups.setdefault(group, []).append(r.code)
    if output_format == "json":
        import json

        rows = [
            {"code": r.code, "name": r.name, "title": r.title, "category": r.category.value,
             "kind": r.kind.value, "safety": r.safety.value, "fixes": getattr(r, "fixes", True),
             "default": getattr(r, "default", True),
             "groups": list(getattr(r, "groups", ()))}
            for r in found
        ]
        typer.echo(json.dumps(rows, indent=2))
    elif output_format == "markdown":
        typer.echo("| Code | Name | Category | Safety | Default | Title |\n|---|---|---|---|---|---|")
        for r in found:
            typer.echo(f"| {r.code} | {r.name} | {r.category.value} | {safety(r)} | {selection(r)} | {r.title} |")
        if groups:
            typer.echo("")
            for group, codes in groups.items():
                typer.echo(f"- `{group}`: {', '.join(codes)} (`--extend-select {group}` turns them on)")
    elif output_format == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"cdkfix {__version__}: {len(found)} rules")
        for column in ("Code", "Name", "Cat.", "Safety", "Default", "Title"):
            table.add_column(column)
        for r in found:
            table.add_row(r.code, r.name, r.category.value, safety(r), selection(r), r.title)
        console = Console()
        console.print(table)
        for group, codes in groups.items():
            console.print(f"Group {group}: {', '.join(codes)}; opt-in rules run only when selected: "
                          f"--extend-select {group} or extend-select = [\"{group}\"]", markup=False)
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
    # A file name that is not UTF-8 (bad\xff.py) is printed with its own bytes, as ls does,
    # rather than ending the run with an encoding error after files were written.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="surrogateescape")
    app()


if __name__ == "__main__":
    main()
