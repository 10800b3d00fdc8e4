"""Run configuration: which rules, their options, and how far fixes may go.

Settings come from `[tool.cdkfix]` in a `pyproject.toml`, or the top level of a
`cdkfix.toml` / `.cdkfix.toml`, found by walking up from each file (the nearest one wins,
so a repository with several CDK apps can configure each). Command-line flags override
the file. An unknown key, rule code or rule option is a `ConfigError` that names the file
and the key; the CLI turns it into exit code 2.

Schema (keys as in ruff, where ruff has them):

    [tool.cdkfix]
    select = ["CDK-A", "CDK-B12"]   # rule codes or prefixes; default: every rule
    extend-select = ["CDK-I"]       # added to `select`
    ignore = ["CDK-B9"]             # removed from the selection
    unsafe-fixes = false            # also apply unsafe fixes
    exclude = ["cdk.out", "tests/fixtures/**"]   # globs relative to this file's folder
                                    # (with --config FILE: to the current folder, as in ruff)
    line-length = 88                # width of the code the rules insert
    max-file-size = 5242880         # bytes; larger files are reported and skipped (0: no limit)

    [tool.cdkfix.per-file-ignores]
    "legacy/*.py" = ["CDK-B12"]     # glob (relative to this file's folder) -> codes

    [tool.cdkfix.rules.CDK-B5]      # a rule's options (see `cdkfix explain CODE`)
    compute_type = "SMALL"
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from cdkfix.formatting import DEFAULT_LINE_LENGTH

# 5 MiB: a hundred times a large CDK module, and what LibCST analyses in well under a minute.
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# In one folder, the first of these that configures cdkfix wins.
CONFIG_NAMES = (".cdkfix.toml", "cdkfix.toml", "pyproject.toml")

KNOWN_KEYS = (
    "select", "extend-select", "ignore", "per-file-ignores", "unsafe-fixes", "exclude", "line-length", "rules",
    "max-file-size",
)


class ConfigError(Exception):
    """A configuration file cdkfix cannot use: exit code 2, naming the file and the key."""

    def __init__(self, path: Path | str, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.path = str(path)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


# --- rule codes --------------------------------------------------------------------------


def canonical_code(code: str) -> str:
    """`b12` -> `CDK-B12`; other spellings upper-cased as they are."""
    code = code.strip().upper()
    if re.fullmatch(r"[ABI]\d+", code):
        return f"CDK-{code}"
    return code


def _pattern_matches(rule, pattern: str) -> bool:
    """True when `pattern` names `rule` exactly: its code (with or without `CDK-`) or its name."""
    wanted = pattern.strip()
    return bool(wanted) and (canonical_code(wanted) == rule.code.upper() or wanted == rule.name)


def _is_code_shaped(pattern: str) -> bool:
    return bool(re.fullmatch(r"(CDK-)?[ABI]\d+", pattern.strip().upper()))


def matching_rules(universe: Sequence, pattern: str, *, selecting: bool = False) -> list:
    """The rules a select/ignore pattern stands for (none: an unknown code).

    `ALL` (every rule, opt-in ones too); a group's name (`destroyable`, `AwsSolutions`:
    the rules that list it in `groups`); a full code (`CDK-B1`, `B1`) or a rule's name
    selects that rule only (never CDK-B10..B14); anything else is a code prefix (`CDK-B`,
    `B`, `A`). When `selecting`, a prefix that covers rules of the default selection
    stands for those only: an opt-in rule (`default = False`) among them is turned on by
    its code, its name or its group, never by a prefix such as `CDK-B` (so
    `select = ["CDK-B"]` keeps a production default). A prefix that covers opt-in rules
    only (`AwsSolutions-S`) selects them.
    """
    wanted = pattern.strip().upper()
    if not wanted:
        return []
    if wanted == "ALL":
        return list(universe)
    grouped = [rule for rule in universe if wanted in (group.upper() for group in getattr(rule, "groups", ()))]
    if grouped:
        return grouped
    exact = [rule for rule in universe if _pattern_matches(rule, pattern)]
    if exact or _is_code_shaped(pattern):
        return exact
    prefixed = [
        rule for rule in universe
        if rule.code.upper().startswith(wanted) or rule.code.upper().removeprefix("CDK-").startswith(wanted)
    ]
    if selecting:
        default = [rule for rule in prefixed if getattr(rule, "default", True)]
        if default:
            return default
    return prefixed


def unknown_patterns(universe: Sequence, patterns: Iterable[str]) -> list[str]:
    return [pattern for pattern in patterns if pattern.strip() and not matching_rules(universe, pattern)]


@dataclass(frozen=True)
class Selection:
    """One layer of rule selection: `select` resets (when given), `extend_select` adds, `ignore` removes."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def resolve_rules(universe: Sequence, layers: Iterable[Selection]) -> tuple:
    """The rules left after applying each layer in turn (config file first, then the CLI), as ruff does."""
    # The default selection: every rule but the opt-in ones (`default = False`: the
    # destroyability rules for ephemeral environments, migrations, opt-in packs).
    chosen = {rule for rule in universe if getattr(rule, "default", True)}
    for layer in layers:
        if layer.select is not None:
            chosen = {rule for pattern in layer.select for rule in matching_rules(universe, pattern, selecting=True)}
        chosen |= {rule for pattern in layer.extend_select for rule in matching_rules(universe, pattern, selecting=True)}
        chosen -= {rule for pattern in layer.ignore for rule in matching_rules(universe, pattern)}
    return tuple(rule for rule in universe if rule in chosen)


