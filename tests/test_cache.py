"""The cache storage (cdkfix/cache.py) and the check cache (cdkfix/check_cache.py)."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

import cdkfix.run
from cdkfix.cache import MAGIC, Cache, clean, decode, encode
from cdkfix.check_cache import CheckCache
from cdkfix.config import RunConfig, build_run_config
from cdkfix.records import FileError, FileResult, FixRecord, FixStatus, Notice
from cdkfix.run import run
from conftest import EXAMPLES, FIXED, FLAWED


def _record(**overrides) -> FixRecord:
    fields = dict(
        code="CDK-B12", name="n", title="t", category="B", kind="k", safety="safe", path="a.py",
        start_line=1, end_line=2, message="m", before="x", after="y", imports=["import a"],
        status=FixStatus.UNSAFE, line=3, column=4,
    )
    fields.update(overrides)
    return FixRecord(**fields)


def _entries(root: Path, namespace: str = "check") -> list[Path]:
    return sorted(path for path in (root / f"{namespace}-v1").rglob("*") if path.is_file())


# --- storage ------------------------------------------------------------------------------


def test_records_round_trip_exactly():
    result = FileResult(
        "a.py", new_source=b"\x00\xffbytes", fixes=[_record()], errors=[FileError("a.py", 2, "e")],
        notices=[Notice("a.py", 1, 1, "unused")], original_digest="d",
    )
    value = {"result": result, "set": frozenset({1, 2}), "tuple": (1, "a"), "keys": {1: "one"}}
    back = decode(json.loads(json.dumps(encode(value))))
    assert back == value
    assert back["result"].fixes[0].status is FixStatus.UNSAFE


def test_only_cdkfix_classes_are_built_from_an_entry(tmp_path):
    cache = Cache(tmp_path, "check")
    cache.put("k" * 64, 1)
    path = _entries(tmp_path)[0]
    payload = json.dumps({"__dataclass__": "subprocess:Popen", "fields": {}}).encode()
    import hashlib

    path.write_bytes(MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + b"k" * 64 + b"\n" + payload)
    assert cache.get("k" * 64) is None and cache.corrupt == 1


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "other-key"])
def test_a_damaged_entry_is_a_miss_and_is_rewritten(tmp_path, damage):
    cache = Cache(tmp_path, "check")
    key = "ab" + "0" * 62
    cache.put(key, {"value": [1, 2, 3]})
    (path,) = _entries(tmp_path)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[:-3])
    elif damage == "flip":
        path.write_bytes(data[:-2] + bytes([data[-2] ^ 1]) + data[-1:])
    elif damage == "garbage":
        path.write_bytes(b"\x80not a cache entry")
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # an intact entry under another key's name
        other = Cache(tmp_path / "other", "check")
        other.put("cd" + "0" * 62, {"value": "other"})
        shutil.copy(_entries(tmp_path / "other")[0], path)
    assert cache.get(key) is None and cache.corrupt == 1
    cache.put(key, {"value": [1, 2, 3]})
    assert cache.get(key) == {"value": [1, 2, 3]}


def test_concurrent_writers_leave_a_whole_entry_and_no_temporary_files(tmp_path):
    key = "ef" + "1" * 62
    values = [{"writer": n, "data": "x" * 50_000} for n in range(8)]

    def write(value):
        cache = Cache(tmp_path, "check")
        for _ in range(20):
            cache.put(key, value)

    threads = [threading.Thread(target=write, args=(value,)) for value in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Cache(tmp_path, "check").get(key) in values
    assert [path.name for path in _entries(tmp_path)] == [key]


def test_a_value_the_codec_cannot_carry_is_not_stored(tmp_path):
    cache = Cache(tmp_path, "check")
    cache.put("c" * 64, {"handle": threading.Lock()})
    assert cache.unstorable == 1 and cache.get("c" * 64) is None and not _entries(tmp_path)


def test_an_unwritable_cache_costs_nothing_but_speed(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    cache = Cache(tmp_path / "file", "check")
    cache.put("a" * 64, 1)  # no error
    assert cache.get("a" * 64) is None


def test_clean_removes_only_cdkfix_folders(tmp_path):
    Cache(tmp_path, "check").put("a" * 64, 1)
    Cache(tmp_path, "synth").put("b" * 64, 2)
    (tmp_path / "mine.txt").write_text("keep")
    (tmp_path / "notes").mkdir()
    removed = clean(tmp_path)
    assert sorted(path.name for path in removed) == ["check-v1", "synth-v1"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mine.txt", "notes"]


def test_the_cache_root_follows_the_environment(tmp_path, monkeypatch):
    from cdkfix.cache import default_root

    monkeypatch.setenv("CDKFIX_CACHE_DIR", str(tmp_path / "here"))
    assert default_root() == tmp_path / "here"
    monkeypatch.delenv("CDKFIX_CACHE_DIR")
    assert default_root().name == "cdkfix"


# --- the check cache ----------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """The seed app and a small file, in a folder of their own; cwd there."""
    shutil.copytree(EXAMPLES / "seed_app", tmp_path / "app")
    (tmp_path / "app" / "extra.py").write_text(FLAWED)
    (tmp_path / "plain.py").write_text("print('no cdk here')\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _config(**overrides) -> RunConfig:
    return build_run_config(**overrides)


def _comparable(outcome) -> list:
    return [(result.path, result.new_source, result.fixes, result.errors, result.notices, result.original_digest)
            for result in outcome.results]


def _cdk_files(tree: Path) -> int:
    """Files the cache is for: the others are not even parsed."""
    return sum(b"aws_cdk" in path.read_bytes() for path in tree.rglob("*.py"))


def _cache(root: Path) -> CheckCache:
    return CheckCache(Cache(root, "check"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_with_and_without_the_cache_are_identical(tree, jobs, monkeypatch):
    uncached = run(["."], _config(), jobs=jobs)
    cold = _cache(tree / "cache")
    first = run(["."], _config(), jobs=jobs, cache=cold)
    assert cold.cache.hits == 0 and cold.cache.writes == _cdk_files(tree) > 5
    # Warm: the engine must not run at all.
    monkeypatch.setattr(cdkfix.run, "process_file", lambda *args: pytest.fail("analysed a cached file"))
    monkeypatch.setattr("cdkfix.parallel._work", lambda *args: pytest.fail("analysed a cached file"))
    warm = _cache(tree / "cache")
    second = run(["."], _config(), jobs=jobs, cache=warm)
    assert warm.cache.hits == cold.cache.writes and warm.cache.writes == 0
    assert _comparable(uncached) == _comparable(first) == _comparable(second)
    assert any(result.changed for result in second.results)


def test_only_what_changed_is_analysed_again(tree):
    run(["."], _config(), jobs=1, cache=_cache(tree / "cache"))
    (tree / "app" / "extra.py").write_text(FLAWED + "\n# edited\n")
    again = _cache(tree / "cache")
    outcome = run(["."], _config(), jobs=1, cache=again)
    assert again.cache.writes == 1 and again.cache.hits == _cdk_files(tree) - 1
    extra = next(result for result in outcome.results if result.path == "app/extra.py")
    assert extra.new_source.decode() == FIXED + "\n# edited\n"


@pytest.mark.parametrize("change", [
    dict(select=["CDK-B12"]),
    dict(ignore=["CDK-B12"]),
    dict(unsafe_fixes=False),
    dict(isolated=True),
])
def test_the_selection_and_settings_are_part_of_the_key(tree, change):
    run(["."], _config(), jobs=1, cache=_cache(tree / "cache"))
    other = _cache(tree / "cache")
    outcome = run(["."], _config(**change), jobs=1, cache=other)
    assert other.cache.hits == 0
    assert _comparable(outcome) == _comparable(run(["."], _config(**change), jobs=1))


def test_the_config_file_and_output_needs_are_part_of_the_key(tree):
    run(["."], _config(), jobs=1, cache=_cache(tree / "cache"))
    toml = tree / "app" / "cdkfix.toml"
    toml.write_text("line-length = 79\n" + toml.read_text())  # top level: the file ends in a [rules.*] table
    again = _cache(tree / "cache")
    run(["."], _config(), jobs=1, cache=again)
    assert again.cache.hits == 0
    for field, value in (("snippets", False), ("fix_hunks", True), ("format_inserted", False)):
        config = _config()
        setattr(config, field, value)
        probe = _cache(tree / "cache")
        outcome = run(["."], config, jobs=1, cache=probe)
        assert probe.cache.hits == 0, field
        uncached_config = _config()
        setattr(uncached_config, field, value)
        assert _comparable(outcome) == _comparable(run(["."], uncached_config, jobs=1))


def test_a_corrupted_check_entry_is_detected_and_replaced(tree):
    first = run(["."], _config(), jobs=1, cache=_cache(tree / "cache"))
    entries = _entries(tree / "cache")
    for path in entries:
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x20
        path.write_bytes(bytes(data))
    damaged = _cache(tree / "cache")
    second = run(["."], _config(), jobs=1, cache=damaged)
    assert damaged.cache.corrupt == len(entries) and damaged.cache.writes == len(entries)
    assert _comparable(first) == _comparable(second)
    healed = _cache(tree / "cache")
    run(["."], _config(), jobs=1, cache=healed)
    assert healed.cache.hits == len(entries) and healed.cache.corrupt == 0


def test_apply_writes_the_same_files_from_the_cache(tree, tmp_path):
    expected = tmp_path / "expected"
    shutil.copytree(tree / "app", expected)
    run([str(expected)], _config(), write=True, jobs=1)
    run(["app"], _config(), jobs=1, cache=_cache(tree / "cache"))  # a check fills the cache
    warm = _cache(tree / "cache")
    outcome = run(["app"], _config(), write=True, jobs=1, cache=warm)
    assert warm.cache.hits > 0 and outcome.written
    for path in expected.rglob("*.py"):
        assert (tree / "app" / path.relative_to(expected)).read_bytes() == path.read_bytes(), path
    # Written: the next run finds nothing to change (and the cache gives the fixed files' results).
    assert not run(["app"], _config(), write=True, jobs=1, cache=_cache(tree / "cache")).written


def test_a_stale_result_is_never_written_over_an_edit(tree):
    run(["app"], _config(), jobs=1, cache=_cache(tree / "cache"))
    edited = tree / "app" / "extra.py"
    config = _config()
    cache = _cache(tree / "cache")
    looked_up = cache.lookup

    def lookup(path, shown, config):  # the file changes after its look-up, before the write
        found = looked_up(path, shown, config)
        if path.name == "extra.py":
            edited.write_text(FLAWED + "# edited meanwhile\n")
        return found

    cache.lookup = lookup
    outcome = run(["app"], config, write=True, jobs=1, cache=cache)
    assert edited.read_text() == FLAWED + "# edited meanwhile\n"
    assert any("changed on disk" in error.message for error in outcome.all_errors)


def test_cli_uses_the_cache_unless_told_not_to(tree, cli, monkeypatch):
    root = tree / "cli-cache"
    monkeypatch.setenv("CDKFIX_CACHE_DIR", str(root))
    first = cli("check", "--output-format", "json", "app")
    assert _entries(root)
    second = cli("check", "--output-format", "json", "app")
    assert first == second
    shutil.rmtree(root)
    assert cli("check", "--no-cache", "--output-format", "json", "app") == first
    assert not root.exists()
    cli("check", "app")
    assert _entries(root)
    code, _, err = cli("clean")
    assert code == 0 and "removed 1 cache folder" in err and not _entries(root)
