"""Atomic writes: a file is either all old or all new, whatever happens to the process."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class ChangedOnDisk(Exception):
    """The file is not what cdkfix read: someone else wrote it meanwhile."""


def write_atomically(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Replace `path` by `data` through a temporary file in the same folder and a rename.

    With `expected`, the file is first checked to still hold those bytes, so an edit made
    while cdkfix ran is never overwritten. The file's permission bits are kept.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    info = os.stat(path)
    if expected is not None:
        with open(path, "rb") as handle:
            if handle.read() != expected:
                raise ChangedOnDisk(str(path))
    handle_fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".cdkfix-tmp", dir=path.parent)
    try:
        with os.fdopen(handle_fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
