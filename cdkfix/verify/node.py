"""Node.js options for the syntheses cdkfix runs: appended to the user's NODE_OPTIONS, never replacing them.

A CDK app in Python runs its constructs in a jsii kernel: a Node.js process that `import
aws_cdk` starts, and that inherits NODE_OPTIONS from the app's environment (jsii passes
no V8 flags of its own besides --max-old-space-size on the command line). With Node's
defaults, V8 keeps a pool of 4 background threads (concurrent compilation, concurrent and
parallel garbage collection) and a small young generation (frequent scavenges). For a
synthesis that is mostly one busy main thread, those threads cost CPU without shortening
it, and on 2 cores they take the core the other synthesis needs:

    examples/seed_app.expected, `python app.py`, 2 cores, Node 20 (2026-12-05, lead, quiet machine):
    defaults:                                       5.3 s wall, 7.4 s user CPU (~1.45 cores)
    --v8-pool-size=0 --max-semi-space-size=64:      4.0 s wall, 4.7 s user CPU (~1.15 cores)
    two side by side: 8.4 s with the defaults, 5.3 s with the options.
    (perf2, loaded machine, interleaved runs: user CPU 7.1-7.4 s default, 4.9-5.4 s with a pool of 1;
    the semi-space flag alone changed user CPU by nothing measurable: 7.2-7.3 s.)

`--v8-pool-size=1` rather than 0: 0 lets Node size the pool to the cores minus one (one
thread on 2 cores, the measured case; seven on 8 cores), while `--jobs N` already puts N
syntheses on the cores: one helper thread each keeps a synthesis near one core wherever it
runs. `--max-semi-space-size=64` (MiB) lets the young generation grow to 3 x 64 MiB when
the app allocates that much, instead of scavenging every 16 MiB; peak RSS of a synthesis
measured 437 MB with both options against 546 MB with the defaults (fewer thread stacks
and heaps of the pool).

Both options only tune how V8 runs; they cannot change what a synthesis produces. A user's
own NODE_OPTIONS come first and win: an option the user sets (in either spelling,
`--max-semi-space-size` or `--max_semi_space_size`) is not added again. Node refuses to start
when NODE_OPTIONS holds an option it does not allow there (exit 9, "is not allowed in
NODE_OPTIONS": `--max-semi-space-size` was allowed only from nodejs/node#44436, 2022; Node 20
refuses `--single-threaded-gc`), so the options are tried once per process with `node -e 0`
and an option this Node refuses is left out: cdkfix's tuning never makes a synthesis fail.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import threading
from typing import Mapping, Sequence

TUNED_OPTIONS: tuple[str, ...] = ("--v8-pool-size=1", "--max-semi-space-size=64")
NO_TUNING_ENV = "CDKFIX_NODE_TUNING"  # "0": add nothing (to measure Node's defaults, or if an option misbehaves)
_REFUSED = re.compile(r"(--[\w-]+)(?:=\S*)? is not allowed in NODE_OPTIONS")

_accepted: dict[tuple, tuple[str, ...]] = {}
_lock = threading.Lock()


def option_name(token: str) -> str:
    """`--max_semi_space_size=64` -> `--max-semi-space-size`: Node and V8 read `_` and `-` alike."""
    return token.split("=", 1)[0].replace("_", "-")


def split_options(value: str) -> list[str]:
    """NODE_OPTIONS as Node splits it (spaces, double quotes); a value shlex cannot read: on spaces."""
    try:
        return shlex.split(value)
    except ValueError:
        return value.split()


def tuned_options(user: str, node: str | None, *, tuned: Sequence[str] = TUNED_OPTIONS) -> str:
    """The user's NODE_OPTIONS followed by the tuned options this Node accepts and the user did not set."""
    user = user or ""
    names = {option_name(token) for token in split_options(user) if token.startswith("--")}
    wanted = tuple(option for option in tuned if option_name(option) not in names)
    if not wanted or node is None:
        return user
    added = accepted_options(node, user, wanted)
    return " ".join(part for part in (user.strip(), *added) if part)


def accepted_options(node: str, user: str, wanted: tuple[str, ...]) -> tuple[str, ...]:
    """Of `wanted`, those `node` starts with after the user's NODE_OPTIONS (probed once per process)."""
    key = (node, user, wanted)
    with _lock:
        if key not in _accepted:
            _accepted[key] = _probe(node, user, wanted)
        return _accepted[key]


def _probe(node: str, user: str, wanted: tuple[str, ...]) -> tuple[str, ...]:
    keep = list(wanted)
    while keep:
        options = " ".join(part for part in (user.strip(), *keep) if part)
        try:
            done = subprocess.run(
                [node, "-e", "0"], env={**os.environ, "NODE_OPTIONS": options},
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
            )
        except (OSError, subprocess.SubprocessError):
            return ()  # no Node to ask: the synthesis reports that itself, with the user's options only
        if done.returncode == 0:
            return tuple(keep)
        refused = {option_name(match) for match in _REFUSED.findall(done.stderr)}
        dropped = [option for option in keep if option_name(option) in refused]
        if not dropped:
            return ()  # refused for another reason (the user's own options?): add nothing of cdkfix's
        keep = [option for option in keep if option not in dropped]
    return ()


def node_environment(env: Mapping[str, str]) -> dict[str, str]:
    """`env` with cdkfix's tuned options appended to its NODE_OPTIONS (for every Node a synthesis starts)."""
    out = dict(env)
    if out.get(NO_TUNING_ENV, "1") == "0":
        return out
    node = shutil.which(out.get("JSII_NODE", "node"), path=out.get("PATH"))
    options = tuned_options(out.get("NODE_OPTIONS", ""), node)
    if options:
        out["NODE_OPTIONS"] = options
    return out
