"""The baseline: LibCST parses every .py file under a folder, and does nothing else.

    python bench/parse_only.py FOLDER [--jobs N] [--trusted]

--trusted parses as cdkfix does (cdkfix.parsing: the same tree, without LibCST's per-node
validation), for comparison; the issue's targets are against LibCST's own parse.

One process with --jobs 1; a multiprocessing Pool of N with imap (as cdkfix uses), each
worker returning only a count, so the trees are not sent back. Run by bench/run.py as a
subprocess, so its time includes the interpreter's start and `import libcst`, as cdkfix's does.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys


def files_under(folder: str) -> list[str]:
    found = []
    for here, dirs, names in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if name != ".git")
        found.extend(os.path.join(here, name) for name in sorted(names) if name.endswith(".py"))
    return found


PARSE = None


def parse(path: str) -> int:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        PARSE(data)
    except Exception:  # noqa: BLE001 - the baseline only counts
        return 0
    return 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--trusted", action="store_true", help="parse as cdkfix does (no per-node validation)")
    args = parser.parse_args()
    global PARSE
    # imported up front, as cdkfix imports it before its first file; workers fork with it
    if args.trusted:
        from cdkfix.parsing import parse_module
    else:
        from libcst import parse_module
    PARSE = parse_module

    files = files_under(args.folder)
    if args.jobs <= 1:
        parsed = sum(parse(path) for path in files)
    else:
        chunk = max(1, min(16, len(files) // (args.jobs * 8) or 1))
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            parsed = sum(pool.imap(parse, files, chunksize=chunk))
    sys.stdout.write(f"{parsed} of {len(files)} files parsed\n")


if __name__ == "__main__":
    main()
