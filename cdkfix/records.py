"""Plain data that leaves the engine: what was fixed where, and what went wrong.

Everything here is picklable and holds no CST nodes, so results can come back from
worker processes, and every output format (Markdown, JSON, SARIF, terminal) is built
from the same records.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field


class FixStatus(str, enum.Enum):
    APPLIED = "applied"  # in the new source (or would be, in a dry run)
    UNSAFE = "unsafe"  # found, held back until the user allows unsafe fixes
    DROPPED = "dropped"  # the rule's output did not compile; an internal error
    SKIPPED = "skipped"  # left out on request (RunConfig.skip), e.g. rolled back by --verify
    SUPPRESSED = "suppressed"  # a `# cdkfix: ignore[CODE]` comment or a cdk-nag acknowledgement
    # Found, but cdkfix cannot choose the fix safely (a `**kwargs` splat, a run-time value,
    # an image it cannot see into): shown like a pending fix, never written (ruff's
    # "no fix available").
    NO_FIX = "no-fix"


@dataclass
class FixRecord:
    code: str
    name: str
    title: str
    category: str  # "A", "B" or "I"
    kind: str
    safety: str
    path: str
    start_line: int  # the statements the report shows
    end_line: int
    message: str
    before: str
    after: str
    imports: list[str] = field(default_factory=list)
    status: FixStatus = FixStatus.APPLIED
    detail: str = ""
    # The node the finding points at: 1-based lines and columns, end exclusive.
    line: int = 0
    column: int = 0
    node_end_line: int = 0
    node_end_column: int = 0
    # This fix alone as a unified diff of the file (filled when RunConfig.fix_hunks is set).
    diff: str = ""

    @property
    def id(self) -> str:
        """Stable within one version of a file: the rule, the file and where the finding is."""
        return f"{self.code}:{self.path}:{self.line}:{self.column}"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["status"] = self.status.value
        data["id"] = self.id
        return data


@dataclass
class FileError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        # Line 0: about the whole file (missing, unreadable, not written), not a line of it.
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass
class Notice:
    """Not a fix: something about the file worth saying, e.g. a suppression that suppressed nothing."""

    path: str
    line: int
    column: int  # 1-based
    message: str
    code: str = ""  # the rule code concerned, if any
    kind: str = "unused-suppression"  # or "invalid-suppression"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class FileResult:
    path: str
    new_source: bytes | None = None  # None: the file is left as it is
    fixes: list[FixRecord] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    original_digest: str = ""  # sha256 of the bytes read, to detect edits made meanwhile

    @property
    def changed(self) -> bool:
        return self.new_source is not None
