"""The CLI starts fast: `cdkfix --version` / `--help` import no libcst, black or rich."""

import subprocess
import sys


def test_importing_the_cli_loads_no_heavy_modules():
    code = "import sys, cdkfix.cli; print(','.join(m for m in ('libcst', 'black', 'rich') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == ""


def test_version_and_help():
    for args, expected in ((["--version"], "cdkfix "), (["check", "--help"], "--output-format")):
        done = subprocess.run([sys.executable, "-m", "cdkfix.cli", *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and expected in done.stdout
