"""Unified diffs of the fixed files (standard library difflib)."""

from __future__ import annotations

import difflib


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    old_lines = _decode(old).splitlines(keepends=True)
    new_lines = _decode(new).splitlines(keepends=True)
    # git's a/ b/ prefixes for relative paths (so `git apply` takes the diff); absolute paths as they are.
    old_name, new_name = (path, path) if path.startswith("/") else (f"a/{path}", f"b/{path}")
    lines = difflib.unified_diff(old_lines, new_lines, fromfile=old_name, tofile=new_name)
    text = "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)
    return text
