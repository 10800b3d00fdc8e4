"""Writes that are never lost or wrong: a save made while cdkfix works is kept (issue 19.1),
ownership, group, mode, extended attributes and hard links are kept or the file is refused
(19.5), long file names work (19.15), inserted lines end like their neighbours (19.18).

The concurrent writer is injected at the exact moment (right before the file is swapped
in), never left to timing."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import stat
import tempfile
import threading
from pathlib import Path

import pytest

from cdkfix import write
from cdkfix.config import RunConfig
from cdkfix.engine import fix_module
from cdkfix.interactive import candidates, write_accepted
from cdkfix.records import FixStatus
from cdkfix.registry import find_rule
from cdkfix.run import run
from cdkfix.write import ChangedOnDisk, NotWritable, write_atomically
from conftest import FIXED, FLAWED

B12 = RunConfig(rules=(find_rule("CDK-B12"),), unsafe_fixes=True)  # both are unsafe since the trust issue
I2 = RunConfig(rules=(find_rule("CDK-I2"),), unsafe_fixes=True)

# A file with both flaws of the report: B12 (Container Insights) and I2 (log group).
BOTH = '''from aws_cdk import RemovalPolicy, aws_ecs as ecs


def build(self, vpc, task_definition, image):
    cluster = ecs.Cluster(self, "Cluster", vpc=vpc)
    container = task_definition.add_container(
        "AppContainer",
        image=image,
        logging=ecs.LogDrivers.aws_logs(stream_prefix="app"),
    )
    return cluster, container
'''
INSIGHTS = "container_insights_v2=ecs.ContainerInsights.ENABLED"
LOG_GROUP = "log_retention=logs.RetentionDays.ONE_WEEK"  # I2 keeps the default group (trust issue)


def _litter(folder: Path, keep: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path != keep]


def _save_over(path: Path, text: str) -> None:
    """What an editor does on save: a new file renamed over the old one."""
    other = path.with_name("editor-save.tmp")
    other.write_text(text)
    os.replace(other, path)


def _competing_exchange(monkeypatch, competitor) -> list:
    """Make the next swap of cdkfix.write run `competitor()` first: the other writer lands
    after every check cdkfix makes and before its new text takes the file's place."""
    real = write._exchange
    calls = []

    def exchange(first, second):
        if not calls:
            calls.append(second)
            competitor()
        return real(first, second)

    monkeypatch.setattr(write, "_exchange", exchange)
    return calls


# --- 1. lost update ----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["rename", "in place"])
def test_a_save_just_before_the_swap_is_kept_and_reported(tmp_path, monkeypatch, how):
    target = tmp_path / "stack.py"
    target.write_text(FLAWED)
    theirs = FLAWED + "# saved by an editor\n"
    if how == "rename":
        competitor = lambda: _save_over(target, theirs)  # noqa: E731
    else:
        competitor = lambda: target.write_text(theirs)  # noqa: E731 - same inode, new bytes
    calls = _competing_exchange(monkeypatch, competitor)
    with pytest.raises(ChangedOnDisk):
        write_atomically(target, FIXED.encode(), expected=FLAWED.encode())
    assert calls, "the competing save was not injected"
    assert target.read_text() == theirs
    assert _litter(tmp_path, target) == []


def test_without_an_atomic_exchange_the_file_is_checked_again_right_before_the_rename(tmp_path, monkeypatch):
    target = tmp_path / "stack.py"
    target.write_text(FLAWED)
    theirs = FLAWED + "# saved by an editor\n"

    def unsupported(first, second):  # a file system without RENAME_EXCHANGE
        _save_over(target, theirs)
        raise write._Unsupported()

    monkeypatch.setattr(write, "_exchange", unsupported)
    with pytest.raises(ChangedOnDisk):
        write_atomically(target, FIXED.encode(), expected=FLAWED.encode())
    assert target.read_text() == theirs and _litter(tmp_path, target) == []

    # Unchanged, the fallback writes.
    monkeypatch.setattr(write, "_exchange", lambda first, second: (_ for _ in ()).throw(write._Unsupported()))
    target.write_text(FLAWED)
    write_atomically(target, FIXED.encode(), expected=FLAWED.encode())
    assert target.read_text() == FIXED and _litter(tmp_path, target) == []


