"""Console entry point. `--version` answers before typer is imported, so it costs only
the interpreter's start-up; everything else goes to the typer app in cdkfix.cli."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from cdkfix import __version__

        sys.stdout.write(f"cdkfix {__version__}\n")
        return
    from cdkfix.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
