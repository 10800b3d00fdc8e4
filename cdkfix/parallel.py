"""Worker processes: results stream back in file order, memory stays bounded, and a worker
that dies (a crash in native code, the OOM killer) costs its files, not the run.

Files go out in chunks, a bounded number at a time (so a huge tree is never all in flight)
and come back in order. When a worker dies, concurrent.futures marks the pool broken and
every unfinished chunk fails with BrokenProcessPool: those files are tried again, one file
a task in a new pool, and a file that kills its worker again is reported as an error.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Iterator

from cdkfix.config import RunConfig
from cdkfix.records import FileError, FileResult

_config: RunConfig | None = None

CHUNK_MAX = 16
IN_FLIGHT_PER_JOB = 4  # chunks submitted ahead of the one being waited for, per worker


def _init(config: RunConfig, parent: int) -> None:
    global _config
    _config = config
    # Ctrl-C reaches the whole process group: the parent decides when to stop (after the
    # files in hand, so it can say what it wrote). A forked worker inherits the CLI's handler;
    # a spawned one would die of KeyboardInterrupt and lose its files, hence this.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    """End this worker when the process that started it dies, even by SIGKILL: the pool's
    queues never close for a worker then (it holds their other ends), so it would wait
    forever. Linux delivers a signal on the parent's death (PR_SET_PDEATHSIG); elsewhere a
    thread watches for the worker being handed to another parent."""
    if _set_parent_death_signal():
        if os.getppid() != parent:  # it died before the signal was asked for
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="cdkfix parent watch", daemon=True).start()


def _set_parent_death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


_PR_SET_PDEATHSIG = 1


def _work(paths: list[Path]) -> list[FileResult]:
    from cdkfix.run import process_file

    return [process_file(path, _config) for path in paths]


def _context():
    return multiprocessing.get_context(
        "spawn" if multiprocessing.get_start_method(allow_none=True) == "spawn" else "fork"
    )


def chunk_size(files: int, jobs: int) -> int:
    """About 8 chunks a worker (so the last ones even out), at most CHUNK_MAX files each."""
    return max(1, min(CHUNK_MAX, files // (jobs * 8) or 1))


def process_in_pool(files: list[Path], config: RunConfig, jobs: int) -> Iterator[FileResult]:
    jobs = max(1, min(jobs, len(files)))
    size = chunk_size(len(files), jobs)
    todo = deque(files[start:start + size] for start in range(0, len(files), size))
    while todo:
        lost: list[Path] = []
        pool = _pool(jobs, config)
        try:
            pending: deque[tuple[list[Path], Future]] = deque()

            def submit() -> None:
                if todo:
                    chunk = todo.popleft()
                    try:
                        pending.append((chunk, pool.submit(_work, chunk)))
                    except BrokenProcessPool:
                        todo.appendleft(chunk)  # for the next pool

            for _ in range(jobs * IN_FLIGHT_PER_JOB):
                submit()
            if not pending:  # broken before it took a task: one file at a time, below
                lost = [path for chunk in todo for path in chunk]
                todo.clear()
            while pending:
                chunk, future = pending.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool:
                    # A worker died: this chunk and every one in flight are lost.
                    lost = [path for lost_chunk in [chunk, *(c for c, _ in pending)] for path in lost_chunk]
                    break
                submit()
                yield from results
        finally:
            # Also when the caller stops early: queued chunks are not started.
            pool.shutdown(wait=True, cancel_futures=True)
        if lost:
            yield from _isolate(lost, config)


def _pool(jobs: int, config: RunConfig) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(jobs, mp_context=_context(), initializer=_init, initargs=(config, os.getpid()))


def _isolate(files: list[Path], config: RunConfig) -> Iterator[FileResult]:
    """The files of chunks lost with a dead worker, again, in one worker, one file a task:
    the worker runs them in order, so the first unfinished one when it dies is the file
    that killed it. That file is reported as an error; a new worker takes the rest."""
    remaining = deque(files)
    while remaining:
        with _pool(1, config) as pool:
            futures: deque[tuple[Path, Future]] = deque()
            for path in list(remaining):
                try:
                    futures.append((path, pool.submit(_work, [path])))
                except BrokenProcessPool:
                    break  # the ones submitted say which file it was
            if not futures:
                yield _crashed(remaining.popleft())
                continue
            while futures:
                path, future = futures.popleft()
                try:
                    results = future.result()
                except BrokenProcessPool:
                    remaining.popleft()
                    yield _crashed(path)
                    break
                remaining.popleft()
                yield from results


def _crashed(path: Path) -> FileResult:
    from cdkfix.run import display_path

    shown = display_path(path)
    return FileResult(shown, errors=[FileError(shown, 0, "internal error: the worker process analysing this file died")])