class _LockSpy:
    """cdkfix.write's fcntl, telling when a thread other than the main one asks for the lock."""

    LOCK_EX, LOCK_NB, LOCK_UN = fcntl.LOCK_EX, fcntl.LOCK_NB, fcntl.LOCK_UN

    def __init__(self) -> None:
        self.asked = threading.Event()

    def flock(self, fd, operation):
        if threading.current_thread() is not threading.main_thread():
            self.asked.set()
        fcntl.flock(fd, operation)


def test_two_cdkfix_runs_on_one_file_lose_neither_fix(tmp_path, monkeypatch):
    """The issue's report: `--select B12` and `--select I2` at once on one file. The I2 run
    comes to write while the B12 run is about to swap its text in: it waits for the lock,
    then finds the file replaced and reports it instead of writing over B12's fix."""
    monkeypatch.chdir(tmp_path)
    target = Path("stack.py")
    target.write_text(BOTH)
    spy = _LockSpy()
    monkeypatch.setattr(write, "fcntl", spy)
    second: list = []
    thread = threading.Thread(target=lambda: second.append(run(["stack.py"], I2, write=True, jobs=1)))

    def start_the_other_run() -> None:
        thread.start()
        assert spy.asked.wait(60), "the I2 run never came to write"

    _competing_exchange(monkeypatch, start_the_other_run)
    first = run(["stack.py"], B12, write=True, jobs=1)
    thread.join(60)
    [other] = second

    assert first.written == ["stack.py"] and not first.all_errors
    assert other.written == []
    assert [str(error) for error in other.all_errors] == ["stack.py: changed on disk while cdkfix ran; not written"]
    [fix] = other.fixes
    assert fix.code == "CDK-I2" and fix.status is FixStatus.DROPPED  # never reported as applied
    assert INSIGHTS in target.read_text() and LOG_GROUP not in target.read_text()

    # Run again: I2 now lands on top of B12's fix.
    again = run(["stack.py"], I2, write=True, jobs=1)
    assert again.written == ["stack.py"] and not again.all_errors
    assert LOG_GROUP in target.read_text() and INSIGHTS in target.read_text()


