"""The CLI starts fast: `cdkfix --version` / `--help` import no libcst, black or rich."""

import json
import subprocess
import sys
from pathlib import Path


def test_importing_the_cli_loads_no_heavy_modules():
    code = "import sys, cdkfix.cli; print(','.join(m for m in ('libcst', 'black', 'rich') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == ""


def test_version_and_help():
    for args, expected in ((["--version"], "cdkfix "), (["check", "--help"], "--output-format")):
        done = subprocess.run([sys.executable, "-m", "cdkfix.cli", *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and expected in done.stdout


def test_the_console_entry_ends_with_every_byte_written_and_the_right_exit_code(tmp_path):
    # The command ends the process with os._exit (cdkfix.__main__.run, no interpreter
    # teardown): the output must still all arrive, through pipes, with the app's exit code.
    source = "from aws_cdk import aws_ecs as ecs\n\nc = ecs.Cluster(self, 'C')\n"
    for number in range(40):
        (tmp_path / f"stack_{number:02d}.py").write_text(source)
    script = Path(sys.executable).with_name("cdkfix")  # the console script, else python -m
    entry = [str(script)] if script.exists() else [sys.executable, "-m", "cdkfix"]
    done = subprocess.run([*entry, "check", "--jobs", "2", "--output-format", "json", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert len(json.loads(done.stdout)["fixes"]) == 40
    assert done.stderr.strip().endswith("40 fixes pending in 40 files (40 files checked).")
    assert subprocess.run([*entry, "check", "--select", "NOPE", str(tmp_path)], capture_output=True, timeout=300).returncode == 2
    clean = tmp_path / "clean"
    clean.mkdir()
    assert subprocess.run([*entry, "check", str(clean)], capture_output=True, timeout=300).returncode == 0
