"""What the AwsSolutions pack does to real CDK apps: cdk-nag errors before and after.

    python bench/awssolutions_eval.py /work/evalapps [--python PY] [--json out.json] [--select AwsSolutions]
    python bench/awssolutions_eval.py - --rows run1.json run2.json   # report only, runs combined

Fetches nothing: the apps folder holds one copy of each app (a folder with cdk.json; the
list of repositories, commits and folders is bench/awssolutions_apps.tsv). Every app is
copied to a temporary folder and
  1. synthesized offline with cdk-nag 3 AwsSolutions as a validation plugin (before);
     an app that does not synthesize here (missing dependencies, Docker bundling, context
     look-ups) is listed as skipped and counts nowhere;
  2. fixed with `cdkfix apply --unsafe-fixes --select AwsSolutions` (a subprocess, as a user runs it);
  3. checked: every changed file compiles; a second `apply` changes nothing;
  4. synthesized again (after).
It prints synthesis regressions, AwsSolutions errors by rule before/after, apps whose
errors went up, and the compile and idempotence checks. The app's own code runs (that is
what synthesis is); run it only on apps you would run yourself.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from cdkfix.verify import synth as synth_module
from cdkfix.verify.apps import copy_app, load_app
from cdkfix.verify.nag import PLUGIN_NAME, base_rule

# synthesize() reads validation-report.json and deletes the run folder; the errors by rule
# (severity "error" only: the issue counts cdk-nag errors) are taken on the way.
_LAST_ERRORS: list[Counter] = []
# With --details, every error as "rule[finding] construct-path", to see what is left and why.
_LAST_DETAILS: list[list[str]] = []
_original_read = synth_module.read_validation_report


def _read_with_errors(outdir):
    errors: Counter = Counter()
    details: list[str] = []
    seen = set()
    try:
        data = json.loads((Path(outdir) / "validation-report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    for report in data.get("pluginReports", []):
        if report.get("pluginName") != PLUGIN_NAME:
            continue
        for violation in report.get("violations", []):
            if violation.get("severity", "error") != "error":
                continue
            for construct in violation.get("violatingConstructs", []) or [{}]:
                key = (violation.get("ruleName"), construct.get("constructPath", ""))
                if key not in seen:
                    seen.add(key)
                    errors[base_rule(violation.get("ruleName", "?"))] += 1
                    details.append(f"{violation.get('ruleName')} {construct.get('constructPath', '')}")
    _LAST_ERRORS.append(errors)
    _LAST_DETAILS.append(sorted(details))
    return _original_read(outdir)


synth_module.read_validation_report = _read_with_errors


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*.py")
        if "cdk.out" not in path.parts
    }


def _apply(folder: Path, select: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cdkfix", "apply", "--unsafe-fixes", "--select", select, "--isolated", "-j", "1", str(folder)],
        capture_output=True, text=True, timeout=600,
    )


def _synth(folder: Path, python: str, timeout: float, workdir: Path):
    _LAST_ERRORS.clear()
    _LAST_DETAILS.clear()
    result = synth_module.synthesize(load_app(folder), folder, python=python, timeout=timeout, nag=True, workdir=workdir)
    errors = _LAST_ERRORS[-1] if _LAST_ERRORS else Counter()
    return result, errors


def _last_details() -> list[str]:
    return _LAST_DETAILS[-1] if _LAST_DETAILS else []


_DUMMY_ENV = {"CDK_DEFAULT_ACCOUNT": "123456789012", "CDK_DEFAULT_REGION": "us-east-1"}


def evaluate(app_root: Path, python: str, timeout: float, select: str, details: bool = False) -> dict:
    # The dummy environment one app may need is that app's only: restored however the app ends
    # (a skipped app returns early), else every later app that reads CDK_DEFAULT_ACCOUNT becomes
    # environment-specific and may need look-ups it cannot do offline.
    saved = {name: os.environ.get(name) for name in _DUMMY_ENV}
    try:
        return _evaluate(app_root, python, timeout, select, details)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _evaluate(app_root: Path, python: str, timeout: float, select: str, details: bool) -> dict:
    row: dict = {"app": app_root.name}
    with tempfile.TemporaryDirectory(prefix="cdkfix-eval-") as temp:
        work = Path(temp)
        copy = copy_app(app_root, work / "app")
        before, errors_before = _synth(copy, python, timeout, work)
        if not before.ok and "KeyError" in before.error:
            # `cdk synth` with credentials sets these and many apps read them
            # (os.environ["CDK_DEFAULT_ACCOUNT"]); dummy values keep synthesis offline. Only on
            # such a failure: an environment makes stacks env-specific (AZ look-ups).
            os.environ.update(_DUMMY_ENV)
            row["dummy_env"] = True
            before, errors_before = _synth(copy, python, timeout, work)
        details_before = _last_details()
        if not before.ok:
            row.update(status="skipped", reason=before.error[:300])
            return row
        old = _digests(copy)
        applied = _apply(copy, select)
        new = _digests(copy)
        changed = sorted(name for name in new if old.get(name) != new[name])
        row["changed_files"] = changed
        row["apply_exit"] = applied.returncode
        row["compile_errors"] = []
        for name in changed:
            try:
                compile((copy / name).read_bytes(), name, "exec", dont_inherit=True)
            except SyntaxError as error:
                row["compile_errors"].append(f"{name}: {error}")
        second = _apply(copy, select)
        row["second_run_changes"] = sorted(name for name, digest in _digests(copy).items() if new.get(name) != digest)
        del second
        after, errors_after = _synth(copy, python, timeout, work)
        row.update(
            status="ok" if after.ok else "regression",
            reason="" if after.ok else after.error[:300],
            errors_before=dict(errors_before),
            errors_after=dict(errors_after) if after.ok else {},
        )
        if details:
            row.update(details_before=details_before, details_after=_last_details() if after.ok else [])
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("apps", type=Path, help="folder holding one folder per app (each with cdk.json)")
    parser.add_argument("--python", default=sys.executable, help="the Python that runs the apps")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--select", default="AwsSolutions")
    parser.add_argument("--json", type=Path, help="also write every app's row here")
    parser.add_argument("--details", action="store_true", help="rows also list every error (rule[finding] construct path) before and after")
    parser.add_argument("--only", type=Path, help="a file naming the app folders to run, one a line (e.g. those that synthesized last time)")
    parser.add_argument("--rows", type=Path, nargs="*", help="only report, from rows saved with --json (several runs combine)")
    args = parser.parse_args(argv)
    if args.rows:
        report([row for path in args.rows for row in json.loads(path.read_text(encoding="utf-8"))])
        return 0
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

    roots = sorted(path.parent for path in args.apps.glob("*/cdk.json"))
    if args.only:
        wanted = set(args.only.read_text(encoding="utf-8").split())
        roots = [root for root in roots if root.name in wanted]
    rows = []
    for root in roots:
        row = evaluate(root, args.python, args.timeout, args.select, args.details)
        rows.append(row)
        total = (sum(row.get("errors_before", {}).values()), sum(row.get("errors_after", {}).values()))
        print(f"{row['status']:10} {row['app']}: {total[0]} -> {total[1]}" + (f"  ({row['reason']})" if row.get("reason") else ""), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    report(rows)
    return 0


def report(rows: list[dict]) -> None:
    measured = [row for row in rows if row["status"] != "skipped"]
    regressions = [row for row in measured if row["status"] == "regression"]
    ok = [row for row in measured if row["status"] == "ok"]
    before, after = Counter(), Counter()
    for row in ok:
        before.update(row["errors_before"])
        after.update(row["errors_after"])
    up = [row for row in ok if sum(row["errors_after"].values()) > sum(row["errors_before"].values())]
    rule_up = [
        (row["app"], rule) for row in ok for rule in set(row["errors_before"]) | set(row["errors_after"])
        if row["errors_after"].get(rule, 0) > row["errors_before"].get(rule, 0)
    ]
    total_before, total_after = sum(before.values()), sum(after.values())
    print()
    print(f"apps: {len(rows)}; synthesize before: {len(measured)}; skipped: {len(rows) - len(measured)}")
    print(f"synthesis regressions: {len(regressions)}" + "".join(f"\n  {row['app']}: {row['reason']}" for row in regressions))
    change = (total_after - total_before) / total_before * 100 if total_before else 0.0
    print(f"AwsSolutions errors (apps that synthesize before and after): {total_before} -> {total_after} ({change:+.1f} %)")
    print(f"apps with more errors: {len(up)}" + "".join(f"\n  {row['app']}" for row in up))
    print(f"(app, rule) pairs that went up: {len(rule_up)}" + "".join(f"\n  {app}: {rule}" for app, rule in rule_up))
    print(f"files changed: {sum(len(row.get('changed_files', [])) for row in measured)}; "
          f"that do not compile: {sum(len(row.get('compile_errors', [])) for row in measured)}; "
          f"changed by a second run: {sum(len(row.get('second_run_changes', [])) for row in measured)}")
    print("\nerrors by rule (before -> after):")
    for rule in sorted(set(before) | set(after), key=lambda name: (-before[name], name)):
        print(f"  {rule:28} {before[rule]:5} -> {after[rule]:5}")


if __name__ == "__main__":
    sys.exit(main())