def test_a_write_does_not_wait_forever_for_a_stuck_lock(tmp_path, monkeypatch):
    target = tmp_path / "stack.py"
    target.write_text(FLAWED)
    holder = os.open(target, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a cdkfix stopped mid-write
    monkeypatch.setattr(write, "LOCK_WAIT", 0.0)
    try:
        with pytest.raises(NotWritable, match="another process has held the file locked"):
            write_atomically(target, FIXED.encode(), expected=FLAWED.encode())
    finally:
        os.close(holder)
    assert target.read_text() == FLAWED and _litter(tmp_path, target) == []


# --- 5. ownership, permissions, extended attributes, hard links ---------------------------

OTHER_UID, OTHER_GID = 4321, 8765


def _supports_user_xattrs(folder: Path) -> bool:
    probe = folder / "xattr-probe"
    probe.write_text("")
    try:
        os.setxattr(probe, "user.probe", b"1")
        return True
    except OSError:
        return False
    finally:
        probe.unlink()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another uid needs root")
def test_as_root_a_file_keeps_its_owner_group_mode_and_extended_attributes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = Path("stack.py")
    target.write_text(FLAWED)
    os.chown(target, OTHER_UID, OTHER_GID)
    target.chmod(0o2640)  # set-group-ID too: chown would clear it if done after chmod
    xattrs = _supports_user_xattrs(tmp_path)
    if xattrs:
        os.setxattr(target, "user.origin", b"checked-out")
    outcome = run(["stack.py"], B12, write=True, jobs=1)
    assert outcome.written == ["stack.py"], outcome.all_errors
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (OTHER_UID, OTHER_GID, 0o2640)
    if xattrs:
        assert os.getxattr(target, "user.origin") == b"checked-out"
    assert target.read_text() == FIXED


def _as_user(folder: Path, uid: int, gid: int, groups: list[int], targets: list[str], *, interactive=False) -> dict:
    """cdkfix apply (or apply --interactive's write) run by an unprivileged user, in a forked
    child: (written, errors)."""
    fix_module(FLAWED.encode(), "warm.py", B12)  # rules loaded before the switch of user
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.close(reader)
            os.setgroups(groups)
            os.setgid(gid)
            os.setuid(uid)
            os.chdir(folder)
            if interactive:
                outcome = run(targets, B12, write=False, jobs=1)
                written, errors = write_accepted(outcome, candidates(outcome), B12)
            else:
                outcome = run(targets, B12, write=True, jobs=1)
                written, errors = outcome.written, outcome.all_errors
            os.write(writer, json.dumps({"written": written, "errors": [str(e) for e in errors]}).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the unprivileged run failed"
    return json.loads(data)


@pytest.fixture
def shared_folder():
    """A folder any user may write in (pytest's own tmp_path is root's alone)."""
    if os.geteuid() != 0:
        pytest.skip("switching to another user needs root")
    folder = Path(tempfile.mkdtemp(prefix="cdkfix-users-", dir="/tmp"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder)


USER, GROUP, SHARED_GROUP = 4321, 4321, 5555


@pytest.mark.parametrize("interactive", [False, True])
def test_a_user_cannot_replace_a_file_they_may_not_write(shared_folder, interactive):
    target = shared_folder / "stack.py"
    target.write_text(FLAWED)
    target.chmod(0o644)  # root's; the folder lets anyone rename over it
    got = _as_user(shared_folder, USER, GROUP, [GROUP], ["stack.py"], interactive=interactive)
    assert got["written"] == []
    assert got["errors"] == [
        "stack.py: cannot write: permission denied (the file belongs to uid 0, mode 0644; cdkfix runs as uid 4321)"
    ]
    assert target.read_text() == FLAWED and target.stat().st_uid == 0
    assert _litter(shared_folder, target) == []


def test_a_user_who_may_write_but_cannot_keep_the_owner_is_refused(shared_folder):
    target = shared_folder / "stack.py"
    target.write_text(FLAWED)
    os.chown(target, 0, SHARED_GROUP)
    target.chmod(0o664)  # writable through the group
    got = _as_user(shared_folder, USER, GROUP, [GROUP, SHARED_GROUP], ["stack.py"])
    assert got["errors"] == ["stack.py: cannot write: a rewrite by uid 4321 cannot keep the file's owner (uid 0); not written"]
    assert target.read_text() == FLAWED and (target.stat().st_uid, target.stat().st_gid) == (0, SHARED_GROUP)
    assert _litter(shared_folder, target) == []


def test_a_users_own_file_keeps_a_group_they_belong_to(shared_folder):
    target = shared_folder / "stack.py"
    target.write_text(FLAWED)
    os.chown(target, USER, SHARED_GROUP)
    target.chmod(0o640)
    got = _as_user(shared_folder, USER, GROUP, [GROUP, SHARED_GROUP], ["stack.py"])
    assert got == {"written": ["stack.py"], "errors": []}
    info = target.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (USER, SHARED_GROUP, 0o640)
    assert target.read_text() == FIXED


def test_a_group_the_user_is_not_in_cannot_be_kept(shared_folder):
    target = shared_folder / "stack.py"
    target.write_text(FLAWED)
    os.chown(target, USER, SHARED_GROUP)
    target.chmod(0o644)
    got = _as_user(shared_folder, USER, GROUP, [GROUP], ["stack.py"])
    assert got["errors"] == [
        "stack.py: cannot write: a rewrite by uid 4321 cannot keep the file's group (gid 5555); not written"
    ]
    assert target.read_text() == FLAWED and target.stat().st_gid == SHARED_GROUP


def test_interactive_apply_refuses_a_read_only_file_as_apply_does(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = Path("stack.py")
    target.write_text(FLAWED)
    target.chmod(0o444)
    outcome = run(["stack.py"], B12, write=False, jobs=1)
    written, errors = write_accepted(outcome, candidates(outcome), B12)
    assert written == [] and [str(error) for error in errors] == ["stack.py: cannot write: file is read-only"]
    assert target.read_text() == FLAWED


def test_a_hard_linked_file_is_refused_unless_the_user_splits_the_links(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = Path("stack.py")
    target.write_text(FLAWED)
    os.link(target, "other_name.py")
    outcome = run(["stack.py"], B12, write=True, jobs=1)
    assert [str(error) for error in outcome.all_errors] == [
        "stack.py: cannot write: the file has 2 hard links; replacing it would leave the other names with the old "
        "text (pass --split-hard-links to write it anyway)"
    ]
    assert target.read_text() == FLAWED and target.stat().st_nlink == 2

    split = RunConfig(rules=B12.rules, split_hard_links=True)
    outcome = run(["stack.py"], split, write=True, jobs=1)
    assert outcome.written == ["stack.py"] and not outcome.all_errors
    assert target.read_text() == FIXED and Path("other_name.py").read_text() == FLAWED
    assert target.stat().st_nlink == 1


def test_the_command_line_refuses_hard_links_until_asked(cli, tmp_path):
    target = tmp_path / "stack.py"
    target.write_text(FLAWED)
    os.link(target, tmp_path / "other_name.txt")
    code, out, err = cli("apply", "--isolated", target)
    assert code == 2 and "the file has 2 hard links" in err and target.read_text() == FLAWED
    code, out, err = cli("apply", "--isolated", "--split-hard-links", target)
    assert code == 0, err
    assert target.read_text() == FIXED and (tmp_path / "other_name.txt").read_text() == FLAWED


def test_a_metadata_failure_leaves_the_file_and_no_litter(tmp_path, monkeypatch):
    target = tmp_path / "stack.py"
    target.write_text(FLAWED)
    monkeypatch.setattr(write, "_xattrs", lambda fd: ["user.keep"])
    monkeypatch.setattr(os, "getxattr", lambda *args: b"x")

    def refuse(*args):
        raise OSError(errno.ENOTSUP, "Operation not supported")

    monkeypatch.setattr(os, "setxattr", refuse)
    with pytest.raises(NotWritable, match="cannot keep the extended attribute 'user.keep'"):
        write_atomically(target, FIXED.encode(), expected=FLAWED.encode())
    assert target.read_text() == FLAWED and _litter(tmp_path, target) == []


# --- 15. long file names -------------------------------------------------------------------


@pytest.mark.parametrize("length", [243, 255])
def test_a_file_with_a_long_name_is_written(tmp_path, monkeypatch, length):
    monkeypatch.chdir(tmp_path)
    name = "s" * (length - 3) + ".py"
    Path(name).write_text(FLAWED)
    seen = []
    real = write._exchange
    monkeypatch.setattr(write, "_exchange", lambda first, second: (seen.append(Path(first).name), real(first, second)))
    outcome = run([name], B12, write=True, jobs=1)
    assert outcome.written == [name] and not outcome.all_errors
    assert Path(name).read_text() == FIXED
    [temporary] = seen
    assert temporary.startswith("." + "s" * 40 + ".") and temporary.endswith(".cdkfix-tmp") and len(temporary) < 80
    assert sorted(os.listdir(tmp_path)) == [name]


# --- 18. line endings of inserted lines -----------------------------------------------------


def test_inserted_lines_end_like_their_neighbours_in_a_file_of_mixed_endings():
    # CDK-B11 inserts statements after the service (CDK-B3 no longer inserts: trust issue).
    rule = find_rule("CDK-B11")
    example = next(example for example in rule.examples if example.after is not None)
    lines = example.before.split("\n")
    inserted = next(line for line in example.after.split("\n") if line.strip() and line not in lines)
    # The first line ends in \n, every other in \r\n: LibCST would end new lines in \n.
    source = (lines[0] + "\n" + "\r\n".join(lines[1:])).encode()
    config = RunConfig(rules=(rule,), unsafe_fixes=True)
    result = fix_module(source, "stack.py", config)
    new = result.new_source
    assert inserted.encode() + b"\r\n" in new
    # Every original line is kept with its own ending; all but the first end in \r\n.
    assert new.startswith(lines[0].encode() + b"\n") and new.count(b"\n") == new.count(b"\r\n") + 1
    assert fix_module(new, "stack.py", config).new_source is None  # a second run changes nothing
    compile(new, "stack.py", "exec")
