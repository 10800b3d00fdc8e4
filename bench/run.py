"""cdkfix benchmark: builds two synthetic corpora and times `cdkfix check` against a
parse-only baseline, start-up, and memory, in one run. See bench/README.md.

    python bench/run.py                    # 2,000 files a corpus, jobs 1 and N (= CPUs), 3 repeats
    python bench/run.py --quick            # small corpus, one repeat: a smoke test
    python bench/run.py --files 4000 --jobs 2 --repeat 5 --keep-corpus /tmp/cdkfix-corpus
    python bench/run.py --startup-python /tmp/venv-wheel/bin/python   # start-up on a wheel install

Every command runs as a subprocess; each number is the median over the repeats (runs are
interleaved, so a burst of load from elsewhere hits every configuration alike).

- wall: elapsed seconds of the whole command (interpreter start, imports, discovery included).
- cpu: user + system seconds of the command and every worker it waited for (os.wait4).
- tree MB: peak of the sum of the resident sets of the command and all its descendants,
  sampled every 10 ms from /proc (an upper bound: pages shared after fork count in each).
- max proc MB: the largest resident set of any single process of the tree (wait4's ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import build_corpus  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

# The targets.
CDK_RATIO_MAX = 2.0
CDK_RATIO_AIM = 1.5
MIXED_RATIO_MAX = 0.3
SPEEDUP_MIN = 1.7
VERSION_MS_MAX = 150.0
MEMORY_MB_MAX = 300.0


# --- measuring one command -------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses
        fields = stat[stat.rfind(b")") + 2:].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def _tree_rss(root: int) -> int:
    children = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
        stack.extend(children.get(pid, ()))
    return total


class TreeSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _tree_rss(self.pid))
            self.done.wait(self.interval)


def measure(command: list[str], cwd: Path, *, sample_memory: bool = True) -> dict:
    """Run `command`; wall, cpu (tree), peak tree RSS, largest process RSS, exit code, output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        sampler = TreeSampler(process.pid) if sample_memory else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.done.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        return {
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "tree_mb": (sampler.peak / 2**20) if sampler else 0.0,
            "max_proc_mb": usage.ru_maxrss / 1024,  # KiB on Linux
            "code": process.returncode,
            "stdout": out.read().decode(errors="replace"),
            "stderr": err.read().decode(errors="replace"),
        }


# --- the benchmark ---------------------------------------------------------------------


def cdkfix_script(python: str) -> list[str]:
    """The console script installed next to `python` (what users run), else `python -m cdkfix`."""
    script = Path(python).parent / "cdkfix"
    return [str(script)] if script.exists() else [python, "-m", "cdkfix"]


def is_editable(python: str) -> bool:
    code = "import cdkfix, sys; print(any('__editable__' in repr(f) for f in sys.meta_path))"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return done.stdout.strip() == "True"


def heavy_imports(python: str, args: list[str]) -> list[str]:
    """Which of libcst, black, rich `cdkfix ARGS` imports (from -X importtime)."""
    script = cdkfix_script(python)
    command = [python, "-X", "importtime", *script] if script[0] != python else [python, "-X", "importtime", "-m", "cdkfix"]
    done = subprocess.run([*command, *args], capture_output=True, text=True)
    found = set()
    for line in done.stderr.splitlines():
        name = line.rsplit("|", 1)[-1].strip()
        top = name.split(".")[0]
        if top in ("libcst", "black", "rich"):
            found.add(top)
    return sorted(found)


