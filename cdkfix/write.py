"""Atomic writes: a file is either all old or all new, whatever happens to the process, and
a write never loses someone else's.

The new text goes to a temporary file in the same folder, which then takes the file's
place. Between cdkfix reading a file and that swap, an editor or a second cdkfix may save
the file. Checking the content first and renaming afterwards leaves a window in which
such a save is overwritten (a lost update). So the swap is an exchange (Linux
`renameat2(RENAME_EXCHANGE)`): the file it displaces is, exactly, whatever held the name
at that instant; when that is not the file cdkfix read, unchanged, the exchange is undone
and the file reported as changed on disk. Where the exchange is unsupported, the file's
identity and content are checked again right before a plain rename. An advisory lock on
the file read serialises cdkfix runs on one file either way.

A rename creates a new file: its owner, group, mode and extended attributes (ACLs among
them) are copied from the old one, and when that is impossible (an unprivileged user
cannot give a file away) the file is not written, with the reason. A file with several
hard links is refused unless the caller chose to split them: a rename leaves the other
names with the old text.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import tempfile
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks, the exchange check still holds
    fcntl = None


class ChangedOnDisk(Exception):
    """The file is not what cdkfix read: someone else wrote it meanwhile."""


class NotWritable(PermissionError):
    """cdkfix may not, or will not, replace this file; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(errno.EACCES, message)


# The part of the file's name a temporary name keeps: a file name may be up to 255 bytes,
# so the temporary name must not simply add to it (a 243-byte name would not fit).
_NAME_KEPT = 40
TEMPORARY_SUFFIX = ".cdkfix-tmp"


def write_atomically(path: Path, data: bytes, expected: bytes | None = None, *, split_hard_links: bool = False) -> None:
    """Replace `path` by `data` through a temporary file in the same folder.

    With `expected`, the file must hold those bytes until the moment it is replaced, or
    ChangedOnDisk is raised and nothing changes. Raises NotWritable when the caller may
    not write the file, or when its owner, group, mode or extended attributes could not
    be kept. A file with more than one hard link is refused unless `split_hard_links`.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        _check_writable(path, info, split_hard_links)
        # Two cdkfix runs on one file take turns here; the identity check below then tells
        # the second that the first replaced the file.
        _lock(fd, path)
        if expected is not None and (not _same_file(path, info) or _content(fd) != expected):
            raise ChangedOnDisk(str(path))
        temporary = _write_temporary(path, data)
        try:
            _keep_metadata(fd, info, temporary)
            _swap_in(temporary, path, fd, info, expected)
        except _Kept as kept:
            raise ChangedOnDisk(f"{path} (the other version is kept as {kept})") from None
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise
    finally:
        os.close(fd)


# How long a write waits for another cdkfix run to finish with the same file (it holds the
# lock for one write: milliseconds, unless that process is stopped).
LOCK_WAIT = 30.0


def _lock(fd: int, path: Path) -> None:
    if fcntl is None:
        return
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise NotWritable(f"another process has held the file locked for {LOCK_WAIT:.0f} s; not written") from None
            time.sleep(0.01)


def _check_writable(path: Path, info: os.stat_result, split_hard_links: bool) -> None:
    if not info.st_mode & stat.S_IWUSR:
        # A rename would replace it anyway; a read-only file is a "do not touch".
        raise NotWritable("file is read-only")
    # As the caller: a rename needs only the folder to be writable, so without this an
    # unprivileged user would replace (and then own) a file they may not write.
    effective = os.access in os.supports_effective_ids
    if not os.access(path, os.W_OK, effective_ids=effective):
        raise NotWritable(
            f"permission denied (the file belongs to uid {info.st_uid}, mode {stat.S_IMODE(info.st_mode):04o}; "
            f"cdkfix runs as uid {os.geteuid()})"
        )
    if info.st_nlink > 1 and not split_hard_links:
        raise NotWritable(
            f"the file has {info.st_nlink} hard links; replacing it would leave the other names with the old "
            "text (pass --split-hard-links to write it anyway)"
        )


def _same_file(path: Path, info: os.stat_result) -> bool:
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    return (now.st_dev, now.st_ino) == (info.st_dev, info.st_ino)


def _content(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def temporary_prefix(name: str) -> str:
    """`.<name>.` with the name cut short: `.stack.py.` for stack.py."""
    return f".{name[:_NAME_KEPT]}."


def _write_temporary(path: Path, data: bytes) -> str:
    handle_fd, temporary = tempfile.mkstemp(prefix=temporary_prefix(path.name), suffix=TEMPORARY_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(handle_fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return temporary


def _keep_metadata(fd: int, info: os.stat_result, temporary: str) -> None:
    """Give the temporary file the old file's owner, group, extended attributes and mode."""
    mine = os.stat(temporary)
    if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
        try:
            os.chown(temporary, info.st_uid if mine.st_uid != info.st_uid else -1,
                     info.st_gid if mine.st_gid != info.st_gid else -1)
        except PermissionError:
            what = f"owner (uid {info.st_uid})" if mine.st_uid != info.st_uid else f"group (gid {info.st_gid})"
            raise NotWritable(
                f"a rewrite by uid {os.geteuid()} cannot keep the file's {what}; not written"
            ) from None
    for name in _xattrs(fd):
        try:
            os.setxattr(temporary, name, os.getxattr(fd, name))
        except OSError as error:
            raise NotWritable(f"cannot keep the extended attribute {name!r} ({error.strerror}); not written") from None
    # After chown, which clears set-user-ID and set-group-ID bits.
    os.chmod(temporary, stat.S_IMODE(info.st_mode))


def _xattrs(fd: int) -> list[str]:
    if not hasattr(os, "listxattr"):
        return []
    try:
        return os.listxattr(fd)
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
            return []
        raise


def _swap_in(temporary: str, path: Path, fd: int, info: os.stat_result, expected: bytes | None) -> None:
    if expected is None:
        _rename(temporary, path)
        return
    try:
        _exchange(temporary, path)
    except _Unsupported:
        # No atomic exchange here: check again as late as possible, then rename. A save
        # between this check and the rename (microseconds) is the remaining window.
        if not _same_file(path, info) or _content(fd) != expected:
            raise ChangedOnDisk(str(path)) from None
        _rename(temporary, path)
        return
    # `temporary` now names whatever held the file's name at the instant of the exchange.
    displaced = os.lstat(temporary)
    if (displaced.st_dev, displaced.st_ino) != (info.st_dev, info.st_ino) or _content(fd) != expected:
        try:
            _exchange(temporary, path)  # put theirs back (the caller removes ours)
        except (OSError, _Unsupported):
            # Theirs is under the temporary name now; never delete it.
            raise _Kept(temporary) from None
        raise ChangedOnDisk(str(path))
    try:
        os.unlink(temporary)  # the old file, now under the temporary name
    except OSError:
        pass  # written all the same; what is left is a .cdkfix-tmp file, never read as source


def _rename(temporary: str, path: Path) -> None:
    os.replace(temporary, path)


class _Unsupported(Exception):
    pass


class _Kept(ChangedOnDisk):
    """The other writer's version could not be put back; it is kept under this name."""


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _load_renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def _exchange(first: str | Path, second: str | Path) -> None:
    """Swap two names atomically; _Unsupported where the system or file system cannot."""
    if _renameat2 is None:
        raise _Unsupported()
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        raise _Unsupported()
    raise OSError(code, os.strerror(code), str(second))
