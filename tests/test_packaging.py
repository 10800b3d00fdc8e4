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
    assert len(rules) >= 25  # 24 rules + the package's __init__
    # Rule packs in sub-packages ship too (the registry walks them).
    assert "cdkfix/transforms/awssolutions/keyword_rules.py" in rules
    assert "cdkfix/verify/synth.py" in names and "cdkfix/report/markdown.py" in names
