"""The cdk-nag v2 -> v3 migration proof: the same findings acknowledged before and after.

The "before" side needs cdk-nag 2, which must not go into cdkfix's environment (cdk-nag 3
replaced it there). This script synthesizes the v2 apps of tests/data/nag_v3/ with a Python
that has aws-cdk-lib 2.275 and cdk-nag 2.x and writes, per app, the findings cdk-nag 2 left
unsuppressed (warning and error annotations in the cloud assembly) to
tests/data/nag_v3/v2_findings.json, with each app's sha256 so the test sees stale data.
tests/test_nag_v3_proof.py synthesizes the migrated apps with cdk-nag 3 and compares.

    python3 -m venv /tmp/nagv2 && /tmp/nagv2/bin/pip install 'aws-cdk-lib==2.275.*' 'cdk-nag<3' 'constructs>=10,<11'
    .venv/bin/python bench/nag_v3_proof.py --python /tmp/nagv2/bin/python

Committing the v2 data instead of building a cdk-nag 2 environment in every CI run saves the
install (about a minute of pip for aws-cdk-lib) and keeps CI offline; the test re-derives
the v2 side when NAG_V3_V2_PYTHON names such a Python.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "tests" / "data" / "nag_v3"
V2_DATA = APPS / "v2_findings.json"
PACK_PREFIXES = ("AwsSolutions-", "HIPAA.Security-", "NIST.800.53.R4-", "NIST.800.53.R5-", "PCI.DSS.321-", "Serverless-")
# "AwsSolutions-IAM5[Resource::*]: The IAM entity contains wildcard permissions ..."
_V2_MESSAGE = re.compile(r"^(?P<id>[A-Za-z0-9.]+-[A-Za-z0-9]+(?:\[.*?\])?): ")


def app_digest(app: Path) -> str:
    return hashlib.sha256((app / "app.py").read_bytes()).hexdigest()


def synthesize(python: str, app_dir: Path, outdir: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "CDK_OUTDIR": str(outdir), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    return subprocess.run(
        [python, "app.py"], cwd=app_dir, env=env, capture_output=True, text=True, timeout=timeout
    )


def v2_findings(outdir: Path) -> list[tuple[str, str]]:
    """(finding ID, resource path) for each cdk-nag 2 annotation in the assembly's manifest."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    # Annotations live in the manifest or, with recent aws-cdk-lib, in <stack>.metadata.json.
    tables = [artifact.get("metadata") or {} for artifact in manifest.get("artifacts", {}).values()]
    tables += [json.loads(path.read_text()) for path in sorted(outdir.glob("*.metadata.json"))]
    found = set()
    for table in tables:
        for path, entries in table.items():
            for entry in entries:
                if entry.get("type") not in ("aws:cdk:warning", "aws:cdk:error"):
                    continue
                data = entry.get("data")
                match = _V2_MESSAGE.match(data) if isinstance(data, str) else None
                if match and match.group("id").startswith(PACK_PREFIXES):
                    found.add((match.group("id"), path.lstrip("/")))
    return sorted(found)


def v3_findings(outdir: Path) -> list[tuple[str, str]]:
    """(finding ID, resource path) for each violation in cdk-nag 3's validation-report.json."""
    path = outdir / "validation-report.json"
    if not path.exists():
        return []
    found = set()
    for report in json.loads(path.read_text()).get("pluginReports", []):
        for violation in report.get("violations", []):
            if not violation["ruleName"].startswith(PACK_PREFIXES):
                continue  # another plugin (CDK's own CloudFormation validation)
            for construct in violation.get("violatingConstructs", []):
                found.add((violation["ruleName"], construct.get("constructPath", "").lstrip("/")))
    return sorted(found)


def per_rule(findings: list) -> dict[str, int]:
    """Findings per rule ID, the granular detail kept (`AwsSolutions-IAM5[Resource::*]`)."""
    return dict(sorted(Counter(finding for finding, _ in findings).items()))


def run_v2(python: str) -> dict:
    out = {}
    for app in sorted(path for path in APPS.iterdir() if (path / "app.py").exists()):
        with tempfile.TemporaryDirectory() as work:
            copy = Path(work) / app.name
            shutil.copytree(app, copy)
            done = synthesize(python, copy, Path(work) / "out")
            if done.returncode != 0:
                raise SystemExit(f"{app.name}: cdk-nag 2 synthesis failed:\n{done.stderr[-3000:]}")
            findings = v2_findings(Path(work) / "out")
        out[app.name] = {"sha256": app_digest(app), "per_rule": per_rule(findings), "findings": [list(f) for f in findings]}
    return out


def versions(python: str) -> dict:
    code = "import importlib.metadata as m, json; print(json.dumps({n: m.version(n) for n in ('aws-cdk-lib', 'cdk-nag')}))"
    return json.loads(subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", required=True, help="a Python with aws-cdk-lib 2.275 and cdk-nag 2.x")
    args = parser.parse_args(argv)
    found = versions(args.python)
    if not found["cdk-nag"].startswith("2."):
        raise SystemExit(f"{args.python} has cdk-nag {found['cdk-nag']}, not 2.x")
    data = {"versions": found, "apps": run_v2(args.python)}
    V2_DATA.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    for name, app in data["apps"].items():
        print(f"{name}: {sum(app['per_rule'].values())} findings unsuppressed under cdk-nag {found['cdk-nag']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
