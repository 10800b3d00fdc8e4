"""--jobs N: the same results as --jobs 1, in the same order; a worker that dies costs its
file, not the run; the CLI starts without its heavy imports."""

from __future__ import annotations

import json
import pickle
import random
import subprocess
import sys
import textwrap

import pytest

from cdkfix.config import RunConfig
from cdkfix.parallel import chunk_size
from cdkfix.run import run
from cdkfix.samples import random_cdk_module, random_plain_module, realistic_cdk_module

from conftest import ROOT


def _corpus(folder, count: int = 36) -> None:
    rng = random.Random(7)
    for index in range(count):
        kind = index % 4
        if kind == 0:
            text = random_plain_module(rng)
        elif kind == 1:
            text = random_cdk_module(rng)
        else:
            text = realistic_cdk_module(rng, flaw_rate=0.5)
        sub = folder / f"pkg{index % 3}"
        sub.mkdir(exist_ok=True)
        (sub / f"module_{index:02d}.py").write_text(text)
    (folder / "broken.py").write_text("from aws_cdk import aws_s3 as s3\ndef f(:\n")


def _summary(outcome) -> list:
    return [
        (
            result.path,
            result.new_source,
            [fix.to_dict() for fix in result.fixes],
            [str(error) for error in result.errors],
            [notice.to_dict() for notice in result.notices],
            result.original_digest,
        )
        for result in outcome.results
    ]


@pytest.mark.parametrize("unsafe", [False, True])
def test_jobs_n_gives_what_jobs_1_gives(tmp_path, monkeypatch, unsafe):
    _corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    config = RunConfig.default(unsafe_fixes=unsafe)
    one = run(["."], config, jobs=1)
    assert len(one.results) == 37 and one.fixes and one.changed
    seen: list[str] = []
    many = run(["."], config, jobs=3, on_file=lambda result: seen.append(result.path))
    assert _summary(many) == _summary(one)
    assert seen == [result.path for result in one.results]  # streamed in file order
    assert [str(error) for error in many.all_errors] == [str(error) for error in one.all_errors]


def test_the_config_pickles_small():
    config = RunConfig.default()
    data = pickle.dumps(config)
    # Rule classes go by reference (a module path and a class name, ~50 bytes each; one pickled by
    # value would take kilobytes): the bound grows with the registry instead of failing each new rule.
    assert all(len(pickle.dumps(rule)) < 150 for rule in config.rules)
    assert len(data) < 400 + 120 * len(config.rules)


def test_chunks_even_out_and_stay_small():
    assert chunk_size(1, 2) == 1
    assert chunk_size(100, 2) == 6
    assert chunk_size(100_000, 2) == 16


CRASHING = '''
import os
import signal
import sys

sys.path.insert(0, {tests!r})
from cdkfix.config import RunConfig
from cdkfix.registry import all_rules
from cdkfix.rule import Category, Kind, Rule
from cdkfix.run import run


class Crash(Rule):
    """Kills the process analysing a file that defines `crash_here`, as a native crash would."""

    code = "TEST-X1"
    name = "test-crash"
    title = issue = fix = impact = "crash"
    category = Category.IMPROVEMENT
    kind = Kind.CONFIGURATION

    def visit_FunctionDef(self, node):
        if node.name.value == "crash_here":
            os.kill(os.getpid(), signal.SIGSEGV)


config = RunConfig(rules=(*all_rules(), Crash))
outcome = run(["."], config, jobs=int(sys.argv[1]))
print(json.dumps([[r.path, [f.code for f in r.fixes], [e.message for e in r.errors]] for r in outcome.results]))
'''


def _run_crashing(tmp_path, jobs: int) -> list:
    script = tmp_path / "crashing.py"
    script.write_text("import json\n" + CRASHING.format(tests=str(ROOT / "tests")))
    done = subprocess.run(
        [sys.executable, str(script), str(jobs)], cwd=tmp_path / "tree", capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_a_worker_that_dies_costs_its_file_only(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    _corpus(tree, 24)
    crash = textwrap.dedent(
        """\
        from aws_cdk import aws_ecs as ecs


        def crash_here(self, vpc):
            return ecs.Cluster(self, "Cluster", vpc=vpc)
        """
    )
    (tree / "pkg1" / "module_05_crash.py").write_text(crash)
    results = _run_crashing(tmp_path, jobs=2)
    by_path = {path: (codes, errors) for path, codes, errors in results}
    assert len(results) == 26
    codes, errors = by_path["pkg1/module_05_crash.py"]
    assert codes == [] and errors == ["internal error: the worker process analysing this file died"]
    # Every other file is analysed as it is without the crashing file, in the same order.
    others = [entry for entry in results if entry[0] != "pkg1/module_05_crash.py"]
    assert sum(len(codes) for _, codes, _ in others) > 10
    (tree / "pkg1" / "module_05_crash.py").unlink()
    assert others == _run_crashing(tmp_path, jobs=1)


def test_version_and_help_import_no_heavy_module():
    code = textwrap.dedent(
        """\
        import sys
        from cdkfix.__main__ import main
        for args in (["--version"], ["--help"], ["check", "--help"]):
            sys.argv = ["cdkfix", *args]
            try:
                main()
            except SystemExit:
                pass
        heavy = sorted({name.split(".")[0] for name in sys.modules} & {"libcst", "black", "rich"})
        sys.stderr.write("HEAVY=" + ",".join(heavy) + "\\n")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "HEAVY=\n" in done.stderr, done.stderr[-2000:]
    assert "cdkfix " in done.stdout and "--jobs" in done.stdout
