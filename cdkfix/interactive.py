"""`cdkfix apply --interactive`: each fix shown as its own diff, then only the accepted ones written.

The first pass writes nothing and gives every fix its own diff; the user accepts or skips
each. Then every file with an accepted fix is read again: when its bytes are what the
first pass saw, it is fixed again with the other fixes left out (RunConfig.skip) and
written atomically; when someone changed it meanwhile, it is left alone and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from cdkfix.config import RunConfig
from cdkfix.engine import fix_module
from cdkfix.records import FileError, FixRecord, FixStatus
from cdkfix.run import RunResult, digest
from cdkfix.write import ChangedOnDisk, write_atomically

ACCEPT, SKIP, QUIT = "accept", "skip", "quit"


@dataclass
class Choices:
    accepted: list[FixRecord] = field(default_factory=list)
    skipped: list[FixRecord] = field(default_factory=list)
    unanswered: list[FixRecord] = field(default_factory=list)  # left when the user quit


def candidates(outcome: RunResult) -> list[FixRecord]:
    """The fixes a plain apply would write, in file and line order."""
    return [fix for fix in outcome.fixes if fix.status is FixStatus.APPLIED]


def ask_each(fixes: list[FixRecord], ask: Callable[[int, int, FixRecord], str]) -> Choices:
    choices = Choices()
    for number, fix in enumerate(fixes, start=1):
        answer = ask(number, len(fixes), fix)
        if answer == QUIT:
            choices.unanswered = fixes[number - 1:]
            break
        (choices.accepted if answer == ACCEPT else choices.skipped).append(fix)
    return choices


def write_accepted(outcome: RunResult, accepted: Iterable[FixRecord], config: RunConfig) -> tuple[list[str], list[FileError]]:
    """Write each file with only its accepted fixes; (files written, errors)."""
    wanted = {fix.id for fix in accepted}
    written: list[str] = []
    errors: list[FileError] = []
    for result in outcome.results:
        ids = {fix.id for fix in result.fixes}
        if not ids & wanted:
            continue
        path = Path(result.path)
        try:
            data = path.read_bytes()
            if digest(data) != result.original_digest:
                raise ChangedOnDisk(result.path)
            again = fix_module(data, result.path, replace(config, skip=config.skip | (ids - wanted), fix_hunks=False))
            applied = {fix.id for fix in again.fixes if fix.status is FixStatus.APPLIED}
            if again.errors or not applied or not applied <= wanted or again.new_source is None:
                errors.append(FileError(result.path, 0, "the accepted fixes could not be applied on their own; not written"))
                continue
            write_atomically(path, again.new_source, expected=data, split_hard_links=config.split_hard_links)
            written.append(result.path)
        except ChangedOnDisk:
            errors.append(FileError(result.path, 0, "changed on disk while you chose; not written"))
        except OSError as error:
            errors.append(FileError(result.path, 0, f"cannot write: {error.strerror or error}"))
    return written, errors
