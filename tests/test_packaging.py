"""The wheel ships the rules as cdkfix.transforms and no top-level `transforms` package."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_wheel_maps_transforms_into_the_cdkfix_package(tmp_path):
    # Built as pip builds it for users: in an isolated environment with pyproject's build requirements.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    (wheel,) = tmp_path.glob("cdkfix-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.startswith("cdkfix-")}
    assert top_level == {"cdkfix"}
    rules = [name for name in names if name.startswith("cdkfix/transforms/") and name.endswith(".py")]
    assert "cdkfix/transforms/ecs_container_insights.py" in rules
    # Rule packs in sub-packages ship too (the registry walks them).
    assert "cdkfix/transforms/nag_v3/suppressions.py" in rules
    assert len(rules) >= 25  # 24 rules + the package's __init__
    # Rule packs in sub-packages ship too (the registry walks them).
    assert "cdkfix/transforms/awssolutions/keyword_rules.py" in rules
    assert "cdkfix/verify/synth.py" in names and "cdkfix/report/markdown.py" in names


def test_the_wheel_installs_without_a_package_index(tmp_path):
    # cdkfix is not on PyPI: the README installs it from a wheel (or a git URL). The wheel must
    # install with no index at all and give a working `cdkfix` command.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    (wheel,) = (tmp_path / "dist").glob("cdkfix-*.whl")
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, capture_output=True, timeout=300)
    subprocess.run([str(env / "bin" / "pip"), "install", "-q", "--no-index", "--no-deps", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=300)
    done = subprocess.run([str(env / "bin" / "cdkfix"), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("cdkfix "), done.stderr
