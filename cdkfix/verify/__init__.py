"""`--verify`: synthesize each CDK app before and after its fixes; roll back fixes that break it.

This runs the user's code (each app's cdk.json "app" command), so it happens only on
request. Nothing is written until every app is verified: the fixed sources are
synthesized in a temporary copy of the app folder, and only the surviving fixes are
then written to the user's files through the ordinary atomic write path.

Per app:
- no fixes: not synthesized;
- the command is not Python, or the environment lacks Node.js, aws-cdk-lib or the app's
  modules, or the app needs AWS context look-ups, or synthesis times out: not verified,
  nothing written for the app (unless --force);
- the app does not synthesize before the fixes: its fixed state is synthesized too, for
  the report, but nothing is written (unless --force);
- it synthesizes before and after: everything is written;
- it synthesizes before but not after: bisection finds the fixes that break it, they are
  rolled back (status SKIPPED, with the synthesis error), the rest is written.
"Not after" includes a state that synthesizes with new CloudFormation Validate errors or IAM
statements IAM would reject (`SynthResult.new_problems`): CloudFormation would refuse it at
deployment, so it is never "verified". The report lists the resources the kept fixes make
CloudFormation replace, with the reason (`cdkfix.effects.changes.replacements`).
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from cdkfix.config import RunConfig
from cdkfix.engine import fix_module
from cdkfix.records import FileError, FileResult, FixRecord, FixStatus
from cdkfix.run import RunResult, _write, digest, run
from cdkfix.verify.apps import CdkApp, UnsupportedApp, app_for, copy_app, find_app_roots, load_app
from cdkfix.verify.compare import Comparison, compare
from cdkfix.verify.parallel import Folders, Slots, concurrently, find_breaking_parallel
from cdkfix.verify.synth import Prestarted, Stop, SynthResult, default_python, node_major_version, stop_all, synthesize
from cdkfix.verify.synth_cache import SynthCache, synth_key

VERIFIED, ROLLED_BACK, FAILS_BEFORE, NOT_VERIFIED, NO_FIXES = (
    "verified", "rolled-back", "fails-before", "not-verified", "no-fixes",
)

Progress = Callable[[str], None]


@dataclass
class VerifyOptions:
    python: str | None = None  # default: the Python running cdkfix
    timeout: float = 300.0  # seconds, per synthesis
    force: bool = False  # write the fixes of apps that cannot be verified or fail before
    nag: bool = True  # count cdk-nag AwsSolutions findings when cdk-nag is installed
    cache: "object | None" = None  # a cdkfix.cache.Cache ("synth") to reuse syntheses, or None

    @property
    def interpreter(self) -> str:
        return self.python or default_python()


@dataclass
class SynthRun:
    """One synthesis, for the timings: what was tried and how long it took."""

    label: str  # "before", "after" (all fixes) or "bisect"
    fixes: int  # how many fixes were in
    seconds: float
    ok: bool
    cached: bool = False  # read from the synthesis cache, not run

    def to_dict(self) -> dict:
        return {"label": self.label, "fixes": self.fixes, "seconds": round(self.seconds, 2), "ok": self.ok, "cached": self.cached}


@dataclass
class FixRef:
    """A fix --verify left out: rolled back (with the synthesis error) or held back with its app."""

    id: str
    code: str
    title: str
    path: str
    line: int
    error: str = ""

    @classmethod
    def of(cls, record: FixRecord, error: str = "") -> "FixRef":
        return cls(record.id, record.code, record.title, record.path, record.line, error)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)



@dataclass
class AppVerification:
    root: str  # as shown to the user
    command: str
    status: str = NO_FIXES
    written: bool = False  # its surviving fixes are (or, in a dry run, would be) written
    message: str = ""
    fixes: int = 0  # fixes found in the app's files
    kept: int = 0  # fixes written (or that would be)
    before: SynthResult | None = None
    after: SynthResult | None = None  # with every fix
    final: SynthResult | None = None  # with the fixes kept
    comparison: Comparison | None = None  # before vs final, when both synthesized
    replaced: list = field(default_factory=list)  # cdkfix.effects.Replacement: before vs final
    rolled_back: list[FixRef] = field(default_factory=list)
    held_back: list[FixRef] = field(default_factory=list)  # not written with the rest of the app
    synths: list[SynthRun] = field(default_factory=list)
    seconds: float = 0.0  # what --verify added for this app, copying and re-running the rules included

    def seconds_for(self, label: str) -> float:
        return sum(run.seconds for run in self.synths if run.label == label)

    def to_dict(self) -> dict:
        return {
            "app": self.root,
            "command": self.command,
            "status": self.status,
            "written": self.written,
            "message": self.message,
            "fixes": self.fixes,
            "kept": self.kept,
            "before": self.before.to_dict() if self.before else None,
            "after": self.after.to_dict() if self.after else None,
            "final": self.final.to_dict() if self.final else None,
            "comparison": self.comparison.to_dict() if self.comparison else None,
            "replaced": [{"stack": item.stack, "logical_id": item.logical_id, "type": item.type, "reason": item.reason}
                         for item in self.replaced],
            "rolled_back": [item.to_dict() for item in self.rolled_back],
            "held_back": [item.to_dict() for item in self.held_back],
            "synths": [item.to_dict() for item in self.synths],
            "timings": {
                "before_seconds": round(self.seconds_for("before"), 2),
                "after_seconds": round(self.seconds_for("after"), 2),
                "bisect_seconds": round(self.seconds_for("bisect"), 2),
                "bisect_synths": sum(1 for run in self.synths if run.label == "bisect"),
                "total_seconds": round(self.seconds, 2),
            },
        }


@dataclass
class Verification:
    python: str
    timeout: float
    force: bool
    nag: bool
    dry_run: bool
    node: str = ""
    apps: list[AppVerification] = field(default_factory=list)
    outside_apps: list[str] = field(default_factory=list)  # changed files in no CDK app: not synthesized

    def to_dict(self) -> dict:
        return {
            "python": self.python,
            "node": self.node,
            "timeout_seconds": self.timeout,
            "force": self.force,
            "cdk_nag": self.nag,
            "dry_run": self.dry_run,
            "apps": [app.to_dict() for app in self.apps],
            "files_outside_apps": self.outside_apps,
        }


class BeforeAhead:
    """An app's "before" synthesis (or cache look-up), started in a thread of its own while the check runs.

    It synthesizes a copy of the app folder made before the check read the files; `matches`
    tells whether that copy holds what the check read (else the result is not used and the before
    state is synthesized again). Its progress lines are said when the result is used, not under the
    check's progress bar. `close` stops it (kills its synthesis) and waits for its thread.
    """

    def __init__(self, app: CdkApp, options: VerifyOptions, slots: Slots, workdir: Path) -> None:
        self.app, self.options, self.slots, self.workdir = app, options, slots, workdir
        self.copy: Path | None = None
        self._stop = Stop()
        self._value: tuple[SynthResult, SynthRun] | None = None
        self._error: BaseException | None = None
        self._started = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._work, name="cdkfix-verify-before", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        app, options = self.app, self.options
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
            copy = Folders(app.root, self.workdir).take()
            self.copy = copy
            synth_cache = SynthCache(options.cache) if options.cache is not None else None
            started = time.monotonic()
            key = synth_key(app, copy, python=options.interpreter, nag=options.nag) if synth_cache else ""
            done = synth_cache.get(key) if synth_cache else None
            if done is not None:
                done.seconds = time.monotonic() - started
                self._value = (done, SynthRun("before", 0, done.seconds, done.ok, cached=True))
                return
            with self.slots.held_unless(lambda: self._stop.stopped) as held:
                if not held or self._stop.stopped:
                    return
                self._started = True
                done = synthesize(app, copy, python=options.interpreter, timeout=options.timeout, nag=options.nag,
                                  workdir=self.workdir, stop=self._stop)
            if self._stop.stopped:
                return  # killed on purpose: says nothing about the app
            if synth_cache:
                synth_cache.put(key, done, label="before", app=app.shown)
            self._value = (done, SynthRun("before", 0, done.seconds, done.ok))
        except BaseException as error:  # noqa: BLE001 - handed to the thread that uses the result
            self._error = error
        finally:
            self._done.set()

    def matches(self, originals: dict[str, bytes]) -> bool:
        """Whether the copy holds, for every file the fixes change, the bytes the check read."""
        self._wait_for_copy()
        if self.copy is None or self._stop.stopped:
            return False
        for path, data in originals.items():
            try:
                target = self.copy / Path(path).resolve().relative_to(self.app.root)
                if target.read_bytes() != data:
                    return False
            except (OSError, ValueError):
                return False
        return True

    def _wait_for_copy(self) -> None:
        while self.copy is None and not self._done.wait(0.02):
            pass

    def failed_environment(self) -> bool:
        """Done already, with an environment problem (then the after state is not synthesized)."""
        if not self._done.is_set() or self._value is None:
            return False
        return not self._value[0].ok and self._value[0].environment_problem

    def result(self, say: Progress) -> tuple[SynthResult, SynthRun]:
        was_done = self._done.is_set()
        shown = self.app.shown
        if not was_done:
            say(f"  {shown}: synthesizing before the fixes… (started during the check)")
        self._done.wait()
        if self._error is not None:
            raise self._error
        if self._value is None:  # pragma: no cover - only a stopped one has no value, and it is not used
            raise RuntimeError("the before synthesis was stopped")
        done, run_ = self._value
        if run_.cached:
            say(f"  {shown}: {_what('before', 0, 0)}: cached ({_brief(done)})")
        else:
            if was_done:
                say(f"  {shown}: synthesized before the fixes during the check")
            say(f"    {'ok' if done.ok else 'failed'} in {done.seconds:.1f} s: {_brief(done)}")
        return done, run_

    def close(self, wait: bool = True) -> None:
        self._stop.stop()
        if wait:
            self._thread.join()


class AfterAhead:
    """An app's "after" synthesis process, started in a thread of its own while the check runs.

    The fixed files are not known yet, but what the process does first is the same for every
    state of the app (Python, `import aws_cdk`, cdk-nag, the first synthesis's one-time work: see
    synth.Prestarted). It runs in a copy of the app made now, within a slot of the run (it counts
    as a synthesis under way). `synthesize` is called once the fixed files are placed in `copy`:
    it lets the process run the app and returns its result. `close` kills it when it is not used
    (no fix in the app, the fixed state in the cache, an early failure of the before state).
    """

    def __init__(self, app: CdkApp, options: VerifyOptions, slots: Slots, workdir: Path) -> None:
        self.app, self.options, self.slots, self.workdir = app, options, slots, workdir
        self.copy: Path | None = None
        self._stop = threading.Event()
        self._go = threading.Event()
        self._timeout = options.timeout
        self._value: SynthResult | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._ready = threading.Event()  # the copy exists (or the thread gave up)
        self._thread = threading.Thread(target=self._work, name="cdkfix-verify-after", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        options = self.options
        process: Prestarted | None = None
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
            self.copy = Folders(self.app.root, self.workdir).take()
            self._ready.set()
            with self.slots.held_unless(self._stop.is_set) as held:
                if not held or self._stop.is_set():
                    return
                process = Prestarted(self.app, self.copy, python=options.interpreter, nag=options.nag, workdir=self.workdir)
                while not self._go.wait(0.05):
                    if self._stop.is_set():
                        return
                self._value = process.run(timeout=self._timeout)
        except BaseException as error:  # noqa: BLE001 - handed to the thread that uses the result
            self._error = error
        finally:
            if process is not None:
                process.close()
            self._ready.set()
            self._done.set()

    def ready_copy(self) -> Path | None:
        """The copy the fixed files go into; None when it could not be made or this was closed."""
        self._ready.wait()
        return None if self._stop.is_set() else self.copy

    def synthesize(self) -> SynthResult:
        """Run the app in the copy as it is now (the fixed files placed) and wait for the result."""
        self._go.set()
        self._done.wait()
        if self._error is not None:
            raise self._error
        if self._value is None:
            raise RuntimeError("the prestarted after synthesis was stopped")
        return self._value

    def close(self, wait: bool = True) -> None:
        if not self._go.is_set():
            self._stop.set()
        if wait:
            self._thread.join()


def run_verified(
    targets: Iterable[str],
    config: RunConfig,
    *,
    write: bool = False,
    jobs: int = 1,
    options: VerifyOptions | None = None,
    progress: Progress | None = None,
    on_start=None,
    on_file=None,
    force_exclude: bool = False,
    cache=None,
) -> RunResult:
    """Like `cdkfix.run.run`, with each CDK app's fixes verified by synthesis before anything is written.

    The result carries a `verification` attribute (a `Verification`) for the report.
    `cache` is the check cache (see `cdkfix.run.run`); `options.cache` the synthesis cache.
    Up to `jobs` syntheses run at once: an app's before and after, and apps side by side.
    """
    options = options or VerifyOptions()
    say = progress or (lambda message: None)
    targets = [str(target) for target in targets]
    roots = find_app_roots(targets)
    apps = [load_app(root) for root in roots]
    slots = Slots(jobs)
    ahead: dict[Path, BeforeAhead] = {}
    after_ahead: dict[Path, AfterAhead] = {}
    with tempfile.TemporaryDirectory(prefix="cdkfix-verify-ahead-") as temporary:

        def start(total: int) -> None:
            # The "before" state is the app's files as they are: it does not depend on the fixes, so
            # its synthesis (or cache look-up) starts with the check and runs while it does. Not
            # sooner: the files to check are found first, so the copies are never among them.
            runnable = [(index, app) for index, app in enumerate(apps) if app.entry is not None and not app.problem]
            for index, app in runnable:
                ahead[app.root] = BeforeAhead(app, options, slots, Path(temporary) / f"app{index}")
            # The "after" process of the first apps starts too (a slot pair each: with --jobs 2, one
            # app), so that its start-up runs during the check and beside the before synthesis.
            # Only the first apps: their verification starts first, so a prestarted process never
            # holds a slot that an app verified earlier waits for.
            for index, app in runnable[: slots.size // 2]:
                after_ahead[app.root] = AfterAhead(app, options, slots, Path(temporary) / f"after{index}")
            if on_start is not None:
                on_start(total)

        try:
            return _run_verified(targets, config, write, jobs, options, say, start, on_file, force_exclude, cache,
                                 roots, apps, slots, ahead, after_ahead)
        finally:
            for early in [*ahead.values(), *after_ahead.values()]:
                early.close()


def _run_verified(targets, config, write, jobs, options, say, on_start, on_file, force_exclude, cache,
                  roots, apps, slots, ahead, after_ahead) -> RunResult:
    outcome = run(
        targets, config, write=False, jobs=jobs, on_start=on_start, on_file=on_file, force_exclude=force_exclude,
        cache=cache,
    )
    node = node_major_version()
    verification = Verification(
        python=options.interpreter, timeout=options.timeout, force=options.force, nag=options.nag,
        dry_run=not write, node=f"v{node}" if node else "",
    )
    by_app: dict[Path, list[FileResult]] = {root: [] for root in roots}
    for result in outcome.results:
        root = app_for(Path(result.path), roots)
        if root is None:
            if result.changed:
                verification.outside_apps.append(result.path)
        else:
            by_app[root].append(result)
    busy = [root for root in roots if any(result.changed for result in by_app[root])]
    for root, early in [*ahead.items(), *after_ahead.items()]:
        if root not in busy:
            early.close(wait=False)  # no fix to verify in this app: its syntheses are not needed
    if busy:
        say(f"cdkfix: --verify: synthesizing {len(busy)} CDK app{'s' if len(busy) != 1 else ''} before and after "
            "the fixes (this runs the apps' own code)")
    replaced: dict[str, FileResult] = {}
    done = concurrently(
        [lambda app=app, root=root: verify_app(app, by_app[root], config, options, say, slots=slots, ahead=ahead.get(root),
                                               after_ahead=after_ahead.get(root))
         for root, app in zip(roots, apps)],
        min(slots.size, len(busy)), on_abort=stop_all,
    )
    for checked, results in done:
        verification.apps.append(checked)
        replaced.update(results)
        if checked.status in (NOT_VERIFIED, FAILS_BEFORE) and not checked.written:
            outcome.errors.append(FileError(checked.root, 0, checked.message))
    outcome.results = [replaced.get(result.path, result) for result in outcome.results]
    if write:
        for result in outcome.results:
            if result.changed:
                _write(result, outcome, config.split_hard_links)
    outcome.verification = verification
    return outcome


def verify_app(
    app: CdkApp,
    results: list[FileResult],
    config: RunConfig,
    options: VerifyOptions,
    say: Progress = lambda message: None,
    slots: Slots | None = None,
    ahead: "BeforeAhead | None" = None,
    after_ahead: "AfterAhead | None" = None,
) -> tuple[AppVerification, dict[str, FileResult]]:
    """Verify one app's fixes; the FileResults to use instead of `results` (by path).

    `ahead`: the app's "before" synthesis started while the check ran (used when it synthesized
    the files the check read); `after_ahead`: its "after" process started then (used for the
    synthesis of all the fixes)."""
    started = time.monotonic()
    checked = AppVerification(root=app.shown, command=app.command)
    try:
        final = _verify_app(app, results, config, options, say, checked, slots or Slots(1), ahead, after_ahead)
    finally:
        checked.seconds = time.monotonic() - started
        if after_ahead is not None:
            after_ahead.close(wait=False)  # not used (an early return): its slot is free again
    if checked.status != NO_FIXES:
        say(f"  {app.shown}: {checked.message} [--verify: {checked.seconds:.1f} s]")
    return checked, final


# The engine runs one file at a time per process; apps verified side by side take turns.
_ENGINE = threading.Lock()


def _verify_app(app, results, config, options, say, checked: AppVerification, slots: Slots, ahead=None,
                after_ahead=None) -> dict[str, FileResult]:
    changed = [result for result in results if result.changed]
    fixes = [fix for result in changed for fix in result.fixes if fix.status is FixStatus.APPLIED]
    checked.fixes = len(fixes)
    if not fixes:
        checked.status, checked.written, checked.message = NO_FIXES, True, "no fixes; not synthesized"
        return {}
    if app.problem:
        return _unverified(checked, changed, app.problem, options, NOT_VERIFIED)
    originals: dict[str, bytes] = {}
    for result in changed:
        try:
            originals[result.path] = Path(result.path).read_bytes()
        except OSError as error:
            return _unverified(checked, changed, f"cannot read {result.path}: {error.strerror or error}", options, NOT_VERIFIED)
    all_ids = [fix.id for fix in fixes]
    record_of = {fix.id: fix for fix in fixes}

    def sources(kept: Iterable[str]) -> dict[str, FileResult]:
        kept = set(kept)
        if kept == set(all_ids) and all(digest(originals[result.path]) == result.original_digest for result in changed):
            # Every fix, on the files as the run read them: the run's own results.
            return {result.path: result for result in changed}
        subset = dataclasses.replace(config, skip=frozenset(config.skip | (set(all_ids) - kept)))
        out = {}
        with _ENGINE:
            for path, data in originals.items():
                result = fix_module(data, path, subset)
                result.original_digest = digest(data)
                out[path] = result
        return out

    synth_cache = SynthCache(options.cache) if options.cache is not None else None

    with tempfile.TemporaryDirectory(prefix="cdkfix-verify-") as temporary:
        workdir = Path(temporary)
        folders = Folders(app.root, workdir)
        try:
            # The first copy now: a folder cdkfix cannot copy (unreadable files) is "not verified".
            folders.give(folders.take())
        except UnsupportedApp as error:
            return _unverified(checked, changed, str(error), options, NOT_VERIFIED)

        def place(copy: Path, candidate: dict[str, FileResult]) -> None:
            # Every changed file, fixed or original: a copy is reused for other subsets.
            for path, data in originals.items():
                target = copy / Path(path).resolve().relative_to(app.root)
                result = candidate.get(path)
                target.write_bytes(result.new_source if result is not None and result.changed else data)

        def synth(label: str, count: int, candidate: dict[str, FileResult],
                  prestarted: AfterAhead | None = None) -> tuple[SynthResult, SynthRun]:
            """One synthesis (or its cached result) in a copy of its own, within the run's slots; or in
            the process `prestarted` during the check, which has its own copy and slot."""
            copy = prestarted.ready_copy() if prestarted is not None else None
            if copy is None:
                prestarted, copy = None, folders.take()
            try:
                place(copy, candidate)
                started = time.monotonic()
                key = synth_key(app, copy, python=options.interpreter, nag=options.nag) if synth_cache else ""
                done = synth_cache.get(key) if synth_cache else None
                what = _what(label, count, len(all_ids))
                if done is not None:
                    if prestarted is not None:
                        prestarted.close(wait=False)
                    done.seconds = time.monotonic() - started
                    say(f"  {app.shown}: {what}: cached ({_brief(done)})")
                    return done, SynthRun(label, count, done.seconds, done.ok, cached=True)
                if prestarted is not None:
                    say(f"  {app.shown}: synthesizing {what}… (started during the check)")
                    done = prestarted.synthesize()
                else:
                    with slots.held():
                        say(f"  {app.shown}: synthesizing {what}…")
                        done = synthesize(app, copy, python=options.interpreter, timeout=options.timeout, nag=options.nag, workdir=workdir)
                say(f"    {'ok' if done.ok else 'failed'} in {done.seconds:.1f} s: {_brief(done)}")
                if synth_cache:
                    synth_cache.put(key, done, label=label, app=app.shown)
                return done, SynthRun(label, count, done.seconds, done.ok)
            finally:
                if prestarted is None:
                    folders.give(copy)

        def synth_after() -> tuple[SynthResult, SynthRun]:
            """All the fixes: in the process started during the check when there is one."""
            return synth("after", len(all_ids), full, after_ahead)

        full = sources(all_ids)
        if ahead is not None and not ahead.matches(originals):
            ahead.close(wait=False)  # a file changed between the copy and the check's reading: synthesize again
            ahead = None

        def synth_before() -> tuple[SynthResult, SynthRun]:
            if ahead is None:
                return synth("before", 0, {})
            return ahead.result(say)

        if slots.size > 1 and not (ahead is not None and ahead.failed_environment()):
            # Before and after at the same time: the after state does not depend on the before's outcome.
            (before, before_run), (after, after_run) = concurrently([synth_before, synth_after], slots.size, on_abort=stop_all)
            checked.synths += [before_run, after_run]
        else:
            before, before_run = synth_before()
            checked.synths.append(before_run)
        checked.before = before
        if not before.ok and before.environment_problem:
            return _unverified(checked, changed, before.error, options, NOT_VERIFIED)
        if len(checked.synths) == 1:
            after, after_run = synth_after()
            checked.synths.append(after_run)
        checked.after = after
        if not before.ok:
            checked.final = after
            state = "the fixed app synthesizes" if after.ok else f"nor after them ({after.error})"
            return _unverified(checked, changed, f"does not synthesize before the fixes ({before.error}); {state}", options, FAILS_BEFORE)
        problems = after.new_problems(before) if after.ok else []
        if after.ok and not problems:
            checked.status, checked.final, checked.written, checked.kept = VERIFIED, after, True, len(all_ids)
            checked.comparison = compare(before, after)
            checked.replaced = _replaced(before, after)
            checked.message = f"verified: synthesizes before and after the {len(all_ids)} fix{'es' if len(all_ids) != 1 else ''}"
            return full

        failure = after.error if not after.ok else "; ".join(problems)
        what = "does not synthesize" if not after.ok else "fails validation"
        say(f"  {app.shown}: the fixed app {what} ({failure}); looking for the fixes that break it")
        tried: dict[frozenset, tuple[SynthResult, dict[str, FileResult]]] = {frozenset(all_ids): (after, full)}
        errors: dict[frozenset, str] = {frozenset(all_ids): failure}
        runs: dict[frozenset, SynthRun] = {}

        def synthesizes(kept: list[str]) -> bool:
            candidate = sources(kept)
            done, run_ = synth("bisect", len(kept), candidate)
            tried[frozenset(kept)] = (done, candidate)
            runs[frozenset(kept)] = run_
            errors[frozenset(kept)] = done.error if not done.ok else "; ".join(done.new_problems(before))
            return not errors[frozenset(kept)]

        bisection = find_breaking_parallel(all_ids, synthesizes, width=slots.size, on_abort=stop_all)
        checked.synths += list(runs.values())  # in the order they finished (several run at once)
        if bisection.kept:
            final, chosen = tried[frozenset(bisection.kept)]
        else:
            final, chosen = before, sources([])
        checked.status, checked.final, checked.written, checked.kept = ROLLED_BACK, final, True, len(bisection.kept)
        checked.comparison = compare(before, final)
        checked.replaced = _replaced(before, final)
        for fix_id in bisection.broken:
            error = errors.get(bisection.blame[fix_id]) or failure
            checked.rolled_back.append(FixRef.of(record_of[fix_id], error))
        _mark_rolled_back(chosen, checked.rolled_back, app.shown)
        checked.message = (
            f"the fixed app {what}; {len(bisection.broken)} of {len(all_ids)} fixes rolled back "
            f"({', '.join(f'{item.code} at {item.path}:{item.line}' for item in checked.rolled_back)}), "
            f"the other {len(bisection.kept)} kept"
        )
        return chosen


def _replaced(before: SynthResult, final: SynthResult) -> list:
    """Resources CloudFormation would replace going from `before` to `final` (the fix-effect facts)."""
    try:
        from cdkfix.effects.changes import replacements
    except ImportError:  # pragma: no cover - cfn-lint is in the verify extra
        return []
    try:
        return replacements(before.templates, final.templates)
    except (ImportError, OSError, ValueError):
        return []


def _what(label: str, count: int, total: int) -> str:
    if label == "before":
        return "before the fixes"
    if label == "after":
        return f"after the fixes ({count} fix{'es' if count != 1 else ''})"
    return f"with {count} of the {total} fixes"


def _brief(result: SynthResult) -> str:
    if not result.ok:
        return result.error
    text = result.summary()
    if result.nag is not None:
        text += f"; cdk-nag AwsSolutions: {result.nag.findings} findings"
    return text


def _unverified(
    checked: AppVerification, changed: list[FileResult], reason: str, options: VerifyOptions, status: str
) -> dict[str, FileResult]:
    """The app's fixes are written only with --force; otherwise they are left out, with the reason."""
    checked.status = status
    prefix = "not verified: " if status == NOT_VERIFIED else ""
    if options.force:
        checked.written, checked.kept = True, checked.fixes
        checked.message = f"{prefix}{reason}; its fixes are written anyway (--force)"
        return {}  # the engine's results, unchanged
    checked.message = f"{prefix}{reason}; nothing written for this app (--force to write its fixes anyway)"
    checked.held_back = [FixRef.of(fix) for result in changed for fix in result.fixes if fix.status is FixStatus.APPLIED]
    return {result.path: _withheld(result, f"{prefix}{reason}") for result in changed}


def _withheld(result: FileResult, reason: str) -> FileResult:
    fixes = []
    for fix in result.fixes:
        if fix.status is FixStatus.APPLIED:
            fix = dataclasses.replace(fix, status=FixStatus.SKIPPED, detail=f"not written by --verify: {reason}")
        fixes.append(fix)
    return dataclasses.replace(result, new_source=None, fixes=fixes)


def _mark_rolled_back(results: dict[str, FileResult], rolled_back: list[FixRef], app: str) -> None:
    blamed = {item.id: item for item in rolled_back}
    for result in results.values():
        for fix in result.fixes:
            item = blamed.get(fix.id)
            if item is None:
                continue
            fix.status = FixStatus.SKIPPED
            # item.error says which: a synthesis error, or a CloudFormation Validate / IAM error it adds
            fix.detail = f"rolled back by --verify: {app} does not synthesize or validate with this fix: {item.error}"
            result.errors.append(FileError(result.path, fix.line, f"{fix.code} fix rolled back by --verify: {app} does not synthesize or validate with it ({item.error})"))