def startup_times(python: str, runs: int) -> dict:
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "cdkfix --version": [*cdkfix_script(python), "--version"],
        "cdkfix --help": [*cdkfix_script(python), "--help"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, command in commands.items():  # one warm-up each (bytecode caches)
        subprocess.run(command, capture_output=True)
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def files_checked(stderr: str) -> int | None:
    marker = " files checked)"
    for line in reversed(stderr.splitlines()):
        if marker in line:
            return int(line[line.rfind("(") + 1:line.rfind(marker)])
    return None


def run_benchmark(args) -> dict:
    python = sys.executable
    work = Path(args.keep_corpus) if args.keep_corpus else Path(tempfile.mkdtemp(prefix="cdkfix-bench-"))
    corpora = {}
    started = time.perf_counter()
    for kind in ("cdk", "mixed"):
        corpora[kind] = build_corpus(work / kind, kind, args.files, seed=args.seed, flaw_rate=args.flaw_rate)
    print(f"corpora in {work} ({time.perf_counter() - started:.1f} s): "
          + "; ".join(f"{kind}: {c['files']} files, {c['cdk']} CDK ({c['examples']} examples), "
                      f"{c['plain']} plain, {c['bytes'] / 2**20:.1f} MiB" for kind, c in corpora.items()), flush=True)

    check = [*cdkfix_script(python), "check"]
    parse_only = [python, str(HERE / "parse_only.py")]
    jobs_list = sorted({1, args.jobs})
    configs = []
    for kind in ("cdk", "mixed"):
        for jobs in jobs_list:
            configs.append((kind, "parse", jobs, [*parse_only, str(work / kind), "--jobs", str(jobs)]))
            configs.append((kind, "check", jobs, [*check, "--jobs", str(jobs), kind]))
        # For comparison only: the parse as cdkfix does it (no per-node validation).
        configs.append((kind, "trusted", 1, [*parse_only, str(work / kind), "--trusted"]))
    # warm-up: bytecode caches, page cache
    tiny = work / "cdk" / "services" / "svc_000"
    measure([*check, "--jobs", "1", str(tiny)], work, sample_memory=False)
    measure([*parse_only, str(tiny)], work, sample_memory=False)

    samples: dict[tuple, list[dict]] = {(kind, what, jobs): [] for kind, what, jobs, _ in configs}
    for repeat in range(args.repeat):
        for kind, what, jobs, command in configs:
            result = measure(command, work)
            expected = (0, 1) if what == "check" else (0,)
            if result["code"] not in expected:
                raise SystemExit(f"{' '.join(command)} exited {result['code']}:\n{result['stderr'][-2000:]}")
            if what == "check":
                seen = files_checked(result["stderr"])
                if seen != args.files:
                    raise SystemExit(f"cdkfix checked {seen} files, not {args.files}:\n{result['stderr'][-2000:]}")
            samples[(kind, what, jobs)].append(result)
            print(f"  [{repeat + 1}/{args.repeat}] {kind:5} {what:5} jobs={jobs}: {result['wall']:7.2f} s wall, "
                  f"{result['cpu']:7.2f} s cpu, {result['tree_mb']:6.0f} MB tree", flush=True)

    medians = {}
    for key, results in samples.items():
        medians[key] = {
            field: statistics.median(result[field] for result in results)
            for field in ("wall", "cpu", "tree_mb", "max_proc_mb")
        }
    # check / parse-only of each repeat (run back to back): how much one run can differ.
    each_repeat = {
        f"{kind}/{jobs}": [
            round(check["wall"] / parse["wall"], 3)
            for check, parse in zip(samples[(kind, "check", jobs)], samples[(kind, "parse", jobs)])
        ]
        for kind in ("cdk", "mixed") for jobs in jobs_list
    }
    each_repeat["speedup"] = [
        round(one["wall"] / many["wall"], 3)
        for one, many in zip(samples[("cdk", "check", 1)], samples[("cdk", "check", jobs_list[-1])])
    ]
    identical = {
        kind: len({samples[(kind, "check", jobs)][0]["stdout"] for jobs in jobs_list}) == 1 for kind in ("cdk", "mixed")
    }
    summary_lines = {kind: samples[(kind, "check", 1)][0]["stderr"].strip().splitlines()[-1] for kind in ("cdk", "mixed")}

    startup_python = args.startup_python or python
    startup = startup_times(startup_python, args.startup_runs)
    heavy = {" ".join(a): heavy_imports(startup_python, a) for a in (["--version"], ["--help"])}
    if not args.keep_corpus:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "files": args.files,
        "jobs": args.jobs,
        "repeat": args.repeat,
        "corpora": corpora,
        "medians": {f"{kind}/{what}/{jobs}": value for (kind, what, jobs), value in medians.items()},
        "each_repeat": each_repeat,
        "identical_output": identical,
        "summary": summary_lines,
        "startup_ms": startup,
        "startup_python": startup_python,
        "startup_editable": is_editable(startup_python),
        "heavy_imports": heavy,
    }


