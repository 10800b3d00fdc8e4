"""Version pins that keep a migrated app on cdk-nag 2 or on an aws-cdk-lib without `Validations`.

cdkfix rewrites Python files only, so pins in requirements*.txt, pyproject.toml, setup.py,
setup.cfg or Pipfile are reported (without a fix) where the app registers its cdk-nag pack:
once per app, at the line a reader of the migration looks at. The files looked at are those
of the Python file's folder and its parents up to the app's root (the folder with cdk.json)
or the repository's root (.git), at most four levels up.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet

PIN_FILES = ("requirements.txt", "requirements-dev.txt", "requirements_dev.txt", "pyproject.toml", "setup.py", "setup.cfg", "Pipfile")
_LEVELS = 4
# `cdk-nag==2.28.0`, "cdk-nag>=2,<3", cdk_nag = "^2.27" (poetry), 'aws-cdk-lib~=2.150'
_PIN = re.compile(
    r"""(?P<name>cdk[-_.]nag|aws[-_.]cdk[-_.]lib)(?:\[[^\]]*\])?["']?\s*(?:=\s*["']|)\s*(?P<spec>[<>=!~^][^"',;#\]\n]*)""",
    re.IGNORECASE,
)
NAG_V3 = ["3.0.0", "3.0.2", "3.1.0", "3.5.0", "3.10.0", "3.99.0"]
CDK_WITH_VALIDATIONS = [f"2.{minor}.0" for minor in range(257, 400)]


def _specifier(text: str) -> SpecifierSet | None:
    text = text.strip().rstrip(",")
    poetry = re.fullmatch(r"\^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", text)
    if poetry:  # ^2.27 = >=2.27,<3
        major = int(poetry.group(1))
        return SpecifierSet(f">={text[1:].strip()},<{major + 1}")
    tilde = re.fullmatch(r"~\s*(\d+)\.(\d+)(?:\.\d+)?", text)
    if tilde:  # ~2.27 = >=2.27,<2.28
        return SpecifierSet(f">={text[1:].strip()},<{tilde.group(1)}.{int(tilde.group(2)) + 1}")
    try:
        return SpecifierSet(text.replace(" ", ""))
    except InvalidSpecifier:
        return None


def outdated_pins_in(text: str) -> list[tuple[int, str, str]]:
    """(line, the pin as written, what it blocks) for each pin that excludes what v3 needs."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        for match in _PIN.finditer(line):
            spec = _specifier(match.group("spec"))
            if spec is None:
                continue
            nag = match.group("name").lower().replace("_", "-").replace(".", "-") == "cdk-nag"
            versions = NAG_V3 if nag else CDK_WITH_VALIDATIONS
            if not any(spec.contains(version, prereleases=True) for version in versions):
                pin = " ".join(match.group(0).split())
                found.append((number, pin, "cdk-nag >= 3" if nag else "aws-cdk-lib >= 2.257 (Validations.acknowledge)"))
    return found


@lru_cache(maxsize=256)
def _file_pins(path: str, mtime: float) -> tuple:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    return tuple(outdated_pins_in(text))


def pin_files_for(source_path: str) -> list[Path]:
    folder = Path(source_path).resolve().parent
    found = []
    for _ in range(_LEVELS + 1):
        found += [folder / name for name in PIN_FILES if (folder / name).is_file()]
        if (folder / "cdk.json").exists() or (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
    return found


def outdated_pins(source_path: str) -> list[tuple[Path, int, str, str]]:
    out = []
    for path in pin_files_for(source_path):
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        out += [(path, line, pin, needed) for line, pin, needed in _file_pins(str(path), mtime)]
    return out


def report_pins(rule, node) -> None:
    """Report, at `node`, the pins around the rule's file that keep cdk-nag 2 (no fix: not Python)."""
    base = Path(rule.context.path).resolve().parent
    for path, line, pin, needed in outdated_pins(rule.context.path):
        try:
            shown = path.relative_to(base)
        except ValueError:
            shown = path
        rule.report_without_fix(
            f"{shown}:{line} pins `{pin}`: the migrated code needs {needed}",
            f"update the pin in {shown} (cdkfix rewrites Python files only)",
            node,
        )
