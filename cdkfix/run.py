"""Many files: discover, fix each (in worker processes when asked), write, and collect results."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from cdkfix.config import RunConfig
from cdkfix.discover import discover
from cdkfix.engine import fix_module
from cdkfix.records import FileError, FileResult, FixStatus
from cdkfix.write import ChangedOnDisk, write_atomically


def display_path(path: Path | str) -> str:
    """The path as the user will recognise it: relative to the current folder when inside it."""
    # String operations: this runs for every file discovered, and pathlib's cost ten times more.
    absolute = os.path.abspath(path)
    here = os.getcwd()
    if absolute == here:
        return "."
    inside = here if here.endswith(os.sep) else here + os.sep
    return absolute[len(inside):] if absolute.startswith(inside) else absolute


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def process_file(path: Path, config: RunConfig) -> FileResult:
    """Read and fix one file; all failures become FileErrors, never exceptions."""
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return FileResult(shown, errors=[FileError(shown, 0, f"cannot read: {error.strerror or error}")])
    return analyse(data, shown, config)


def analyse(data: bytes, shown: str, config: RunConfig) -> FileResult:
    """Fix one file's bytes; all failures become FileErrors, never exceptions."""
    try:
        result = fix_module(data, shown, config)
    except Exception as error:  # a bug in a rule must not stop the other files
        return FileResult(shown, errors=[FileError(shown, 0, f"internal error: {type(error).__name__}: {error}")])
    result.original_digest = digest(data)
    return result


@dataclass
class RunResult:
    results: list[FileResult] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files_seen: int = 0
    written: list[str] = field(default_factory=list)

    @property
    def fixes(self):
        return [fix for result in self.results for fix in result.fixes]

    @property
    def changed(self) -> list[FileResult]:
        return [result for result in self.results if result.changed]

    @property
    def notices(self):
        return [notice for result in self.results for notice in result.notices]

    @property
    def all_errors(self) -> list[FileError]:
        return [*self.errors, *(error for result in self.results for error in result.errors)]


def iter_results(files: list[Path], config: RunConfig, jobs: int, cache=None) -> Iterator[FileResult]:
    """Each file's result, in file order; with a CheckCache (cdkfix.check_cache), stored
    results of unchanged files are used and new ones stored."""
    if cache is None:
        yield from _compute(files, config, jobs)
        return
    stored: dict[Path, FileResult] = {}
    storable: set[str] = set()
    misses: list[Path] = []
    for path in files:
        shown = display_path(path)
        worth, hit, data = cache.lookup(path, shown, config)
        if hit is not None:
            stored[path] = hit
        elif not worth and data is not None:
            # No CDK in it: the engine's answer costs less than a worker's round trip.
            stored[path] = analyse(data, shown, config)
        else:
            misses.append(path)
            if worth:
                storable.add(shown)
    computed = _compute(misses, config, jobs)
    for path in files:
        result = stored.get(path)
        if result is None:
            result = next(computed)
            if result.path in storable:
                cache.store(result, config)
        yield result


def _compute(files: list[Path], config: RunConfig, jobs: int) -> Iterator[FileResult]:
    if jobs <= 1 or len(files) <= 1:
        for path in files:
            yield process_file(path, config)
        return
    from cdkfix.parallel import process_in_pool

    yield from process_in_pool(files, config, jobs)


def run(
    targets: Iterable[str],
    config: RunConfig,
    *,
    write: bool = False,
    jobs: int = 1,
    on_file: Callable[[FileResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    cache=None,
) -> RunResult:
    """`cache`: a cdkfix.check_cache.CheckCache, or None to analyse every file."""
    files, problems = discover(targets)
    # `exclude` of each file's config (this reads and validates the config files: a
    # ConfigError surfaces here, before any file is fixed).
    files = [path for path in files if not config.excludes(path)]
    outcome = RunResult(files_seen=len(files))
    outcome.errors.extend(FileError(problem.path, 0, problem.message) for problem in problems)
    if on_start:
        on_start(len(files))
    for result in iter_results(files, config, jobs, cache):
        if write and result.changed:
            _write(result, outcome)
        outcome.results.append(result)
        if on_file:
            on_file(result)
    outcome.results.sort(key=lambda result: result.path)
    return outcome


def _write(result: FileResult, outcome: RunResult) -> None:
    path = Path(result.path)
    try:
        if not os.stat(path).st_mode & stat.S_IWUSR:
            # A rename would replace it anyway; a read-only file is a "do not touch".
            raise PermissionError(errno.EACCES, "file is read-only")
        current = path.read_bytes()
        if digest(current) != result.original_digest:
            raise ChangedOnDisk(result.path)
        write_atomically(path, result.new_source, expected=current)
        outcome.written.append(result.path)
    except ChangedOnDisk:
        result.errors.append(FileError(result.path, 0, "changed on disk while cdkfix ran; not written"))
        _unapply(result)
    except OSError as error:
        result.errors.append(FileError(result.path, 0, f"cannot write: {error.strerror or error}"))
        _unapply(result)


def _unapply(result: FileResult) -> None:
    """A file that could not be written keeps none of its fixes."""
    result.new_source = None
    for fix in result.fixes:
        if fix.status is FixStatus.APPLIED:
            fix.status = FixStatus.DROPPED
            fix.detail = "file not written"