def select_rules(all_rules, select=None, ignore=None):
    """Rules whose code (or a prefix of it, like `CDK-B`) is selected and not ignored."""
    return resolve_rules(
        tuple(all_rules), [Selection(tuple(select) if select else None, (), tuple(ignore or ()))]
    )


# --- globs -------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _glob_regex(pattern: str, exact: bool = False) -> re.Pattern:
    out, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1:end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                index = end + 1
                continue
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out) + (r"\Z" if exact else r"(?:/.*)?\Z"))


def glob_problem(pattern: str) -> str | None:
    """Why `pattern` is not a glob cdkfix can match (a range such as `[z-a]`), or None."""
    try:
        for part in (pattern.strip().strip("/").removeprefix("./"), pattern.strip().rstrip("/")):
            _glob_regex(part)
            _glob_regex(part, True)
    except re.error as error:
        return str(error)
    return None


def glob_matches(pattern: str, relative: str, exact: bool = False) -> bool:
    """gitignore-like: a pattern with no `/` matches any path component (a folder or the file's
    name); one with a `/` is anchored at the config file's folder. Matching a folder covers
    everything in it. With `exact`, the pattern must match `relative` itself (its last
    component, for a pattern with no `/`), not one of its folders."""
    pattern = pattern.strip().replace(os.sep, "/")
    relative = relative.replace(os.sep, "/")
    if not pattern:
        return False
    if "/" not in pattern.rstrip("/"):
        regex = _glob_regex(pattern.rstrip("/"))
        if exact:
            return bool(regex.match(relative.rsplit("/", 1)[-1]))
        return any(regex.match(part) for part in relative.split("/"))
    return bool(_glob_regex(pattern.strip("/").removeprefix("./"), exact).match(relative))


def _relative_to(path: Path, root: str | None) -> str | None:
    absolute = Path(os.path.abspath(path))
    base = Path(root) if root else Path.cwd()
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return None


# --- the run configuration ---------------------------------------------------------------


