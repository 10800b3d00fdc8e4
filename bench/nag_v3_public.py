"""The cdk-nag v2 -> v3 migration on public apps (bench/nag_v3_apps.tsv): how many calls are
migrated, what is reported as not migratable and why, whether the apps synthesize after, and
how many findings are acknowledged before (cdk-nag 2) and after (cdk-nag 3).

The repositories are not in git (never commit fetched code): bring each one with the `fetch`
tool first (a bare snapshot under --mirrors, `<owner>+<name>/repo`); the script exports the
listed commit to a temporary folder, runs `cdkfix apply --select cdk-nag-v3` there, and
synthesizes every Python CDK app of the repository (a folder with cdk.json) before the
migration with --v2-python (aws-cdk-lib 2.275 + cdk-nag 2) and after it with --v3-python
(aws-cdk-lib 2.275 + cdk-nag 3). Offline: an app that needs AWS look-ups, Docker or modules
that are not installed is counted as "does not synthesize here" with the reason.

    .venv/bin/python bench/nag_v3_public.py --v2-python /tmp/nagv2/bin/python [--json out.json]

Counts: before, cdk-nag 2's report files (`*-NagReport.csv`, rows "Suppressed") and its
annotations (unsuppressed); after, cdk-nag 3's validation-report.json (unacknowledged) and a
second synthesis with `Validations.acknowledge` disabled (all findings): acknowledged = all -
unacknowledged.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nag_v3_proof as proof  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "bench" / "nag_v3_apps.tsv"

NO_ACK = r'''
import os, runpy, sys
import aws_cdk
aws_cdk.Validations.acknowledge = lambda self, *rules: None  # every finding, as if none were acknowledged
target = sys.argv[1]
sys.argv = [target, *sys.argv[2:]]
sys.path.insert(0, os.getcwd())
runpy.run_path(target, run_name="__main__")
'''


def read_list(path: Path = LIST) -> list[dict]:
    rows = []
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        repo, commit, apps, *note = line.split("\t")
        rows.append({"repo": repo, "commit": commit, "apps": [a for a in apps.split(",") if a], "note": note[0] if note else ""})
    return rows


def export(mirrors: Path, repo: str, commit: str, dest: Path) -> list[str]:
    """Write the commit's files under `dest`; the snapshot's largest files may be absent
    (returned: what was left out)."""
    git_dir = str(mirrors / repo.replace("/", "+") / "repo")
    listing = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", commit], capture_output=True, check=True).stdout
    entries = []
    for item in listing.decode().split("\0"):
        if not item:
            continue
        meta, path = item.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode != "120000":
            entries.append((sha, path))
    batch = subprocess.Popen(["git", "--git-dir", git_dir, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    missing = []
    for sha, path in entries:
        batch.stdin.write(sha.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            missing.append(path)
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    batch.stdin.close()
    batch.wait()
    return missing


def migrate(folder: Path, report: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "cdkfix", "apply", "--select", "cdk-nag-v3", "--report", str(report), str(folder)],
        capture_output=True, text=True,
    )
    data = json.loads(report.read_text()) if report.exists() else {"fixes": []}
    fixes = data.get("fixes", [])
    return {
        "exit": done.returncode,
        "by_status": dict(Counter(fix["status"] for fix in fixes)),
        "by_code": dict(Counter(f"{fix['code']} {fix['status']}" for fix in fixes)),
        "not_migrated": [f"{fix['path']}:{fix['line']}: {fix['message']}: {fix.get('detail', '')}" for fix in fixes if fix["status"] != "applied"],
        "errors": done.stderr.strip().splitlines()[-5:] if done.returncode not in (0, 1) else [],
    }


def _command(app_dir: Path) -> tuple[list[str], dict] | None:
    from cdkfix.verify.apps import context_for, load_app

    app = load_app(app_dir)
    if app.problem or app.entry is None or app.entry.mode != "script":
        return None
    env = {"CDK_CONTEXT_JSON": json.dumps(context_for(app))}
    return [app.entry.target, *app.entry.args], env


def synth(python: str, app_dir: Path, outdir: Path, *, no_ack: bool = False) -> tuple[bool, str]:
    found = _command(app_dir)
    if found is None:
        return False, "not a `python app.py` app"
    argv, extra = found
    env = {**os.environ, **extra, "CDK_OUTDIR": str(outdir), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    if no_ack:
        wrapper = outdir.parent / f"{outdir.name}_noack.py"
        wrapper.write_text(NO_ACK)
        argv = [str(wrapper), *argv]
    try:
        done = subprocess.run([python, *argv], cwd=app_dir, env=env, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return False, "timeout"
    if (outdir / "manifest.json").exists() and (done.returncode == 0 or "ValidationFailed" in done.stderr):
        return True, ""
    last = [line for line in done.stderr.strip().splitlines() if line.strip() and "!!" not in line]
    return False, last[-1][:300] if last else f"exit {done.returncode}"


def v2_suppressed(outdir: Path) -> int:
    count = 0
    for report in outdir.glob("*-NagReport.csv"):
        with report.open(newline="") as handle:
            count += sum(1 for row in csv.DictReader(handle) if row.get("Compliance") == "Suppressed")
    return count


def granular_step(app_dir: Path, python: str, data: Path) -> str:
    """The synthesis mode for one app: its granular IDs, handed to NAG3-2 by a cdkfix.toml."""
    from cdkfix.transforms.nag_v3.granular import find_granular

    try:
        found = find_granular(app_dir, python, in_place=True)  # the export is a throwaway copy already
    except (SystemExit, subprocess.SubprocessError) as error:
        return f"failed: {str(error).strip().splitlines()[-1][:200]}"
    data.write_text(json.dumps(found))
    config = app_dir / "cdkfix.toml"
    if config.exists():
        return "skipped: the app has its own cdkfix.toml"
    config.write_text(f'[rules.NAG3-2]\ngranular-findings = "{data}"\n')
    ids = sum(len(v) for rules in found["calls"].values() for key, v in rules.items() if not key.startswith("ids "))
    return f"{ids} granular IDs at {len(found['calls'])} call sites"


def measure(row: dict, mirrors: Path, v2_python: str | None, v3_python: str, synthesis_mode: bool = False) -> dict:
    result = {"repo": row["repo"], "commit": row["commit"], "apps": {}}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        before, after = work / "before", work / "after"
        result["not_in_snapshot"] = len(export(mirrors, row["repo"], row["commit"], before))
        export(mirrors, row["repo"], row["commit"], after)
        if synthesis_mode:
            result["synthesis_mode"] = {}
            for app in row["apps"]:
                result["synthesis_mode"][app] = granular_step(after / app, v3_python, work / f"granular-{len(result['synthesis_mode'])}.json")
        result["migration"] = migrate(after, work / "report.json")
        for app in row["apps"]:
            entry: dict = {}
            if v2_python:
                ok, why = synth(v2_python, before / app, work / f"v2-{len(result['apps'])}")
                out = work / f"v2-{len(result['apps'])}"
                entry["v2"] = {"synthesizes": ok, "why": why}
                if ok:
                    entry["v2"].update(unsuppressed=len(proof.v2_findings(out)), suppressed=v2_suppressed(out),
                                       per_rule=proof.per_rule(proof.v2_findings(out)))
            out = work / f"v3-{len(result['apps'])}"
            ok, why = synth(v3_python, after / app, out)
            entry["v3"] = {"synthesizes": ok, "why": why}
            if ok:
                left = proof.v3_findings(out)
                every = work / f"v3all-{len(result['apps'])}"
                ok_all, _ = synth(v3_python, after / app, every, no_ack=True)
                total = len(proof.v3_findings(every)) if ok_all else None
                entry["v3"].update(unacknowledged=len(left), acknowledged=None if total is None else total - len(left),
                                   per_rule=proof.per_rule(left))
            if "v2" in entry and entry["v2"].get("synthesizes") and entry["v3"].get("synthesizes"):
                entry["same_unacknowledged_per_rule"] = entry["v2"]["per_rule"] == entry["v3"]["per_rule"]
            result["apps"][app or "."] = entry
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", default="/work/.mirror", type=Path)
    parser.add_argument("--v2-python", help="a Python with aws-cdk-lib 2.275 and cdk-nag 2.x (before)")
    parser.add_argument("--v3-python", default=sys.executable, help="a Python with cdk-nag 3 (after)")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--only", help="only the repositories whose name contains this")
    parser.add_argument("--synthesis-mode", action="store_true", help="run the granular-ID synthesis first (runs the apps)")
    args = parser.parse_args(argv)
    results = [measure(row, args.mirrors, args.v2_python, args.v3_python, args.synthesis_mode) for row in read_list() if not args.only or args.only in row["repo"]]
    for result in results:
        m = result["migration"]
        print(f"{result['repo']}: fixes {m['by_status']} {m['by_code']}")
        for app, outcome in result.get("synthesis_mode", {}).items():
            print(f"    synthesis mode {app}: {outcome}")
        for line in m["not_migrated"]:
            print(f"    not migrated: {line}")
        for app, entry in result["apps"].items():
            print(f"    app {app}: {json.dumps({k: {x: y for x, y in v.items() if x != 'per_rule'} if isinstance(v, dict) else v for k, v in entry.items()})}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
