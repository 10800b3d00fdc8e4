"""Which fixes break synthesis: keep as many as possible, with as few synths as possible.

Synthesis costs seconds, so the search is adaptive: try a whole chunk of fixes on top
of the ones already accepted; accept it when the app still synthesizes, otherwise split
it in halves and try again, down to single fixes, which are then blamed. With one
breaking fix among n that costs about log2(n) synths; results are memoised, so a set
already known to fail (such as "all fixes", which is how bisection starts) is never
synthesized twice.

A fix that breaks only together with another one is caught too: the later of the two
is blamed, since the earlier was accepted first. The accepted set always synthesized
(or is empty, which is the state before the fixes).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Generic, Hashable, Sequence, TypeVar

T = TypeVar("T", bound=Hashable)


@dataclass
class Bisection(Generic[T]):
    kept: list[T]  # in input order; this set synthesized (or is empty)
    broken: list[T]  # rolled back, in input order
    # For each broken item: the set that failed when it was the only addition (kept so far + it).
    blame: dict[T, frozenset] = field(default_factory=dict)
    synths: int = 0  # how many times `synthesizes` was called


def find_breaking(
    items: Sequence[T],
    synthesizes: Callable[[list[T]], bool],
    *,
    all_fail: bool = True,
) -> Bisection[T]:
    """Split `items` into the ones to keep and the ones that break synthesis.

    `synthesizes(subset)` says whether the app synthesizes with exactly that subset of
    fixes. The empty set is taken to synthesize (the app did, before the fixes); with
    `all_fail`, the full set is taken to fail (that is why bisection runs).
    """
    items = list(dict.fromkeys(items))
    known: dict[frozenset, bool] = {frozenset(): True}
    if all_fail:
        known[frozenset(items)] = False
    result: Bisection[T] = Bisection(kept=[], broken=[])

    def check(subset: list[T]) -> bool:
        key = frozenset(subset)
        if key not in known:
            known[key] = bool(synthesizes(list(subset)))
            result.synths += 1
        return known[key]

    queue: deque[list[T]] = deque([items] if items else [])
    while queue:
        chunk = queue.popleft()
        trial = result.kept + chunk
        if check(trial):
            result.kept = trial
        elif len(chunk) == 1:
            result.broken.append(chunk[0])
            result.blame[chunk[0]] = frozenset(trial)
        else:
            middle = len(chunk) // 2
            queue.appendleft(chunk[middle:])
            queue.appendleft(chunk[:middle])
    order = {item: index for index, item in enumerate(items)}
    result.kept.sort(key=order.__getitem__)
    result.broken.sort(key=order.__getitem__)
    return result
