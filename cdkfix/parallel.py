"""Worker processes: results stream back in file order so memory stays bounded."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Iterator

from cdkfix.config import RunConfig
from cdkfix.records import FileResult

_config: RunConfig | None = None


def _init(config: RunConfig) -> None:
    global _config
    _config = config


def _work(path: Path) -> FileResult:
    from cdkfix.run import process_file

    return process_file(path, _config)


def process_in_pool(files: list[Path], config: RunConfig, jobs: int) -> Iterator[FileResult]:
    jobs = max(1, min(jobs, len(files)))
    context = multiprocessing.get_context("spawn" if multiprocessing.get_start_method(allow_none=True) == "spawn" else "fork")
    chunk = max(1, min(16, len(files) // (jobs * 8) or 1))
    with context.Pool(jobs, initializer=_init, initargs=(config,)) as pool:
        yield from pool.imap(_work, files, chunksize=chunk)
