"""cdk-nag 3 without editing the user's files: a bootstrap script runs the app's entry.

cdk-nag 3 is a policy-validation plugin: `Validations.of(app).add_plugins(AwsSolutionsChecks(app))`.
The bootstrap (written to the temporary folder and run by the chosen Python instead of
`app.py`) wraps `App.__init__` to add the plugin, wraps `App.synth` to turn cdk-nag's
`ValidationFailed` into "synthesized, with findings" (the cloud assembly and
`validation-report.json` are complete by then), and runs the entry with runpy as
`python app.py` would. It writes what happened to a small JSON file, so errors are
read from structured data rather than guessed from stderr.

aws-cdk-lib's own CloudFormation Validate plugin runs on every synthesis too (with
`@aws-cdk/core:validateAgainstDefaultRules` on, see synth.py): its `ValidationFailed` is caught
the same way, and its findings are read from the report as data (`read_validate_findings`), so
an error it finds is never taken for "synthesized with cdk-nag findings".

The bootstrap also runs without cdk-nag (or with it disabled): it is how every
synthesis is run, so missing aws-cdk-lib, Node.js or app modules are told apart.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

PLUGIN_NAME = "AwsSolutions"
BOOTSTRAP_NAME = "cdkfix_verify_bootstrap.py"
# Written to stderr by a prestarted bootstrap when its warm-up is done: what comes before is not the app's.
WARM_UP_DONE = "cdkfix-verify: warm-up done"

# Only the standard library, aws_cdk and cdk_nag: it runs in the user's Python, not cdkfix's.
BOOTSTRAP = r'''
"""cdkfix --verify: run a CDK app's entry point (as `python app.py` would) and report the outcome."""
import json
import os
import runpy
import sys
import traceback

_RESULT = os.environ.pop("CDKFIX_VERIFY_RESULT")
_NAG = os.environ.pop("CDKFIX_VERIFY_NAG", "0") == "1"
_WAIT = os.environ.pop("CDKFIX_VERIFY_WAIT", "0") == "1"
_WARM_UP_DONE = "%WARM_UP_DONE%"
_state = {"status": "running", "nag": "off", "validation_failed": False, "synth_calls": 0, "versions": {}}


class _SynthDone(BaseException):
    """cdk-nag found errors: the assembly is written; stop the app here."""


def _save():
    with open(_RESULT, "w", encoding="utf-8") as handle:
        json.dump(_state, handle)


def _version(name):
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:
        return ""


def _describe(error):
    frames = []
    for frame in traceback.extract_tb(error.__traceback__):
        frames.append([frame.filename, frame.lineno or 0, frame.name])
    name = getattr(error, "name", None)
    return {
        "type": type(error).__name__,
        "message": str(error),
        "module": name if isinstance(error, ImportError) else None,
        "filename": getattr(error, "filename", None) if isinstance(error, OSError) else None,
        "frames": frames,
        "traceback": "".join(traceback.format_exception(type(error), error, error.__traceback__))[-6000:],
    }


def _patch(aws_cdk):
    original_init = aws_cdk.App.__init__
    original_synth = aws_cdk.App.synth

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if _NAG and _state["nag"] == "loaded":
            from cdk_nag import AwsSolutionsChecks
            aws_cdk.Validations.of(self).add_plugins(AwsSolutionsChecks(self))

    def synth(self, *args, **kwargs):
        _state["synth_calls"] += 1
        try:
            return original_synth(self, *args, **kwargs)
        except Exception as error:
            if "ValidationFailed" in str(error):
                _state["validation_failed"] = True
                raise _SynthDone() from None
            raise

    aws_cdk.App.__init__ = __init__
    aws_cdk.App.synth = synth


