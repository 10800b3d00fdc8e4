"""The synthesis mode of the cdk-nag v3 migration: which granular finding IDs a v2 suppression
actually covered.

A v2 suppression of a granular rule without `applies_to` (`{"id": "AwsSolutions-IAM5"}`) covered
every finding of that rule on its resources; v3 acknowledges exact IDs only
(`AwsSolutions-IAM5[Action::s3:*]`), and which ones exist is known only once the policies are
synthesized. The same holds for a `RegexAppliesTo`. This module synthesizes the v2 app once,
under cdk-nag 3, and writes those IDs per call site; NAG3-2 then reads them (its option
`granular-findings`) and acknowledges exactly them.

    python -m cdkfix.transforms.nag_v3.granular APP_DIR [--python P] [-o nag_v3_granular.json]
    cdkfix apply --select cdk-nag-v3 --config cdkfix.toml APP_DIR
        # [tool.cdkfix.rules.NAG3-2] granular-findings = "nag_v3_granular.json"

**It runs the app's code** (as `cdkfix apply --verify` does): in a temporary copy of the app
folder, offline, with the cdk-nag v2 API replaced by a recorder. Each NagSuppressions call
records, at its call site (file and line), the CfnResources cdk-nag 2 would have suppressed on
(the construct's default child, every child with apply_to_children, every resource of the
stack); every granular pack then runs as a cdk-nag 3 validation plugin, and the findings on
those resources whose rule the call suppressed as a whole (or whose detail the regex matches)
are the IDs to acknowledge. A call in a loop or a helper records one entry per run; their
union is acknowledged at the one statement, which is exact: an ID that does not occur on a
resource acknowledges nothing there.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from ._common import GRANULAR_RULES

BOOTSTRAP = r'''
"""cdkfix: run a cdk-nag 2 app under cdk-nag 3, recording what its NagSuppressions covered."""
import json
import os
import runpy
import sys

import jsii
import aws_cdk
import cdk_nag
from aws_cdk import CfnResource, Stack

_OUT = os.environ.pop("CDKFIX_NAG_GRANULAR")
_ROOT = os.getcwd()
_calls = []
_stacks = []
_PACKS = [getattr(cdk_nag, name) for name in ("AwsSolutionsChecks", "HIPAASecurityChecks", "NIST80053R4Checks",
                                               "NIST80053R5Checks", "PCIDSS321Checks")]


class _Done(BaseException):
    pass


@jsii.implements(aws_cdk.IAspect)
class _Inert:
    """A v2 pack added as an Aspect: the packs run as v3 plugins instead (added below)."""

    def visit(self, node):
        pass


def _inert(*args, **kwargs):
    return _Inert()


for _name in ("AwsSolutionsChecks", "HIPAASecurityChecks", "NIST80053R4Checks", "NIST80053R5Checks",
              "PCIDSS321Checks", "ServerlessChecks"):
    setattr(cdk_nag, _name, _inert)


def _site():
    frame = sys._getframe(2)
    return os.path.relpath(os.path.abspath(frame.f_code.co_filename), _ROOT), frame.f_lineno


def _l1_paths(construct, children):
    out = []
    for child in (construct.node.find_all() if children else [construct]):
        l1 = child.node.default_child or child
        if CfnResource.is_cfn_resource(l1):
            out.append(l1.node.path)
    return out


def _suppressions(items):
    out = []
    for item in items:
        if isinstance(item, dict):
            rule, applies = item.get("id"), item.get("applies_to", item.get("appliesTo"))
        else:
            rule, applies = item.id, getattr(item, "applies_to", None)
        entries = None
        if applies is not None:
            entries = [entry if isinstance(entry, str) else {"regex": entry["regex"] if isinstance(entry, dict) else entry.regex}
                       for entry in applies]
        out.append({"id": rule, "applies_to": entries})
    return out


def NagPackSuppression(*, id, reason, applies_to=None):
    return {"id": id, "reason": reason, "applies_to": applies_to}


def RegexAppliesTo(*, regex):
    return {"regex": regex}


class NagSuppressions:
    @staticmethod
    def add_resource_suppressions(construct, suppressions, apply_to_children=False):
        file, line = _site()
        constructs = construct if isinstance(construct, (list, tuple)) else [construct]
        paths = [path for c in constructs for path in _l1_paths(c, apply_to_children)]
        _calls.append({"file": file, "line": line, "resources": paths, "suppressions": _suppressions(suppressions)})

    @staticmethod
    def add_stack_suppressions(stack, suppressions, apply_to_nested_stacks=False):
        file, line = _site()
        _calls.append({"file": file, "line": line, "resources": [], "suppressions": _suppressions(suppressions)})
        _stacks.append((_calls[-1], stack, apply_to_nested_stacks))

    @staticmethod
    def add_resource_suppressions_by_path(stack, path, suppressions, apply_to_children=False):
        file, line = _site()
        paths = []
        for wanted in (path if isinstance(path, (list, tuple)) else [path]):
            fixed = wanted[1:] if wanted.startswith("/") else wanted
            for child in stack.node.find_all():
                if child.node.path == fixed or child.node.path + "/Resource" == fixed:
                    paths += _l1_paths(child, apply_to_children)
        _calls.append({"file": file, "line": line, "resources": paths, "suppressions": _suppressions(suppressions)})


cdk_nag.NagSuppressions = NagSuppressions
cdk_nag.NagPackSuppression = NagPackSuppression
cdk_nag.RegexAppliesTo = RegexAppliesTo

_original_init = aws_cdk.App.__init__
_original_synth = aws_cdk.App.synth


def __init__(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    aws_cdk.Validations.of(self).add_plugins(*[pack(self) for pack in _PACKS])


def synth(self, *args, **kwargs):
    for call, stack, nested in _stacks:
        call["resources"] = [
            c.node.path for c in stack.node.find_all()
            if CfnResource.is_cfn_resource(c) and (nested or Stack.of(c) is stack)
        ]
    try:
        return _original_synth(self, *args, **kwargs)
    except Exception as error:
        if "ValidationFailed" in str(error):
            raise _Done() from None
        raise


aws_cdk.App.__init__ = __init__
aws_cdk.App.synth = synth

if __name__ == "__main__":
    target = sys.argv[1]
    sys.argv = [target, *sys.argv[2:]]
    sys.path[0] = os.path.dirname(os.path.abspath(target))
    try:
        runpy.run_path(os.path.abspath(target), run_name="__main__")
    except _Done:
        pass
    with open(_OUT, "w", encoding="utf-8") as handle:
        json.dump(_calls, handle)
'''


def _js_regex(text: str) -> re.Pattern:
    """`/^Action::s3:.*$/g` (cdk-nag's RegexAppliesTo) as a Python pattern."""
    match = re.fullmatch(r"/(.*)/([a-z]*)", text, re.DOTALL)
    body, flags = (match.group(1), match.group(2)) if match else (text, "")
    return re.compile(body, re.IGNORECASE if "i" in flags else 0)


def _findings(outdir: Path) -> list[tuple[str, str]]:
    path = outdir / "validation-report.json"
    if not path.exists():
        return []
    out = []
    for report in json.loads(path.read_text(encoding="utf-8")).get("pluginReports", []):
        for violation in report.get("violations", []):
            for construct in violation.get("violatingConstructs", []):
                out.append((violation["ruleName"], construct.get("constructPath", "").lstrip("/")))
    return out


def expand(calls: list[dict], findings: list[tuple[str, str]]) -> dict[str, dict[str, list[str]]]:
    """`file:line` -> {key: IDs} for each call site: `AwsSolutions-IAM5` (a whole-rule suppression
    of a granular rule) and `regex #i.j` (entry j of suppression i's applies_to, a regex): the
    granular IDs found on the call's resources; `ids #i`: the rule IDs suppression i had at run
    time (an ID computed by the code, e.g. a helper's parameter)."""
    out: dict[str, dict[str, set[str]]] = {}
    for call in calls:
        resources = {path.lstrip("/") for path in call["resources"]}
        here = out.setdefault(f"{call['file']}:{call['line']}", {})
        for index, suppression in enumerate(call["suppressions"]):
            rule, entries = suppression["id"], suppression["applies_to"]
            here.setdefault(f"ids #{index}", set()).add(rule)
            granular = [(finding, path) for finding, path in findings if finding.startswith(f"{rule}[") and path in resources]
            if entries is None:
                if rule in GRANULAR_RULES:
                    here.setdefault(rule, set()).update(finding for finding, _ in granular)
                continue
            for position, entry in enumerate(entries):
                if isinstance(entry, dict):
                    pattern = _js_regex(entry["regex"])
                    here.setdefault(f"regex #{index}.{position}", set()).update(
                        finding for finding, _ in granular if pattern.search(finding[len(rule) + 1 : -1])
                    )
    return {site: {key: sorted(ids) for key, ids in rules.items()} for site, rules in out.items() if rules}


def find_granular(app_dir: Path, python: str = sys.executable, timeout: float = 600, in_place: bool = False) -> dict:
    """Synthesize the app once (in a copy of its folder, or in place for an app that imports
    files outside it, such as `sys.path.append("../../")`) and expand its suppressions."""
    from cdkfix.verify.apps import context_for, copy_app, load_app
    from cdkfix.verify.node import node_environment

    app = load_app(Path(app_dir).resolve())
    if app.problem or app.entry is None or app.entry.mode != "script":
        raise SystemExit(f"{app_dir}: not a `python app.py` CDK app ({app.problem or app.command})")
    with tempfile.TemporaryDirectory(prefix="cdkfix-nag-") as work:
        work = Path(work)
        copy = app.root if in_place else copy_app(app.root, work / "app")
        bootstrap = work / "bootstrap.py"
        bootstrap.write_text(BOOTSTRAP, encoding="utf-8")
        # V8 tuned as for --verify's syntheses, after the user's own NODE_OPTIONS (cdkfix/verify/node.py).
        env = node_environment({
            **os.environ,
            "CDK_OUTDIR": str(work / "out"),
            "CDK_CONTEXT_JSON": json.dumps(context_for(app)),
            "CDKFIX_NAG_GRANULAR": str(work / "calls.json"),
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": os.environ.get("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20"),
        })
        done = subprocess.run(
            [python, str(bootstrap), app.entry.target, *app.entry.args],
            cwd=copy, env=env, capture_output=True, text=True, timeout=timeout,
        )
        if not (work / "calls.json").exists():
            tail = [line for line in done.stderr.splitlines() if line.strip() and "!!" not in line][-5:]
            raise SystemExit(f"{app_dir}: the synthesis failed:\n" + "\n".join(tail))
        calls = json.loads((work / "calls.json").read_text(encoding="utf-8"))
        findings = _findings(work / "out")
    return {"app_root": str(app.root), "calls": expand(calls, findings)}


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def granular_ids(data_file: str, source_path: str, lines: range) -> dict[str, list[str]] | None:
    """The IDs the synthesis found for the call in `source_path` spanning `lines` (None: not run)."""
    path = Path(data_file)
    try:
        data = _load(str(path.resolve()), path.stat().st_mtime)
    except (OSError, ValueError):
        return None
    try:
        relative = Path(source_path).resolve().relative_to(Path(data["app_root"]))
    except ValueError:
        return None
    calls = data.get("calls", {})
    for line in lines:
        found = calls.get(f"{relative.as_posix()}:{line}")
        if found is not None:
            return found
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("app_dir", type=Path, help="the folder with cdk.json")
    parser.add_argument("--python", default=sys.executable, help="a Python with the app's dependencies, aws-cdk-lib >= 2.257 and cdk-nag 3")
    parser.add_argument("-o", "--output", type=Path, default=Path("nag_v3_granular.json"))
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--in-place", action="store_true",
        help="run the app in its own folder (for apps that import files outside it); the cloud assembly still goes to a temporary folder",
    )
    args = parser.parse_args(argv)
    data = find_granular(args.app_dir, args.python, args.timeout, args.in_place)
    args.output.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    found = sum(len(ids) for rules in data["calls"].values() for key, ids in rules.items() if not key.startswith("ids "))
    print(f"{args.output}: {found} granular IDs for {len(data['calls'])} call sites", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
