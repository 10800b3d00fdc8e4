"""--verify on several cores and with the synthesis cache, with a fake synthesizer (fast), and
one run with the real aws-cdk-lib (marked synth)."""

from __future__ import annotations

import random
import tempfile
import threading

import pytest

import cdkfix.verify as verify
from cdkfix.cache import Cache
from cdkfix.config import RunConfig
from cdkfix.verify import NOT_VERIFIED, ROLLED_BACK, VERIFIED, VerifyOptions, run_verified
from cdkfix.verify.bisect import find_breaking
from cdkfix.verify.parallel import find_breaking_parallel
from cdkfix.verify.synth import TIMEOUT, SynthResult
from cdkfix.verify.synth_cache import SynthCache, storable
from verify_support import EnforceSsl, FaultyKeyword, make_app, use_synthesize

APP = """\
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3

app = cdk.App()
stack = cdk.Stack(app, "TinyStack")
s3.Bucket(stack, "Logs")
s3.Bucket(stack, "Data")
s3.Bucket(stack, "More")
app.synth()
"""


# --- the bisection ------------------------------------------------------------------------


def _oracle(breakers: set, pairs: list[tuple]):
    def synthesizes(subset):
        chosen = set(subset)
        return not (chosen & breakers) and not any(a in chosen and b in chosen for a, b in pairs)

    return synthesizes


@pytest.mark.parametrize("width", [1, 2, 3])
def test_the_parallel_bisection_decides_exactly_as_the_sequential_one(width):
    generator = random.Random(7)
    for _ in range(300):
        items = list(range(generator.randint(1, 12)))
        breakers = {item for item in items if generator.random() < 0.2}
        pairs = [tuple(generator.sample(items, 2)) for _ in range(generator.randint(0, 2))] if len(items) > 1 else []
        synthesizes = _oracle(breakers, pairs)
        if synthesizes(items):
            continue  # bisection only runs when the full set fails
        asked: list[frozenset] = []
        lock = threading.Lock()

        def counting(subset):
            with lock:
                asked.append(frozenset(subset))
            return synthesizes(subset)

        sequential = find_breaking(items, synthesizes)
        parallel = find_breaking_parallel(items, counting, width=width)
        assert (parallel.kept, parallel.broken, parallel.blame) == (sequential.kept, sequential.broken, sequential.blame)
        assert len(asked) == len(set(asked)) == parallel.synths  # never the same subset twice
        if width == 1:
            assert parallel.synths == sequential.synths


def test_the_parallel_bisection_needs_fewer_rounds(monkeypatch):
    import cdkfix.verify.parallel as parallel

    rounds: list[int] = []
    original = parallel.concurrently

    def counting(batch, width, **kwargs):
        rounds.append(len(batch))
        return original(batch, width, **kwargs)

    monkeypatch.setattr(parallel, "concurrently", counting)
    found = {}
    for width in (1, 2):
        rounds.clear()
        found[width] = find_breaking_parallel(list(range(16)), _oracle({11}, []), width=width)
        found[width].rounds = len(rounds)
    assert found[2].broken == found[1].broken == [11]
    assert found[2].rounds < found[1].rounds


