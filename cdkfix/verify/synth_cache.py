"""The synthesis cache: a SynthResult, keyed by everything that decides it.

A synthesis runs the app's code in a subprocess; what comes out depends on:
- the app folder's files as copied for the synthesis (paths and bytes; the fixed
  sources for the "after" state), hashed after the copy, so the key is what really ran;
- the context passed to the app (cdk.context.json and cdk.json's context, as
  `context_for` builds it) and the environment variables CDK apps read for their
  account and region (CDK_DEFAULT_ACCOUNT/REGION, AWS_REGION, AWS_DEFAULT_REGION);
- the interpreter that runs it (its path and version) and the versions of aws-cdk-lib,
  constructs, jsii and cdk-nag installed there, and Node.js's version;
- whether cdk-nag ran, and cdkfix itself (its code fingerprint: version, schema,
  a hash of its sources, which include the bootstrap).
An app that reads anything else at synthesis time (a file outside its folder, another
environment variable, the clock, the network) is not seen by the key: `--no-cache` runs
every synthesis.

Only results that say something about the code are stored: a synthesis that succeeded,
or failed in the app's own code. Environment problems (no Node.js, a missing module, a
timeout) and runs that died before reporting (killed, out of memory) are not: the next
run may have what they lacked.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from cdkfix.cache import Cache, code_fingerprint, key_of
from cdkfix.verify.apps import CdkApp, context_for
from cdkfix.verify.synth import SynthResult

ENVIRONMENT_VARIABLES = ("CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")
_PROBE = (
    "import json, sys\n"
    "from importlib.metadata import version\n"
    "found = {'python': sys.version}\n"
    "for name in ('aws-cdk-lib', 'constructs', 'jsii', 'cdk-nag'):\n"
    "    try:\n"
    "        found[name] = version(name)\n"
    "    except Exception:\n"
    "        found[name] = ''\n"
    "print(json.dumps(found))\n"
)
_probed: dict[str, dict] = {}


def _versions_here() -> dict:
    """What _PROBE prints, for the interpreter running cdkfix."""
    from importlib.metadata import version

    found = {"python": sys.version}
    for name in ("aws-cdk-lib", "constructs", "jsii", "cdk-nag"):
        try:
            found[name] = version(name)
        except Exception:
            found[name] = ""
    return found
_probe_lock = threading.Lock()


def folder_digest(folder: Path) -> str:
    """A hash of every file under `folder`: relative path and bytes (a symlink: its target)."""
    digest = hashlib.sha256()
    root = str(folder)
    for current, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(current, name)
            relative = os.path.relpath(path, root)
            digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
            if os.path.islink(path):
                digest.update(b"link\0" + os.readlink(path).encode("utf-8", "surrogateescape") + b"\0")
                continue
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
        for name in dirs:  # a symlink to a folder is not walked into: its target is what counts
            path = os.path.join(current, name)
            if os.path.islink(path):
                digest.update(os.path.relpath(path, root).encode("utf-8", "surrogateescape") + b"\0dirlink\0")
                digest.update(os.readlink(path).encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def environment(python: str) -> dict:
    """The versions that decide a synthesis; probed once per interpreter and process."""
    with _probe_lock:
        if python not in _probed:
            _probed[python] = _probe(python)
        return _probed[python]


def _probe(python: str) -> dict:
    found: dict = {"interpreter": os.path.realpath(shutil.which(python) or python)}
    if found["interpreter"] == os.path.realpath(sys.executable):
        # The apps run in cdkfix's own Python (the default): ask here, not in a new process.
        found.update(_versions_here())
    else:
        try:
            done = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, timeout=60)
            found.update(json.loads(done.stdout))
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            found["probe_error"] = f"{type(error).__name__}: {error}"
    node = shutil.which(os.environ.get("JSII_NODE", "node"))
    try:
        found["node"] = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip() if node else ""
    except (OSError, subprocess.SubprocessError):
        found["node"] = ""
    return found


def synth_key(app: CdkApp, folder: Path, *, python: str, nag: bool) -> str:
    return key_of([
        "synth",
        code_fingerprint(),
        folder_digest(folder),
        app.command,
        app.shown,  # errors and warnings name the user's paths relative to where cdkfix runs
        context_for(app),
        {name: os.environ.get(name, "") for name in ENVIRONMENT_VARIABLES},
        environment(python),
        nag,
    ])


def storable(result: SynthResult) -> bool:
    if result.ok:
        return True
    if result.environment_problem:
        return False
    # Died before saying what happened (killed, out of memory): may not happen again.
    return not result.error.startswith("the app stopped before reporting")


class SynthCache:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def get(self, key: str) -> SynthResult | None:
        entry = self.cache.get(key)
        if not isinstance(entry, dict) or not isinstance(entry.get("result"), SynthResult):
            return None
        return entry["result"]

    def put(self, key: str, result: SynthResult, *, label: str, app: str) -> None:
        """`label` ("before", "after", "bisect") and the app are for people reading the folder."""
        if storable(result):
            self.cache.put(key, {"result": result, "label": label, "app": app})
