"""Keep every byte the fixes did not touch, even where LibCST's round trip is lossy.

LibCST 1.9 does not reproduce every file byte for byte (a file ending in a blank line
and a space with no final newline loses a byte). The fixed text is therefore not taken
as is: the changes between the round-tripped original and the fixed text are replayed
onto the original text, line by line. A change that falls where the round trip itself
differs from the original cannot be placed safely, and the file is not written.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Callable


class CannotSplice(Exception):
    pass


def splice(original: str, roundtrip: str, fixed: str) -> str:
    if original == roundtrip:
        return fixed
    original_lines = original.splitlines(keepends=True)
    roundtrip_lines = roundtrip.splitlines(keepends=True)
    fixed_lines = fixed.splitlines(keepends=True)
    # Which round-trip lines are exactly original lines, and where.
    to_original: dict[int, int] = {}
    for block in SequenceMatcher(None, roundtrip_lines, original_lines, autojunk=False).get_matching_blocks():
        for offset in range(block.size):
            to_original[block.a + offset] = block.b + offset
    out: list[str] = []
    cursor = 0  # next original line not yet copied
    for tag, r1, r2, f1, f2 in SequenceMatcher(None, roundtrip_lines, fixed_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # The changed round-trip lines [r1, r2) must map onto consecutive original lines,
        # and for a pure insertion the line before it must map too.
        if r2 > r1:
            mapped = [to_original.get(index) for index in range(r1, r2)]
            if None in mapped or mapped != list(range(mapped[0], mapped[0] + len(mapped))):
                raise CannotSplice(f"change at line {r1 + 1} touches text LibCST did not reproduce")
            start, end = mapped[0], mapped[-1] + 1
        else:
            if r1 == 0:
                start = 0
            elif r1 - 1 in to_original:
                start = to_original[r1 - 1] + 1
            else:
                raise CannotSplice(f"insertion at line {r1 + 1} follows text LibCST did not reproduce")
            end = start
        if start < cursor:
            raise CannotSplice("overlapping changes")
        out.extend(original_lines[cursor:start])
        out.extend(fixed_lines[f1:f2])
        cursor = end
    out.extend(original_lines[cursor:])
    return "".join(out)


# Lines as Python counts them (str.splitlines would also split at form feeds).
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def line_map(original: str, roundtrip: str) -> Callable[[int], int] | None:
    """Where each line of the round trip (1-based) is in the original text; None when they
    are the same. Lines are what Python counts (str.splitlines also splits at form feeds);
    a round-trip line in a stretch LibCST did not reproduce maps into that stretch."""
    if original == roundtrip:
        return None
    original_lines = LINE.findall(original)
    roundtrip_lines = LINE.findall(roundtrip)
    where: dict[int, int] = {len(roundtrip_lines) + 1: len(original_lines) + 1}
    for _tag, r1, r2, o1, o2 in SequenceMatcher(None, roundtrip_lines, original_lines, autojunk=False).get_opcodes():
        for index in range(r1, r2):
            where[index + 1] = o1 + 1 + min(index - r1, max(o2 - o1 - 1, 0))
    return lambda line: where.get(line, line)


def has_mixed_endings(text: str) -> bool:
    """More than one kind of line ending (\\r\\n, \\n, \\r) in `text`."""
    crlf = text.count("\r\n")
    kinds = (crlf, text.count("\n") - crlf, text.count("\r") - crlf)
    return sum(1 for count in kinds if count) > 1


def neighbour_endings(original: str, fixed: str) -> str:
    """`fixed`, with each line the fixes added or rewrote ending as the original lines
    around it end (LibCST ends new lines as the file's first line ends, which in a file
    of mixed line endings may be neither neighbour's). Python reads every line ending
    alike, inside strings too, so only the bytes change, never the meaning."""
    old = LINE.findall(original)
    new = LINE.findall(fixed)
    out: list[str] = []
    for tag, o1, o2, n1, n2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(new[n1:n2])
            continue
        for index in range(n1, n2):
            line = new[index]
            body = line.rstrip("\r\n")
            if body == line:  # the last line, with no ending
                out.append(line)
                continue
            if o2 > o1:  # rewritten: the ending of the line it stands for
                near = old[min(o1 + index - n1, o2 - 1)]
            elif o1 > 0:  # inserted: the ending of the line before
                near = old[o1 - 1]
            else:
                near = old[o1] if o1 < len(old) else line
            ending = near[len(near.rstrip("\r\n")):]
            out.append(body + (ending or line[len(body):]))
    return "".join(out)
