"""Synthetic corpora for the benchmark, deterministic by seed.

Two kinds, each laid out like a monorepo (services/svc_NNN/...):

- "cdk": every file imports aws_cdk. The project's own examples
  (examples/seed_app/lib/*.py, examples/rules/**/*.py) are copied in first, then
  realistic generated stacks (cdkfix.samples.realistic_cdk_module): mostly correct
  code, each group of constructs flawed with probability `flaw_rate`.
- "mixed": 10% such CDK files, 90% plain Python modules with no CDK import.

Run it alone to write a corpus: python bench/corpus.py DIR --kind cdk --files 2000
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CDK_SHARE_MIXED = 0.10


def example_sources() -> list[tuple[str, bytes]]:
    """(name, bytes) of the project's example files that import the CDK."""
    found = []
    for pattern in ("examples/seed_app/lib/*.py", "examples/rules/**/*.py"):
        for path in sorted(ROOT.glob(pattern)):
            data = path.read_bytes()
            if b"aws_cdk" in data:
                found.append((path.relative_to(ROOT / "examples").as_posix().replace("/", "_"), data))
    return found


def _path(root: Path, index: int, stem: str) -> Path:
    folder = root / "services" / f"svc_{index // 25:03d}" / ("infra" if stem.startswith("stack") else "src")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{stem}_{index:05d}.py"


def build_corpus(root: Path, kind: str, files: int, *, seed: int = 2024, flaw_rate: float = 0.1) -> dict:
    """Write `files` modules under `root` (emptied first); returns counts."""
    import sys

    sys.path.insert(0, str(ROOT))
    from cdkfix.samples import realistic_cdk_module, realistic_plain_module

    if kind not in ("cdk", "mixed"):
        raise ValueError(f"unknown corpus kind {kind!r}")
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    rng = random.Random(f"{seed}-{kind}")
    cdk_total = files if kind == "cdk" else round(files * CDK_SHARE_MIXED)
    # Which positions hold CDK files: all, or a fixed random 10% spread through the tree.
    cdk_positions = set(range(files)) if kind == "cdk" else set(rng.sample(range(files), cdk_total))
    examples = example_sources()
    counts = {"files": files, "cdk": 0, "plain": 0, "examples": 0, "bytes": 0}
    for index in range(files):
        if index in cdk_positions:
            if counts["examples"] < len(examples):
                name, data = examples[counts["examples"]]
                counts["examples"] += 1
                path = _path(root, index, "stack_" + name.removesuffix(".py"))
            else:
                data = realistic_cdk_module(rng, flaw_rate).encode()
                path = _path(root, index, "stack")
            counts["cdk"] += 1
        else:
            data = realistic_plain_module(rng).encode()
            path = _path(root, index, "module")
            counts["plain"] += 1
        path.write_bytes(data)
        counts["bytes"] += len(data)
    _detach_from_outer_git(root)
    return counts


def _detach_from_outer_git(root: Path) -> None:
    """cdkfix leaves out what git ignores: a corpus kept inside this repository (bench/corpus/
    is git-ignored) would be skipped whole. An empty repository of its own at its root makes
    the outer ignore rules not apply (and is what a real monorepo is: a git repository)."""
    try:
        inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True, text=True)
    except OSError:
        return
    if inside.returncode == 0 and inside.stdout.strip() == "true":
        subprocess.run(["git", "init", "-q", str(root)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--kind", choices=("cdk", "mixed"), default="cdk")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--flaw-rate", type=float, default=0.1)
    args = parser.parse_args()
    counts = build_corpus(args.folder, args.kind, args.files, seed=args.seed, flaw_rate=args.flaw_rate)
    print(counts)


if __name__ == "__main__":
    main()