@dataclass
class RunConfig:
    rules: tuple = ()  # Rule classes, in run order
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    unsafe_fixes: bool = False
    line_length: int = DEFAULT_LINE_LENGTH
    # Larger files are reported and skipped unread: LibCST needs minutes and gigabytes for
    # tens of megabytes, and one such file must not starve the rest (0: no limit).
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # Replace files with several hard links anyway (the other names keep the old text).
    split_hard_links: bool = False
    # FixRecord ids to leave out (status SKIPPED), e.g. fixes that --verify rolled back.
    skip: frozenset[str] = frozenset()
    # (glob, codes): rules left out for the files the glob matches; globs relative to `root`.
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    # Globs of files discovery leaves out, relative to `root`.
    exclude: tuple[str, ...] = ()
    root: str | None = None  # the folder of the config file the globs come from (None: cwd)
    source: str | None = None  # that config file
    # Give each FixRecord its own diff (JSON output, apply --interactive): costs a code
    # generation per fix, so only when asked.
    fix_hunks: bool = False
    # Each FixRecord's before/after code (the report, JSON and SARIF show it): two code
    # generations per fix, which `check`'s one-line-a-finding outputs leave out.
    snippets: bool = True
    # Black on the code fixes insert. A run that shows no code (check's text and GitHub
    # outputs) leaves it out: black keeps the meaning, so the fixes found are the same.
    format_inserted: bool = True
    # When set, each file's nearest config file decides the fields above (see for_file).
    resolver: "ConfigResolver | None" = None

    @classmethod
    def default(cls, **overrides) -> "RunConfig":
        from cdkfix.registry import all_rules

        overrides.setdefault("rules", all_rules())
        return cls(**overrides)

    def for_file(self, path: Path | str) -> "RunConfig":
        """The configuration for one file: its config file's settings and per-file ignores applied."""
        config = self
        if self.resolver is not None:
            config = replace(self, resolver=None, **self.resolver.fields_for(Path(path)))
        if config.per_file_ignores:
            relative = _relative_to(Path(path), config.root)
            ignored: set[str] = set()
            if relative is not None:
                for pattern, codes in config.per_file_ignores:
                    if glob_matches(pattern, relative):
                        ignored |= codes
            config = replace(
                config,
                per_file_ignores=(),
                rules=tuple(rule for rule in config.rules if rule.code not in ignored) if ignored else config.rules,
            )
        return config

    def excludes(self, path: Path | str, below: Path | str | None = None) -> bool:
        """True when `exclude` (of this file's config) leaves `path` out of the run.

        With `below` (the folder named on the command line that the walk found `path`
        under), only the folders and the file below it count, as in ruff: `exclude =
        ["build"]` does not leave out `build/app/stack.py` when `build/app` was named.
        """
        exclude, root = self.exclude, self.root
        if self.resolver is not None:
            # Asked of every file discovered: the two fields, not a whole per-file config.
            fields = self.resolver.fields_for(Path(path))
            exclude, root = fields["exclude"], fields["root"]
        if not exclude:
            return False
        relative = _relative_to(Path(path), root)
        if relative is None:
            return False
        if below is None:
            return any(glob_matches(pattern, relative) for pattern in exclude)
        named = _relative_to(Path(below), root)
        parts = relative.split("/")
        skip = len(named.split("/")) if named not in (None, "", ".") and relative.startswith(named + "/") else 0
        return any(
            glob_matches(pattern, "/".join(parts[:end]), exact=True)
            for end in range(skip + 1, len(parts) + 1) for pattern in exclude
        )


# --- configuration files -----------------------------------------------------------------


@dataclass(frozen=True)
class FileSettings:
    """What one configuration file says, validated."""

    path: Path
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    unsafe_fixes: bool | None = None
    exclude: tuple[str, ...] = ()
    line_length: int | None = None
    max_file_size: int | None = None
    rule_options: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()

    @property
    def root(self) -> Path:
        return self.path.parent