def _warm_up(aws_cdk):
    """Do, on a one-resource app of its own, the one-time work of a process's first synthesis
    (CloudFormation Validate's rules, cdk-nag's pack, loading the core's JavaScript), while
    cdkfix is still checking the files the app will run from. Its output folder is its own and
    removed; any failure is ignored (the app's synthesis then does that work itself)."""
    import shutil
    import tempfile
    outdir = tempfile.mkdtemp(prefix="cdkfix-warm-up-")
    try:
        # Its context is the synthesis's own (CDK_CONTEXT_JSON, which turns CloudFormation Validate on).
        app = aws_cdk.App(outdir=outdir)
        if _NAG and _state["nag"] == "loaded":
            from cdk_nag import AwsSolutionsChecks
            aws_cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
        aws_cdk.CfnWaitConditionHandle(aws_cdk.Stack(app, "CdkfixWarmUp"), "Handle")
        app.synth()
    except Exception:
        pass
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


def main(argv):
    mode, target, args = argv[0], argv[1], argv[2:]
    try:
        import aws_cdk
    except BaseException as error:
        _state["status"], _state["stage"], _state["error"] = "error", "import-cdk", _describe(error)
        return 3
    _state["versions"]["aws-cdk-lib"] = _version("aws-cdk-lib")
    if _NAG:
        try:
            import cdk_nag  # noqa: F401
            _state["nag"] = "loaded"
            _state["versions"]["cdk-nag"] = _version("cdk-nag")
        except ImportError:
            _state["nag"] = "missing"
        except BaseException as error:
            _state["nag"] = "error: %s: %s" % (type(error).__name__, error)
    if _WAIT:
        _warm_up(aws_cdk)
        try:
            _drain_node_stderr()
        except Exception:
            pass
        sys.stderr.write(_WARM_UP_DONE + "\n")
        sys.stderr.flush()
        if sys.stdin.readline().strip() != "go":
            _state["status"], _state["stage"] = "stopped", "wait"
            return 0
        # The app's own stdin is nothing, as in an ordinary synthesis.
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        sys.stdin = open(0, closefd=False)
    _patch(aws_cdk)
    app_dir = os.getcwd()
    if mode == "script":
        sys.argv = [target, *args]
        sys.path[0] = os.path.dirname(os.path.abspath(target))
    else:
        sys.argv = [target, *args]
        sys.path[0] = app_dir
    try:
        if mode == "script":
            runpy.run_path(os.path.abspath(target), run_name="__main__")
        else:
            runpy.run_module(target, run_name="__main__", alter_sys=True)
    except _SynthDone:
        pass
    except SystemExit as error:
        if error.code not in (None, 0):
            _state["status"], _state["stage"] = "error", "app"
            _state["error"] = {"type": "SystemExit", "message": "the app exited with %r" % (error.code,), "frames": []}
            return error.code if isinstance(error.code, int) else 1
    except BaseException as error:
        _state["status"], _state["stage"], _state["error"] = "error", "app", _describe(error)
        return 1
    _state["status"] = "ok"
    return 0


def _drain_node_stderr():
    """Let jsii's stderr thread copy what Node.js has written so far (warnings) to our stderr.

    Node writes its console to a pipe synchronously, and before the answer to the call that
    printed it, so once the app is done everything is in the pipe; the thread reads it line
    by line. Wait until the pipe is empty three times in a row (at most a second)."""
    import fcntl
    import struct
    import termios
    import threading
    import time
    for thread in threading.enumerate():
        if thread.name != "process.stderr_sink" or not getattr(thread, "_args", ()):
            continue
        fd = thread._args[0].fileno()
        deadline, quiet = time.monotonic() + 1.0, 0
        while quiet < 3 and time.monotonic() < deadline:
            pending = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
            quiet = quiet + 1 if pending == 0 else 0
            time.sleep(0.01)


def _exit_now(code):
    """Leave without the interpreter's and jsii's teardown: the result is saved and the cloud
    assembly written, and the teardown is 1.5 s of each synthesis (Python freeing aws_cdk's
    modules, 0.4 s; Node.js tearing down its heap once told to exit, 1.1 s of CPU, while
    jsii waits for it). cdkfix kills what is left of the process group, and Node.js's and
    jsii's temporary folders are in the synthesis's own TMPDIR, which cdkfix removes. Only
    where cdkfix asks for it (CDKFIX_VERIFY_FAST_EXIT) and on POSIX; else a normal exit."""
    try:
        _drain_node_stderr()
    except Exception:
        pass
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code if isinstance(code, int) else 1)


