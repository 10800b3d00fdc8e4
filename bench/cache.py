"""`check` with the cache: cold and warm, against the parse-only baseline and `--no-cache`, in one run.

    python bench/cache.py                       # the 2,000-file cdk corpus, jobs = CPUs, 3 repeats
    python bench/cache.py --files 200 --repeat 1
    python bench/cache.py --keep-corpus /tmp/cdkfix-corpus --json results.json

Each repeat runs, as subprocesses (bench/run.py's `measure`), interleaved so that load from
elsewhere hits each alike:
- parse-only: bench/parse_only.py, LibCST's parse of every file with N processes (the
  baseline of bench/run.py);
- check --no-cache: what `check` cost before the cache (nothing read or written);
- check cold: an empty cache folder (CDKFIX_CACHE_DIR): the full work plus writing every entry;
- check warm: the same cache again, the tree unchanged: read and hash each file, read its entry.
The outputs of the three checks (one line a finding) must be identical. Medians over the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import build_corpus  # noqa: E402
from run import cdkfix_script, measure  # noqa: E402

WARM_RATIO_MAX = 0.1
COLD_NOISE = 1.05  # "no slower than today, within noise": cold / --no-cache


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep-corpus", metavar="DIR")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    python = sys.executable
    work = Path(args.keep_corpus) if args.keep_corpus else Path(tempfile.mkdtemp(prefix="cdkfix-bench-cache-"))
    corpus = work / "cdk"
    if not corpus.is_dir():
        build_corpus(corpus, "cdk", args.files, seed=args.seed)
    check = [*cdkfix_script(python), "check", "--isolated", "--jobs", str(args.jobs), "."]
    commands = {
        "parse-only": ([python, str(HERE / "parse_only.py"), ".", "--jobs", str(args.jobs)], None),
        "check --no-cache": ([*check[:2], "--no-cache", *check[2:]], None),
        "check cold": (check, "cold"),
        "check warm": (check, "warm"),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    loads = []
    outputs = set()
    caches = work / "caches"
    try:
        for repeat in range(args.repeat):
            cache = caches / f"run{repeat}"
            loads.append(" ".join(f"{value:.2f}" for value in os.getloadavg()))
            for name, (command, state) in commands.items():
                env_cache = cache if state else caches / "unused"
                if state == "cold" and cache.exists():
                    shutil.rmtree(cache)
                os.environ["CDKFIX_CACHE_DIR"] = str(env_cache)
                done = measure(command, corpus, sample_memory=False)
                if done["code"] not in (0, 1):
                    raise SystemExit(f"{name} failed: {done['stderr'][-2000:]}")
                if name != "parse-only":
                    outputs.add(done["stdout"])
                times[name].append(done["wall"])
                print(f"repeat {repeat + 1}: {name}: {done['wall']:.2f} s (load {os.getloadavg()[0]:.2f})", file=sys.stderr)
        loads.append(" ".join(f"{value:.2f}" for value in os.getloadavg()))
    finally:
        shutil.rmtree(caches, ignore_errors=True)
        if not args.keep_corpus:
            shutil.rmtree(work, ignore_errors=True)
    median = {name: statistics.median(values) for name, values in times.items()}
    baseline = median["parse-only"]
    warm, cold, plain = median["check warm"] / baseline, median["check cold"], median["check --no-cache"]
    lines = [
        f"{args.files} files (cdk corpus), jobs {args.jobs}, {args.repeat} repeats (median); load average at each repeat's start: "
        + " | ".join(loads),
        "",
        "| command | wall s (median) | each repeat | / parse-only |",
        "|---|---:|---|---:|",
    ]
    for name, values in times.items():
        lines.append(f"| {name} | {median[name]:.2f} | {' '.join(f'{v:.2f}' for v in values)} | {median[name] / baseline:.3f} x |")
    lines += [
        "",
        "| target | measured | limit | result |",
        "|---|---:|---:|---|",
        f"| warm / parse-only | {warm:.3f} x | {WARM_RATIO_MAX} x | {'PASS' if warm <= WARM_RATIO_MAX else 'MISS'} |",
        f"| cold / --no-cache | {cold / plain:.3f} x | {COLD_NOISE} x (noise) | {'PASS' if cold / plain <= COLD_NOISE else 'MISS'} |",
        f"| identical output (no cache, cold, warm) | {len(outputs) == 1} | | {'PASS' if len(outputs) == 1 else 'MISS'} |",
    ]
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({"times": times, "loads": loads}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