def _key_line(text: str, key: str) -> int:
    """Best effort: the line of `key = ...` or `[...key]` in a TOML file (0 when not found)."""
    escaped = re.escape(key)
    pattern = re.compile(rf"^\s*(?:\[[^\]]*\b{escaped}\b[^\]]*\]|[\"']?{escaped}[\"']?\s*=)", re.M)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _value_line(text: str, value: str) -> int:
    """Best effort: the line where the string `value` is written (0 when not found)."""
    match = re.search(rf"[\"']{re.escape(value)}[\"']", text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _read_table(path: Path) -> tuple[dict | None, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, f"cannot read: {getattr(error, 'strerror', None) or error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, f"invalid TOML: {error}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("cdkfix") if isinstance(tool, dict) else None
        if table is not None and not isinstance(table, dict):
            raise ConfigError(path, "[tool.cdkfix] must be a table", _key_line(text, "cdkfix"))
        return table, text
    return data, text


def configures_cdkfix(path: Path) -> bool:
    """A cdkfix.toml always does; a pyproject.toml only with a [tool.cdkfix] table."""
    if path.name != "pyproject.toml":
        return True
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if "cdkfix" not in text:
        return False
    table, _ = _read_table(path)
    return table is not None


def load_settings(path: Path | str, universe: Sequence | None = None) -> FileSettings:
    """Read and validate one configuration file against the rules in `universe` (default: all)."""
    path = Path(os.path.abspath(path))
    if universe is None:
        from cdkfix.registry import all_rules

        universe = all_rules()
    table, text = _read_table(path)
    if table is None:
        raise ConfigError(path, "no [tool.cdkfix] table")
    section = "[tool.cdkfix]" if path.name == "pyproject.toml" else "the top level"

    def fail(key: str, message: str, line_key: str | None = None) -> None:
        raise ConfigError(path, message, _key_line(text, line_key or key))

    for key in table:
        if key not in KNOWN_KEYS:
            hint = ""
            if key.replace("_", "-") in KNOWN_KEYS:
                hint = f" (did you mean {key.replace('_', '-')!r}?)"
            fail(key, f"unknown key {key!r} in {section}{hint}")

    def codes(key: str, value: Any, where: str | None = None) -> tuple[str, ...]:
        where = where or key
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            fail(key, f"{where!r} must be a list of rule codes (strings)")
        unknown = unknown_patterns(universe, value)
        if unknown:
            line = _value_line(text, unknown[0]) or _key_line(text, key)
            raise ConfigError(path, f"unknown rule code {unknown[0]!r} in {where!r} (see `cdkfix rules`)", line)
        return tuple(value)

    def check_glob(key: str, pattern: str, what: str) -> None:
        problem = glob_problem(pattern)
        if problem:
            raise ConfigError(path, f"{what} is not a valid glob: {problem}", _value_line(text, pattern) or _key_line(text, key))

    select = codes("select", table["select"]) if "select" in table else None
    extend_select = codes("extend-select", table["extend-select"]) if "extend-select" in table else ()
    ignore = codes("ignore", table["ignore"]) if "ignore" in table else ()

    per_file: list[tuple[str, frozenset[str]]] = []
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            fail("per-file-ignores", "'per-file-ignores' must be a table of glob = [codes]")
        for pattern, listed in value.items():
            check_glob("per-file-ignores", pattern, f"per-file-ignores key {pattern!r}")
            chosen = codes("per-file-ignores", listed, f"per-file-ignores.{pattern}")
            per_file.append(
                (pattern, frozenset(rule.code for item in chosen for rule in matching_rules(universe, item)))
            )

    unsafe = None
    if "unsafe-fixes" in table:
        unsafe = table["unsafe-fixes"]
        if not isinstance(unsafe, bool):
            fail("unsafe-fixes", "'unsafe-fixes' must be true or false")

    exclude: tuple[str, ...] = ()
    if "exclude" in table:
        value = table["exclude"]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            fail("exclude", "'exclude' must be a list of globs (strings)")
        for pattern in value:
            check_glob("exclude", pattern, f"'exclude' pattern {pattern!r}")
        exclude = tuple(value)

    line_length = None
    if "line-length" in table:
        line_length = table["line-length"]
        if isinstance(line_length, bool) or not isinstance(line_length, int) or not 40 <= line_length <= 320:
            fail("line-length", "'line-length' must be an integer from 40 to 320")

    max_file_size = None
    if "max-file-size" in table:
        max_file_size = table["max-file-size"]
        if isinstance(max_file_size, bool) or not isinstance(max_file_size, int) or max_file_size < 0:
            fail("max-file-size", "'max-file-size' must be a number of bytes (an integer, 0 for no limit)")

    rule_options: list[tuple[str, tuple[tuple[str, Any], ...]]] = []
    if "rules" in table:
        value = table["rules"]
        if not isinstance(value, dict):
            fail("rules", "'rules' must be a table of [rules.CODE] tables")
        for code, options in value.items():
            rule = next((r for r in universe if _pattern_matches(r, code)), None)
            if rule is None:
                fail(code, f"unknown rule code {code!r} in [rules.{code}] (see `cdkfix rules`)")
            if not isinstance(options, dict):
                fail(code, f"[rules.{code}] must be a table of options")
            rule_options.append((rule.code, tuple(_validate_options(rule, code, options, fail).items())))

    return FileSettings(
        path=path,
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        per_file_ignores=tuple(per_file),
        unsafe_fixes=unsafe,
        exclude=exclude,
        line_length=line_length,
        max_file_size=max_file_size,
        rule_options=tuple(rule_options),
    )


def _type_name(value: Any) -> str:
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _validate_options(rule, written_code: str, options: dict, fail) -> dict:
    defaults = getattr(rule, "options", {}) or {}
    out: dict[str, Any] = {}
    for key, value in options.items():
        name = key if key in defaults else key.replace("-", "_")
        if name not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            fail(key, f"unknown option {key!r} for {rule.code} in [rules.{written_code}] (known: {known})")
        default = defaults[name]
        if default is not None and not _same_type(default, value):
            fail(key, f"option {key!r} for {rule.code} must be {_type_name(default)}, not {_type_name(value)}")
        out[name] = tuple(value) if isinstance(default, tuple) and isinstance(value, list) else value
    problem = _rule_rejects(rule, out)
    if problem:
        # The rule's own check of its values (`compute_type = "NOPE"`), here once for the
        # file rather than as an internal error for every file the run reads.
        named = next((key for key in options if f"`{key}`" in problem or f"`{key.replace('-', '_')}`" in problem), written_code)
        fail(named, f"[rules.{written_code}] {problem}")
    return out


def _rule_rejects(rule, options: dict) -> str | None:
    """The rule's own objection to option values (its constructor raises ValueError), or None."""
    import libcst as cst

    from cdkfix.names import ImportMap
    from cdkfix.rule import FileContext

    try:
        rule(FileContext(cst.Module(body=[]), ImportMap(), "<config>", DEFAULT_LINE_LENGTH), options)
    except (ValueError, TypeError) as error:
        return str(error)
    return None


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))


