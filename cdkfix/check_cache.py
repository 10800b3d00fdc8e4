"""The check cache: one file's FileResult, keyed by everything that decides it.

A re-check of an unchanged tree reads each file, hashes it, and reads its entry: no
parse, no rules. The key (`key_for`) holds:
- cdkfix's code fingerprint (version, a hash of its installed sources and rules, the
  Python, LibCST and black versions: see cdkfix.cache.code_fingerprint), and a hash of
  the source of each selected rule that lives outside cdkfix;
- the file's content hash and the path it is shown as (records carry that path);
- the configuration in force for that file (`RunConfig.for_file`: its config file, the
  command-line flags, per-file ignores): the selected rules, their options, unsafe-fixes,
  line-length, the fixes to skip, and what the outputs need (snippets, per-fix hunks,
  black on inserted code).
Anything else a result could depend on is not read by the engine: it sees only the
file's bytes, its path and the configuration.

Entries hold the whole FileResult, fixed source included, so `apply` uses them too: the
write path still compares the file on disk with the digest the result was made from, so a
file edited meanwhile is never overwritten. Results with an internal error (a crashed
worker, a rule bug) or an unreadable file are not stored: they may not happen again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cdkfix.cache import Cache, code_fingerprint, key_of, module_fingerprint
from cdkfix.config import RunConfig
from cdkfix.engine import CDK_MARKER
from cdkfix.records import FileResult

_NOT_STORED = ("internal error", "cannot read")


def _rule_identity(rule) -> list:
    module = rule.__module__
    identity = [rule.code, module, rule.__qualname__]
    if module != "cdkfix" and not module.startswith("cdkfix."):
        identity.append(module_fingerprint(module))  # not covered by cdkfix's own fingerprint
    return identity


# Files under one config file share its settings: their part of the key is computed once.
_SETTINGS: dict[tuple, str] = {}


def _settings_digest(config: RunConfig) -> str:
    options = json.dumps(config.rule_options, sort_keys=True, default=repr)
    memo = (config.rules, options, config.unsafe_fixes, config.line_length, config.skip,
            config.fix_hunks, config.snippets, config.format_inserted)
    found = _SETTINGS.get(memo)
    if found is None:
        found = _SETTINGS[memo] = key_of([
            "check",
            code_fingerprint(),
            [_rule_identity(rule) for rule in config.rules],
            options,
            config.unsafe_fixes,
            config.line_length,
            sorted(config.skip),
            config.fix_hunks,
            config.snippets,
            config.format_inserted,
        ])
    return found


def key_for(shown: str, content_digest: str, config: RunConfig) -> str:
    """The key of one file's result; `config` is the run's (resolved here for the file)."""
    file_config = config.for_file(shown)
    settings = _settings_digest(file_config)
    # Rules that read more than the file (cdkfix.rule.Rule.cache_inputs) add what they read.
    extra = [inputs for rule in file_config.rules if (inputs := rule.cache_inputs(shown)) is not None]
    if extra:
        settings = key_of([settings, extra])
    return hashlib.sha256(f"{settings}\0{content_digest}\0{shown}".encode("utf-8", "surrogateescape")).hexdigest()


class CheckCache:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    @property
    def hits(self) -> int:
        return self.cache.hits

    def lookup(self, path: Path, shown: str, config: RunConfig) -> tuple[bool, FileResult | None, bytes | None]:
        """(worth caching, the stored result for the file as it is now or None, the bytes read).

        A file without the CDK marker is not worth it: the engine does not even parse it,
        and a lookup (and an entry per file) would cost more than that.
        """
        try:
            data = path.read_bytes()
        except OSError:
            return False, None, None  # process_file reports it
        if CDK_MARKER not in data:
            return False, None, data
        value = self.cache.get(key_for(shown, hashlib.sha256(data).hexdigest(), config))
        if not isinstance(value, FileResult) or value.path != shown:
            return True, None, data
        return True, value, data

    def store(self, result: FileResult, config: RunConfig) -> None:
        if not result.original_digest:
            return  # the file was not read
        if any(error.message.startswith(_NOT_STORED) for error in result.errors):
            return
        self.cache.put(key_for(result.path, result.original_digest, config), result)