# --- the orchestration --------------------------------------------------------------------


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """synthesize() that fails when the copied app.py contains a marker; counts calls and overlap."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    state = {"calls": 0, "running": 0, "most": 0}
    lock = threading.Lock()

    def synthesize(app, folder, **kwargs):
        source = (folder / "app.py").read_text()
        with lock:
            state["calls"] += 1
            state["running"] += 1
            state["most"] = max(state["most"], state["running"])
        try:
            if fake.barrier is not None:
                fake.barrier.wait()  # raises BrokenBarrierError unless another synthesis runs meanwhile
            if fake.breaks and fake.breaks in source:
                return SynthResult(ok=False, seconds=0.1, error="TypeError: nope", problem=fake.problem)
            return SynthResult(ok=True, seconds=0.1, warnings=[f"saw {len(source)} bytes"])
        finally:
            with lock:
                state["running"] -= 1

    fake.state, fake.breaks, fake.problem, fake.barrier = state, "no_such_option", "", None
    use_synthesize(monkeypatch, synthesize)
    monkeypatch.setattr(verify, "node_major_version", lambda: "20")
    make_app(tmp_path / "tiny", APP)
    return fake


def _summary(outcome) -> list:
    """What a user sees of a verification, without timings or where results came from."""
    apps = []
    for app in outcome.verification.apps:
        data = app.to_dict()
        data.pop("timings")
        data.pop("synths")
        for state in ("before", "after", "final"):
            if data[state]:
                data[state].pop("seconds")
        apps.append(data)
    return [apps, [(result.path, result.new_source, result.fixes) for result in outcome.results]]


def test_before_and_after_run_at_the_same_time(fake):
    fake.barrier = threading.Barrier(2, timeout=60)
    outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), jobs=2, options=VerifyOptions())
    assert outcome.verification.apps[0].status == VERIFIED and fake.state["calls"] == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_never_more_syntheses_at_once_than_jobs(fake, tmp_path, jobs):
    for name in ("two", "three"):
        make_app(tmp_path / name, APP)
    outcome = run_verified(["."], RunConfig(rules=(EnforceSsl, FaultyKeyword)), jobs=jobs, options=VerifyOptions())
    assert [app.status for app in outcome.verification.apps] == [ROLLED_BACK] * 3
    assert fake.state["most"] <= jobs


def test_the_outcome_does_not_depend_on_jobs(fake, tmp_path):
    for name in ("two", "three"):
        make_app(tmp_path / name, APP)
    config = RunConfig(rules=(EnforceSsl, FaultyKeyword))
    one = run_verified(["."], config, jobs=1, options=VerifyOptions())
    two = run_verified(["."], config, jobs=2, options=VerifyOptions())
    assert _summary(one) == _summary(two)


@pytest.mark.parametrize("error", [RuntimeError("bug"), KeyboardInterrupt()])
def test_files_are_untouched_whatever_fails_in_parallel(fake, tmp_path, monkeypatch, error):
    def failing(app, folder, **kwargs):
        raise error

    use_synthesize(monkeypatch, failing)
    with pytest.raises(type(error)):
        run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), write=True, jobs=2, options=VerifyOptions())
    assert (tmp_path / "tiny" / "app.py").read_text() == APP
    assert list((tmp_path / "tmp").iterdir()) == []


# --- the synthesis cache ------------------------------------------------------------------


def _options(tmp_path) -> VerifyOptions:
    return VerifyOptions(cache=Cache(tmp_path / "cache", "synth"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_second_run_synthesizes_nothing_and_says_the_same(fake, tmp_path, jobs):
    config = RunConfig(rules=(EnforceSsl, FaultyKeyword))
    uncached = run_verified(["tiny"], config, jobs=jobs, options=VerifyOptions())
    fake.state["calls"] = 0
    cold = run_verified(["tiny"], config, jobs=jobs, options=_options(tmp_path))
    synthesized = fake.state["calls"]
    assert synthesized >= 3 and not any(run.cached for run in cold.verification.apps[0].synths)
    warm = run_verified(["tiny"], config, jobs=jobs, options=_options(tmp_path))
    assert fake.state["calls"] == synthesized  # none this time
    assert all(run.cached for run in warm.verification.apps[0].synths)
    assert _summary(uncached) == _summary(cold) == _summary(warm)
    assert warm.verification.apps[0].status == ROLLED_BACK


def test_a_warm_before_state_leaves_one_synthesis(fake, tmp_path):
    run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), jobs=2, options=_options(tmp_path))
    fake.state["calls"] = 0
    fake.breaks = None
    outcome = run_verified(["tiny"], RunConfig(rules=(FaultyKeyword,)), jobs=2, options=_options(tmp_path))
    synths = outcome.verification.apps[0].synths
    assert fake.state["calls"] == 1
    assert [(run.label, run.cached) for run in synths] == [("before", True), ("after", False)]


def test_what_the_app_sees_is_part_of_the_key(fake, tmp_path, monkeypatch):
    config = RunConfig(rules=(EnforceSsl,))
    run_verified(["tiny"], config, jobs=1, options=_options(tmp_path))
    calls = fake.state["calls"]
    (tmp_path / "tiny" / "data.json").write_text("{}")  # any file of the app, not only the fixed ones
    run_verified(["tiny"], config, jobs=1, options=_options(tmp_path))
    assert fake.state["calls"] == calls + 2
    monkeypatch.setenv("CDK_DEFAULT_REGION", "eu-west-1")
    run_verified(["tiny"], config, jobs=1, options=_options(tmp_path))
    assert fake.state["calls"] == calls + 4
    run_verified(["tiny"], config, jobs=1, options=VerifyOptions(cache=Cache(tmp_path / "cache", "synth"), nag=False))
    assert fake.state["calls"] == calls + 6


def test_a_corrupted_synthesis_entry_is_detected_and_replaced(fake, tmp_path):
    config = RunConfig(rules=(EnforceSsl,))
    first = run_verified(["tiny"], config, jobs=2, options=_options(tmp_path))
    entries = [path for path in (tmp_path / "cache" / "synth-v1").rglob("*") if path.is_file()]
    assert len(entries) == 2
    for path in entries:
        path.write_bytes(path.read_bytes()[:-10])  # as a crash in mid-write would leave it (without the rename)
    fake.state["calls"] = 0
    options = _options(tmp_path)
    second = run_verified(["tiny"], config, jobs=2, options=options)
    assert fake.state["calls"] == 2 and options.cache.corrupt == 2 and options.cache.writes == 2
    assert _summary(first) == _summary(second)
    third = _options(tmp_path)
    run_verified(["tiny"], config, jobs=2, options=third)
    assert fake.state["calls"] == 2 and third.cache.hits == 2


def test_environment_problems_are_not_cached(fake, tmp_path):
    fake.breaks, fake.problem = "aws_cdk", TIMEOUT
    for _ in range(2):
        outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), jobs=1, options=_options(tmp_path))
        assert outcome.verification.apps[0].status == NOT_VERIFIED
    assert fake.state["calls"] == 2
    assert not storable(SynthResult(ok=False, error="the app stopped before reporting (exit status -9): Killed"))
    assert storable(SynthResult(ok=False, error="TypeError: nope"))


def test_the_versions_asked_here_are_those_the_interpreter_prints():
    import json
    import subprocess
    import sys

    from cdkfix.verify.synth_cache import _PROBE, _versions_here

    printed = json.loads(subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True).stdout)
    assert _versions_here() == printed


def test_a_synthesis_result_round_trips_whole(tmp_path):
    from cdkfix.verify.nag import NagCounts
    from cdkfix.verify.synth import Resource

    result = SynthResult(
        ok=True, seconds=3.5, stacks={"S": {"B": Resource("AWS::S3::Bucket", "abc")}}, warnings=["w"],
        nag=NagCounts(findings=2, errors=1, warnings=1, by_rule={"AwsSolutions-S1": 2}), versions={"aws-cdk-lib": "2"},
    )
    cache = SynthCache(Cache(tmp_path, "synth"))
    cache.put("f" * 64, result, label="before", app="tiny")
    assert cache.get("f" * 64) == result


# --- with the real aws-cdk-lib -----------------------------------------------------------


@pytest.mark.synth
def test_real_syntheses_in_parallel_and_from_the_cache(tmp_path, monkeypatch):
    pytest.importorskip("aws_cdk", reason="needs the verify extra (aws-cdk-lib)")
    monkeypatch.chdir(tmp_path)
    make_app(tmp_path / "tiny")
    config = RunConfig(rules=(EnforceSsl,))
    options = VerifyOptions(nag=False, timeout=120, cache=Cache(tmp_path / "cache", "synth"))
    cold = run_verified(["tiny"], config, jobs=2, options=options)
    app = cold.verification.apps[0]
    assert app.status == VERIFIED and options.cache.writes == 2
    # Before and after ran in copies of their own, and nothing shows it: the fix adds a
    # bucket policy to each bucket and changes nothing else.
    assert app.comparison.changed == [] and app.comparison.removed == []
    assert [change.type for change in app.comparison.added] == ["AWS::S3::BucketPolicy"] * 2
    warm_options = VerifyOptions(nag=False, timeout=120, cache=Cache(tmp_path / "cache", "synth"))
    warm = run_verified(["tiny"], config, jobs=2, options=warm_options)
    assert warm_options.cache.hits == 2 and all(run.cached for run in warm.verification.apps[0].synths)
    assert _summary(cold) == _summary(warm)


# --- the "before" synthesis started with the check ----------------------------------------


def test_the_before_synthesis_starts_while_the_check_runs(fake, monkeypatch):
    # The check (verify.run) does not return before a synthesis has begun: were the before state
    # synthesized only after the check, the wait would time out.
    begun = threading.Event()
    real_synthesize, real_run = verify.synthesize, verify.run

    def synthesize(app, folder, **kwargs):
        begun.set()
        return real_synthesize(app, folder, **kwargs)

    def check(*args, **kwargs):
        outcome = real_run(*args, **kwargs)
        assert begun.wait(30), "no synthesis started while the check ran"
        return outcome

    use_synthesize(monkeypatch, synthesize)
    monkeypatch.setattr(verify, "run", check)
    for jobs in (1, 2):
        begun.clear()
        outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), jobs=jobs, options=VerifyOptions())
        app = outcome.verification.apps[0]
        assert app.status == VERIFIED and [run.label for run in app.synths] == ["before", "after"]
    assert fake.state["calls"] == 4


def test_the_early_synthesis_of_an_app_without_fixes_is_stopped(fake, tmp_path, monkeypatch):
    (tmp_path / "clean").mkdir()
    make_app(tmp_path / "clean", 'import aws_cdk as cdk\n\napp = cdk.App()\napp.synth()\n')
    stopped: list[bool] = []

    def synthesize(app, folder, **kwargs):
        if app.root.name != "clean":
            return SynthResult(ok=True, seconds=0.1)
        stop = kwargs["stop"]
        for _ in range(3000):  # a synthesis that would run 30 s, unless stopped
            if stop.stopped:
                break
            threading.Event().wait(0.01)
        stopped.append(stop.stopped)
        return SynthResult(ok=False, error="the app stopped before reporting (exit status -9): killed")

    use_synthesize(monkeypatch, synthesize)
    outcome = run_verified(["."], RunConfig(rules=(EnforceSsl,)), jobs=2, options=_options(tmp_path))
    by_root = {app.root: app for app in outcome.verification.apps}
    assert by_root["clean"].status == "no-fixes" and by_root["clean"].synths == [] and by_root["clean"].before is None
    assert by_root["tiny"].status == VERIFIED
    assert stopped == [True]
    # A stopped synthesis is not stored: only tiny's two states are in the cache.
    assert len([path for path in (tmp_path / "cache" / "synth-v1").rglob("*") if path.is_file()]) == 2


def test_a_before_state_copied_from_other_bytes_than_the_check_read_is_synthesized_again(fake, monkeypatch):
    def differs(self, originals):
        # Let the early synthesis finish first: stopped before it started, it would not be
        # counted, and the count below would depend on the machine's load.
        self.result(lambda message: None)
        return False

    monkeypatch.setattr(verify.BeforeAhead, "matches", differs)
    outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), jobs=2, options=VerifyOptions())
    app = outcome.verification.apps[0]
    assert app.status == VERIFIED and [run.label for run in app.synths] == ["before", "after"]
    assert fake.state["calls"] == 3  # the early one (not used) and the before and after states


def test_the_early_copy_matches_only_the_bytes_the_check_read(fake, tmp_path):
    from cdkfix.verify.apps import load_app
    from cdkfix.verify.parallel import Slots

    early = verify.BeforeAhead(load_app(tmp_path / "tiny"), VerifyOptions(), Slots(1), tmp_path / "tmp" / "early")
    try:
        path = str(tmp_path / "tiny" / "app.py")
        assert early.matches({path: APP.encode()})
        assert not early.matches({path: (APP + "# edited\n").encode()})
        done, run_ = early.result(lambda message: None)
        assert done.ok and run_.label == "before" and not run_.cached
    finally:
        early.close()
