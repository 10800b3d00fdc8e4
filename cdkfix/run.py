"""Many files: discover, fix each (in worker processes when asked), write, and collect results."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from cdkfix.config import DEFAULT_MAX_FILE_SIZE, RunConfig
from cdkfix.discover import discover_paths
from cdkfix.engine import CDK_MARKER, fix_module, too_large
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
        size = os.stat(path).st_size
        if size > DEFAULT_MAX_FILE_SIZE:
            # Rare: only then the file's own limit is looked up (the engine checks the
            # others, whose config it reads anyway), and an oversized file is never read whole.
            limit = config.for_file(shown).max_file_size
            if limit and size > limit:
                return _too_large(path, shown, size, limit)
        data = path.read_bytes()
    except OSError as error:
        return FileResult(shown, errors=[FileError(shown, 0, f"cannot read: {error.strerror or error}")])
    return analyse(data, shown, config, path)


def analyse(data: bytes, shown: str, config: RunConfig, path: Path | None = None) -> FileResult:
    """Fix one file's bytes; all failures become FileErrors, never exceptions."""
    try:
        result = fix_module(data, shown, config)
    except UnicodeEncodeError as error:
        return FileResult(shown, errors=[FileError(shown, 0, _unencodable(error, path or Path(shown), config))])
    except Exception as error:  # a bug in a rule must not stop the other files
        return FileResult(shown, errors=[FileError(shown, 0, f"internal error: {type(error).__name__}: {error}")])
    result.original_digest = digest(data)
    return result


def _unencodable(error: UnicodeEncodeError, path: Path, config: RunConfig) -> str:
    """A fix's text the file's encoding cannot hold: almost always a rule option (a health-check
    path with an accent in a `# coding: ascii` file). Names the option and its file when one holds it."""
    char = error.object[error.start:error.end] if isinstance(error.object, str) else ""
    settings = config.for_file(path)
    for code, options in settings.rule_options.items():
        for key, value in options.items():
            if char and char in str(value):
                where = f" in {display_path(settings.source)}" if settings.source else ""
                return (f"configuration error: option {key!r} of [rules.{code}]{where} ({value!r}) cannot be written "
                        f"in this file's encoding ({error.encoding}); file not changed")
    return f"the fixed code cannot be written in this file's encoding ({error.encoding}): {char!r}; file not changed"


def _too_large(path: Path, shown: str, size: int, limit: int) -> FileResult:
    """A file over the size limit: an error when it may be CDK code, nothing otherwise. It
    is searched for the CDK marker in pieces, never read whole."""
    overlap = len(CDK_MARKER) - 1
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            if CDK_MARKER in tail + chunk:
                return FileResult(shown, errors=[too_large(shown, size, limit)])
            tail = chunk[-overlap:]
    return FileResult(shown)


@dataclass
class RunResult:
    results: list[FileResult] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files_seen: int = 0
    written: list[str] = field(default_factory=list)
    interrupted: bool = False  # stopped early (Ctrl-C): `results` holds the files done

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


def select_files(targets: Iterable[str], config: RunConfig, *, force_exclude: bool = False):
    """The files a run fixes, and the paths that could not be used.

    `exclude` of each file's config applies to what the walk finds below a named folder,
    and to a named file only with `force_exclude` (as in ruff). This reads and validates
    the config files: a ConfigError surfaces here, before any file is fixed.
    """
    found = discover_paths(targets, force_exclude=force_exclude)
    files = []
    for path in found.files:
        named = found.named[path]
        if named == path:
            if force_exclude and config.excludes(path):
                continue
        elif config.excludes(path, below=named):
            continue
        files.append(path)
    return files, found.problems


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
            stored[path] = analyse(data, shown, config, path)
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
    force_exclude: bool = False,
    files: "list[Path] | None" = None,
    stop: Callable[[], bool] | None = None,
    cache=None,
) -> RunResult:
    """Fix the files under `targets` (or exactly `files`, when the caller discovered them).

    `stop` is asked after each file (written, when writing): once it says yes, no other
    file is started and the result holds what was done (Ctrl-C in the CLI). `cache`: a
    cdkfix.check_cache.CheckCache, or None to analyse every file.
    """
    if files is None:
        files, problems = select_files(targets, config, force_exclude=force_exclude)
    else:
        problems = []
    outcome = RunResult(files_seen=len(files))
    outcome.errors.extend(FileError(problem.path, 0, problem.message) for problem in problems)
    if on_start:
        on_start(len(files))
    for result in iter_results(files, config, jobs, cache):
        if write and result.changed:
            _write(result, outcome, config.split_hard_links)
        outcome.results.append(result)
        if on_file:
            on_file(result)
        if stop is not None and stop():
            break  # closing the generator shuts the worker pool down, queued files unstarted
    outcome.results.sort(key=lambda result: result.path)
    return outcome


def _write(result: FileResult, outcome: RunResult, split_hard_links: bool = False) -> None:
    path = Path(result.path)
    try:
        current = path.read_bytes()
        if digest(current) != result.original_digest:
            raise ChangedOnDisk(result.path)
        write_atomically(path, result.new_source, expected=current, split_hard_links=split_hard_links)
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