# --- the report ------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(data: dict, load_before, load_after) -> str:
    jobs = data["jobs"]
    m = {tuple(key.split("/")): value for key, value in data["medians"].items()}
    m = {(kind, what, int(j)): value for (kind, what, j), value in m.items()}
    lines = []
    add = lines.append
    add(f"cdkfix benchmark: {data['files']} files a corpus, jobs 1 and {jobs}, median of {data['repeat']} "
        f"({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs)")
    add(f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
        f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    for kind in ("cdk", "mixed"):
        c = data["corpora"][kind]
        add(f"{kind} corpus: {c['cdk']} CDK files ({c['examples']} copied examples), {c['plain']} plain, "
            f"{c['bytes'] / 2**20:.1f} MiB; cdkfix: {data['summary'][kind]}")
    add("")
    add("| corpus | command | jobs | wall s | cpu s | files/s | tree MB | max proc MB |")
    add("|---|---|---:|---:|---:|---:|---:|---:|")
    for kind in ("cdk", "mixed"):
        for what in ("parse", "trusted", "check"):
            for j in sorted({1, jobs}) if what != "trusted" else [1]:
                v = m[(kind, what, j)]
                name = {"parse": "parse-only (LibCST)", "trusted": "parse-only as cdkfix parses",
                        "check": "cdkfix check"}[what]
                add(f"| {kind} | {name} | {j} | {v['wall']:.2f} | {v['cpu']:.2f} | {data['files'] / v['wall']:.0f} "
                    f"| {v['tree_mb']:.0f} | {v['max_proc_mb']:.0f} |")
    add("")
    s = data["startup_ms"]
    editable = " (editable install)" if data["startup_editable"] else ""
    add(f"start-up, median of runs, on {data['startup_python']}{editable}: "
        + ", ".join(f"{name} {ms:.0f} ms" for name, ms in s.items()))
    add("heavy modules imported: " + ", ".join(f"`cdkfix {a}`: {', '.join(h) or 'none'}" for a, h in data["heavy_imports"].items()))
    add("")
    add("| target | measured | limit | result |")
    add("|---|---:|---:|---|")
    for j in sorted({1, jobs}):
        ratio = m[("cdk", "check", j)]["wall"] / m[("cdk", "parse", j)]["wall"]
        cpu_ratio = m[("cdk", "check", j)]["cpu"] / m[("cdk", "parse", j)]["cpu"]
        add(f"| cdk corpus: check / parse-only, jobs {j} (wall; cpu {cpu_ratio:.2f} x) | {ratio:.2f} x "
            f"| {CDK_RATIO_MAX} x (aim {CDK_RATIO_AIM}) | {verdict(ratio <= CDK_RATIO_MAX)}"
            f"{' (aim met)' if ratio <= CDK_RATIO_AIM else ''} |")
    for j in sorted({1, jobs}):
        ratio = m[("mixed", "check", j)]["wall"] / m[("mixed", "parse", j)]["wall"]
        cpu_ratio = m[("mixed", "check", j)]["cpu"] / m[("mixed", "parse", j)]["cpu"]
        add(f"| mixed corpus (90% no CDK): check / parse-only, jobs {j} (wall; cpu {cpu_ratio:.2f} x) | {ratio:.2f} x "
            f"| {MIXED_RATIO_MAX} x | {verdict(ratio <= MIXED_RATIO_MAX)} |")
    for kind in ("cdk", "mixed"):
        ratio = m[(kind, "check", 1)]["wall"] / m[(kind, "trusted", 1)]["wall"]
        add(f"| {kind} corpus: check / parse as cdkfix parses (no node validation), jobs 1 | {ratio:.2f} x "
            f"| (for comparison) | |")
    if jobs > 1:
        speedup = m[("cdk", "check", 1)]["wall"] / m[("cdk", "check", jobs)]["wall"]
        add(f"| cdk corpus: check jobs 1 / jobs {jobs} | {speedup:.2f} x | >= {SPEEDUP_MIN} x "
            f"| {verdict(speedup >= SPEEDUP_MIN)}{'' if os.cpu_count() and os.cpu_count() >= jobs else ' (fewer CPUs than jobs)'} |")
    add(f"| `cdkfix --version` wall | {s['cdkfix --version']:.0f} ms | < {VERSION_MS_MAX:.0f} ms "
        f"| {verdict(s['cdkfix --version'] < VERSION_MS_MAX)} |")
    peak = max(m[(kind, "check", j)]["tree_mb"] for kind in ("cdk", "mixed") for j in sorted({1, jobs}))
    add(f"| peak memory of `cdkfix check` (whole tree, any run) | {peak:.0f} MB | < {MEMORY_MB_MAX:.0f} MB "
        f"| {verdict(peak < MEMORY_MB_MAX)} |")
    same = all(data["identical_output"].values())
    add(f"| output identical with jobs 1 and {jobs} | {'yes' if same else 'NO'} | identical | {verdict(same)} |")
    add("")
    add("each repeat (check / parse-only of the same repeat; jobs 1 / jobs N for the speed-up):")
    for key, ratios in data["each_repeat"].items():
        add(f"- {key}: " + " ".join(f"{ratio:.2f}" for ratio in ratios))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000, help="files in each corpus (default 2000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N for the parallel runs (default: CPUs)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each configuration; the median is reported")
    parser.add_argument("--keep-corpus", metavar="DIR", help="build the corpora in DIR and keep them (default: a temp folder)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 200 files, one repeat, 3 start-up runs")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--flaw-rate", type=float, default=0.1, help="share of construct groups written with a flaw")
    parser.add_argument("--startup-python", help="the Python of a (non-editable) install to time start-up with")
    parser.add_argument("--startup-runs", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = parser.parse_args()
    if args.quick:
        args.files, args.repeat, args.startup_runs = min(args.files, 200), 1, 3
    load_before = os.getloadavg()
    data = run_benchmark(args)
    load_after = os.getloadavg()
    data["load"] = {"before": load_before, "after": load_after}
    text = report(data, load_before, load_after)
    print()
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2))


if __name__ == "__main__":
    main()