# A folder with one of these is a repository's root: configuration discovery stops there.
REPOSITORY_MARKERS = (".git", ".hg")


def is_repository_root(folder: Path) -> bool:
    return any(os.path.exists(os.path.join(folder, marker)) for marker in REPOSITORY_MARKERS)


def find_config_file(start: Path, cache: dict | None = None) -> Path | None:
    """The nearest configuration file at or above the folder `start` (`cache`: folder -> answer).

    The search stops at the repository's root (a folder with `.git` or `.hg`), as black
    stops at its project root: a `cdkfix.toml` (or a malformed `pyproject.toml`) in a folder
    above the repository, which the repository never chose, never applies. Outside any
    repository it goes up to the file system's root.
    """
    cache = {} if cache is None else cache
    folder = Path(os.path.abspath(start))
    walked = []
    found: Path | None = None
    while True:
        if folder in cache:
            found = cache[folder]
            break
        walked.append(folder)
        found = next(
            (folder / name for name in CONFIG_NAMES if (folder / name).is_file() and configures_cdkfix(folder / name)),
            None,
        )
        if found is not None or folder.parent == folder or is_repository_root(folder):
            break
        folder = folder.parent
    for seen in walked:
        cache[seen] = found
    return found


@dataclass
class ConfigResolver:
    """Each file's settings: its nearest config file (or one fixed file), then the CLI's flags.

    Picklable, so worker processes resolve files the same way; configuration files are
    read once per process.
    """

    cli: Selection = Selection()
    cli_unsafe_fixes: bool | None = None
    config_file: str | None = None  # --config: this file for every path, no discovery
    # With --config, globs are relative to the folder cdkfix runs in (as in ruff), not the file's.
    base: str | None = None
    universe: tuple = ()
    _settings: dict = field(default_factory=dict, repr=False)
    _fields: dict = field(default_factory=dict, repr=False)
    _folders: dict = field(default_factory=dict, repr=False)

    def settings_for(self, path: Path) -> FileSettings | None:
        if self.config_file:
            location: Path | None = Path(self.config_file)
        else:
            folder = path if path.is_dir() else path.parent
            location = find_config_file(folder, self._folders)
        if location is None:
            return None
        key = str(location)
        if key not in self._settings:
            self._settings[key] = load_settings(location, self.universe or None)
        return self._settings[key]

    def fields_for(self, path: Path) -> dict[str, Any]:
        settings = self.settings_for(path)
        key = str(settings.path) if settings else None
        if key not in self._fields:
            self._fields[key] = self._build(settings)
        return self._fields[key]

    def _build(self, settings: FileSettings | None) -> dict[str, Any]:
        universe = self.universe
        if not universe:
            from cdkfix.registry import all_rules

            universe = all_rules()
        layers = [self.cli]
        if settings is not None:
            layers.insert(0, Selection(settings.select, settings.extend_select, settings.ignore))
        unsafe = self.cli_unsafe_fixes
        if unsafe is None:
            unsafe = bool(settings and settings.unsafe_fixes)
        return {
            "rules": resolve_rules(universe, layers),
            "rule_options": {code: dict(options) for code, options in settings.rule_options} if settings else {},
            "unsafe_fixes": unsafe,
            "line_length": settings.line_length if settings and settings.line_length else DEFAULT_LINE_LENGTH,
            "max_file_size": (
                settings.max_file_size if settings and settings.max_file_size is not None else DEFAULT_MAX_FILE_SIZE
            ),
            "per_file_ignores": settings.per_file_ignores if settings else (),
            "exclude": settings.exclude if settings else (),
            "root": (self.base or str(settings.root)) if settings else None,
            "source": str(settings.path) if settings else None,
        }