if __name__ == "__main__":
    _fast_exit = os.environ.pop("CDKFIX_VERIFY_FAST_EXIT", "0") == "1" and os.name == "posix"
    try:
        code = main(sys.argv[1:])
    finally:
        _save()
    if _fast_exit:
        _exit_now(code)
    sys.exit(code)
'''


def write_bootstrap(folder: Path) -> Path:
    path = Path(folder) / BOOTSTRAP_NAME
    path.write_text(BOOTSTRAP.replace("%WARM_UP_DONE%", WARM_UP_DONE), encoding="utf-8")
    return path


@dataclass
class NagCounts:
    """cdk-nag AwsSolutions findings: one per (finding id, construct); by rule ID without the finding's detail."""

    findings: int = 0
    errors: int = 0
    warnings: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)

    @property
    def rules(self) -> set[str]:
        return set(self.by_rule)

    def to_dict(self) -> dict:
        return {"findings": self.findings, "errors": self.errors, "warnings": self.warnings, "by_rule": dict(sorted(self.by_rule.items()))}


def base_rule(finding: str) -> str:
    """`AwsSolutions-IAM5[Action::s3:List*]` -> `AwsSolutions-IAM5`."""
    return finding.split("[", 1)[0]


VALIDATE_PLUGIN = "CloudFormation Validate"  # aws-cdk-lib's built-in plugin


@dataclass(frozen=True)
class ValidateFinding:
    """A finding of aws-cdk-lib's built-in CloudFormation Validate plugin (E3510, ...)."""

    rule: str
    message: str
    path: str  # construct path
    severity: str = "error"

    def __str__(self) -> str:
        return f"CloudFormation Validate {self.rule} at {self.path}: {self.message}"

    def to_dict(self) -> dict:
        return {"rule": self.rule, "message": self.message, "path": self.path, "severity": self.severity}


def read_validate_findings(outdir: Path) -> list[ValidateFinding]:
    """CloudFormation Validate's findings in `validation-report.json` (none when there is no report)."""
    try:
        data = json.loads((Path(outdir) / "validation-report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found: list[ValidateFinding] = []
    for report in data.get("pluginReports", []) or []:
        if report.get("pluginName") != VALIDATE_PLUGIN:
            continue
        for violation in report.get("violations", []) or []:
            for construct in violation.get("violatingConstructs", []) or [{}]:
                finding = ValidateFinding(violation.get("ruleName", "?"), violation.get("description", ""),
                                          construct.get("constructPath", ""), violation.get("severity", "error"))
                if finding not in found:
                    found.append(finding)
    return found


def read_validation_report(outdir: Path) -> tuple[NagCounts | None, list[str]]:
    """AwsSolutions counts from `validation-report.json`, and other plugins' findings as messages
    (CloudFormation Validate's are read by `read_validate_findings`)."""
    path = Path(outdir) / "validation-report.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, []
    seen: set[tuple[str, str]] = set()
    counts = NagCounts()
    per_rule: Counter = Counter()
    others: list[str] = []
    for report in data.get("pluginReports", []):
        name = report.get("pluginName", "")
        for violation in report.get("violations", []):
            rule = violation.get("ruleName", "?")
            severity = violation.get("severity", "error")
            for construct in violation.get("violatingConstructs", []) or [{}]:
                where = construct.get("constructPath", "")
                if name == VALIDATE_PLUGIN:
                    continue
                if name != PLUGIN_NAME:
                    others.append(f"{name} {rule} ({severity}) at {where}")
                    continue
                if (rule, where) in seen:  # the app may add the plugin itself too
                    continue
                seen.add((rule, where))
                counts.findings += 1
                per_rule[base_rule(rule)] += 1
                if severity == "warning":
                    counts.warnings += 1
                else:
                    counts.errors += 1
    counts.by_rule = dict(per_rule)
    return counts, others
