"""--verify on several cores: syntheses side by side, within a limit.

A synthesis is a subprocess (Python + a jsii Node.js kernel, 300-600 MB) that spends its
time outside cdkfix's process, so threads are enough to run several at once:
- `Slots`: at most `--jobs` syntheses at a time over the whole run (cores and memory);
- the "before" and "after" syntheses of an app run at the same time, and apps run side by
  side (each waits for a slot);
- `find_breaking_parallel`: the bisection of bisect.py, with the free slots used to
  synthesize ahead the subset the search will ask for next if the current one fails or
  passes. It takes exactly the same decisions as `find_breaking` (same kept, broken and
  blame): a guess only saves waiting when it was the right one.
- `Folders`: each synthesis running at once needs its own copy of the app.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Hashable, Iterator, Sequence, TypeVar

from cdkfix.verify.apps import copy_app
from cdkfix.verify.bisect import Bisection

T = TypeVar("T", bound=Hashable)
R = TypeVar("R")


class Slots:
    """How many syntheses may run at once (`--jobs`)."""

    def __init__(self, size: int) -> None:
        self.size = max(1, int(size))
        self._semaphore = threading.BoundedSemaphore(self.size)

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._semaphore:
            yield

    @contextmanager
    def held_unless(self, stopped: Callable[[], bool]) -> Iterator[bool]:
        """A slot, or False as soon as `stopped()` (a synthesis started ahead, no longer needed,
        gives up its place in the queue instead of waiting for a slot it would not use)."""
        while not self._semaphore.acquire(timeout=0.05):
            if stopped():
                yield False
                return
        try:
            yield True
        finally:
            self._semaphore.release()


def concurrently(
    calls: Sequence[Callable[[], R]], width: int, *, on_abort: Callable[[], None] | None = None
) -> list[R]:
    """Run the calls on up to `width` threads; their results in order.

    When one fails, or the wait is interrupted (Ctrl-C reaches the main thread only),
    the calls not started are cancelled and `on_abort` stops those under way (it kills
    the running syntheses), so the error surfaces at once instead of after them.
    """
    if width <= 1 or len(calls) <= 1:
        return [call() for call in calls]
    pool = ThreadPoolExecutor(max_workers=min(width, len(calls)), thread_name_prefix="cdkfix-verify")
    futures = [pool.submit(call) for call in calls]
    try:
        return [future.result() for future in futures]
    except BaseException:
        for future in futures:
            future.cancel()
        if on_abort is not None:
            on_abort()
        raise
    finally:
        pool.shutdown(wait=True)


class Folders:
    """Copies of one app folder, made when first needed and handed out one at a time."""

    def __init__(self, root: Path, workdir: Path) -> None:
        self.root, self.workdir = root, workdir
        self._free: queue.SimpleQueue = queue.SimpleQueue()
        self._made = 0
        self._lock = threading.Lock()

    def take(self) -> Path:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            with self._lock:
                self._made += 1
                number = self._made
            # Same name in a folder of its own: the copy's folder name is the app's, as before.
            return copy_app(self.root, self.workdir / f"copy{number}" / "app")

    def give(self, folder: Path) -> None:
        self._free.put(folder)


@dataclass
class _Search:
    kept: list = field(default_factory=list)
    broken: list = field(default_factory=list)
    blame: dict = field(default_factory=dict)
    queue: deque = field(default_factory=deque)

    def copy(self) -> "_Search":
        return _Search(list(self.kept), list(self.broken), dict(self.blame), deque(list(chunk) for chunk in self.queue))


def _advance(search: _Search, known: dict[frozenset, bool]) -> list | None:
    """bisect.find_breaking's loop over the results known so far: the next subset it needs, or None when done."""
    while search.queue:
        chunk = search.queue[0]
        trial = search.kept + chunk
        key = frozenset(trial)
        if key not in known:
            return trial
        search.queue.popleft()
        if known[key]:
            search.kept = trial
        elif len(chunk) == 1:
            search.broken.append(chunk[0])
            search.blame[chunk[0]] = key
        else:
            middle = len(chunk) // 2
            search.queue.appendleft(chunk[middle:])
            search.queue.appendleft(chunk[:middle])
    return None


def find_breaking_parallel(
    items: Sequence[T],
    synthesizes: Callable[[list[T]], bool],
    *,
    width: int = 2,
    all_fail: bool = True,
    on_abort: Callable[[], None] | None = None,
) -> Bisection[T]:
    """`bisect.find_breaking` with up to `width` subsets synthesized at once.

    Each round synthesizes the subset the search needs now and, with the free width, the
    one it will need next if that fails, then the one if it passes (the search is
    deterministic, so both are known in advance). `synths` counts every synthesis, the
    guesses that were not needed included.
    """
    items = list(dict.fromkeys(items))
    known: dict[frozenset, bool] = {frozenset(): True}
    if all_fail:
        known[frozenset(items)] = False
    search = _Search(queue=deque([items] if items else []))
    result: Bisection[T] = Bisection(kept=[], broken=[])
    while True:
        needed = _advance(search, known)
        if needed is None:
            break
        batch = [needed]
        for outcome in (False, True):
            if len(batch) >= width:
                break
            guess = _advance(search.copy(), {**known, frozenset(needed): outcome})
            if guess is not None and frozenset(guess) not in known and all(frozenset(guess) != frozenset(b) for b in batch):
                batch.append(guess)
        outcomes = concurrently([lambda subset=subset: bool(synthesizes(list(subset))) for subset in batch], width, on_abort=on_abort)
        result.synths += len(batch)
        for subset, ok in zip(batch, outcomes):
            known[frozenset(subset)] = ok
    order = {item: index for index, item in enumerate(items)}
    result.kept = sorted(search.kept, key=order.__getitem__)
    result.broken = sorted(search.broken, key=order.__getitem__)
    result.blame = dict(search.blame)
    return result