def build_run_config(
    *,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    unsafe_fixes: bool | None = None,
    config_file: str | os.PathLike | None = None,
    isolated: bool = False,
    universe: Sequence | None = None,
) -> RunConfig:
    """A RunConfig for a run: with `isolated`, the flags alone; else each file's config file, then the flags.

    Raises ConfigError for an unknown code among the flags (path "command line") or a bad
    `config_file`. Config files found next to the files are validated when the run meets them.
    """
    if universe is None:
        from cdkfix.registry import all_rules

        universe = all_rules()
    universe = tuple(universe)
    cli = Selection(tuple(select) if select else None, tuple(extend_select), tuple(ignore))
    for flag, values in (("--select", cli.select or ()), ("--extend-select", cli.extend_select), ("--ignore", cli.ignore)):
        unknown = unknown_patterns(universe, values)
        if unknown:
            raise ConfigError("command line", f"unknown rule code {unknown[0]!r} in {flag} (see `cdkfix rules`)")
    if isolated:
        return RunConfig(rules=resolve_rules(universe, [cli]), unsafe_fixes=bool(unsafe_fixes))
    resolver = ConfigResolver(
        cli=cli,
        cli_unsafe_fixes=unsafe_fixes,
        config_file=str(Path(os.path.abspath(config_file))) if config_file else None,
        base=os.getcwd() if config_file else None,
        universe=universe,
    )
    if config_file:
        resolver.settings_for(Path(config_file))  # a bad --config file is an error before any work
    return RunConfig(rules=resolve_rules(universe, [cli]), unsafe_fixes=bool(unsafe_fixes), resolver=resolver)
