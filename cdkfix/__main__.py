"""Console entry point. `--version` answers before typer is imported, so it costs only
the interpreter's start-up; everything else goes to the typer app in cdkfix.cli."""

from __future__ import annotations

import os
import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from cdkfix import __version__

        sys.stdout.write(f"cdkfix {__version__}\n")
        return
    from cdkfix.cli import main as cli_main

    cli_main()


def run() -> None:
    """The `cdkfix` command and `python -m cdkfix`: `main`, then the end of the process."""
    try:
        main()
    except SystemExit as done:
        _exit_now(done.code)
    _exit_now(0)


def _exit_now(code: object) -> None:
    """End the process without the interpreter's teardown (as mypy's fast exit does): freeing
    every object of a large run one by one costs a tenth of a second or more, and nothing is
    left to do by then (worker pools are shut down and files written before the app returns).
    Only for a process of its own: `main` alone returns or raises SystemExit as usual."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): Python prints it and exits 1
        sys.stderr.write(f"{code}\n")
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # e.g. a closed pipe: what Python's own exit reports as 120
        status = status or 120
    os._exit(status)


if __name__ == "__main__":
    run()
