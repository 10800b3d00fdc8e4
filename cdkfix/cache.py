"""The on-disk cache shared by `check` (findings per file) and `--verify` (syntheses).

Entries live in the user's cache folder (platformdirs' user cache dir, or
`CDKFIX_CACHE_DIR`), one file per entry under a namespace folder:
`<root>/<namespace>-v<SCHEMA>/<key[:2]>/<key>`. The key is a sha256 the caller computes
from everything its result depends on; `code_fingerprint()` is the part that stands for
cdkfix itself (a hash of its installed source files, not only the version string, which
rarely changes while a rule is being edited).

Safety:
- An entry is `MAGIC`, the sha256 of its payload, the key it was stored under, and the
  payload. A half-written, truncated or corrupted entry fails that check and reads as a
  miss; the run then computes the result and writes the entry again. Nothing in an entry
  is trusted before the check.
- Writes go to a temporary file in the same folder and are renamed over the entry
  (atomic on POSIX and Windows): concurrent runs never see each other's half-written
  files, and the last complete writer wins.
- Payloads are JSON, never pickle: a cache folder someone else could write to must not
  be a way to run code. `encode`/`decode` carry cdkfix's own dataclasses and enums (by
  class name, only from the `cdkfix` package) so results round-trip exactly.
- A cache that cannot be written (read-only folder, full disk) only costs speed: errors
  are swallowed and the run goes on uncached.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import hashlib
import importlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable

from cdkfix import __version__

SCHEMA = 1  # bump when the layout of entries or of what they hold changes
MAGIC = b"cdkfix-cache-1\n"
NAMESPACES = ("check", "synth")  # the only folders `clean` removes
ENV_DIR = "CDKFIX_CACHE_DIR"
_TAG = "CACHEDIR.TAG"
_TAG_TEXT = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache made by cdkfix (cdkfix clean empties it).\n"


def default_root() -> Path:
    """`CDKFIX_CACHE_DIR`, else the user's cache folder for cdkfix."""
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("cdkfix", appauthor=False))


class Cache:
    """One namespace of the cache ("check" or "synth")."""

    def __init__(self, root: Path | str, namespace: str) -> None:
        if namespace not in NAMESPACES:
            raise ValueError(f"unknown cache namespace {namespace!r}")
        self.root = Path(root)
        self.namespace = namespace
        self.folder = self.root / f"{namespace}-v{SCHEMA}"
        self._folder = str(self.folder)
        # What happened, for the benchmark and the tests (not shown to users).
        self.hits = self.misses = self.corrupt = self.writes = self.unstorable = 0

    @classmethod
    def default(cls, namespace: str) -> "Cache":
        return cls(default_root(), namespace)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> Any | None:
        """The decoded payload stored under `key`, or None (missing, or not intact: then ignored)."""
        try:
            # Strings, not pathlib: a warm `check` does this for every file.
            with open(os.path.join(self._folder, key[:2], key), "rb") as handle:
                data = handle.read()
        except OSError:
            self.misses += 1
            return None
        payload = _unwrap(data, key)
        if payload is None:
            self.corrupt += 1
            self.misses += 1
            return None
        try:
            value = decode(json.loads(payload))
        except Exception:  # intact bytes we cannot read back (e.g. a class that no longer exists)
            self.corrupt += 1
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        try:
            payload = json.dumps(encode(value), separators=(",", ":"), sort_keys=True).encode("utf-8")
        except (TypeError, ValueError):
            # A value the codec cannot carry (a field holding another library's object):
            # not stored, so never read back wrong; the run itself goes on.
            self.unstorable += 1
            return
        data = MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + key.encode() + b"\n" + payload
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _tag(self.root)
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, path)
            except BaseException:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
                raise
            self.writes += 1
        except OSError:
            pass  # no cache this time; the result itself is fine


def _unwrap(data: bytes, key: str) -> bytes | None:
    if not data.startswith(MAGIC):
        return None
    rest = data[len(MAGIC):]
    checksum, _, rest = rest.partition(b"\n")
    stored_key, _, payload = rest.partition(b"\n")
    if stored_key != key.encode() or hashlib.sha256(payload).hexdigest().encode() != checksum:
        return None
    return payload


def _tag(root: Path) -> None:
    """CACHEDIR.TAG: backup tools skip the folder (as pip's and ruff's caches do)."""
    tag = root / _TAG
    if not tag.exists():
        try:
            tag.write_text(_TAG_TEXT, encoding="utf-8")
        except OSError:
            pass


def clean(root: Path | str | None = None) -> list[Path]:
    """Remove cdkfix's cache folders under `root` (default: the cache root); the folders removed.

    Only cdkfix's own namespace folders and tag are removed, never the root itself: a
    `CDKFIX_CACHE_DIR` pointed at a folder that holds other things loses nothing else.
    """
    root = Path(root) if root is not None else default_root()
    removed = []
    if not root.is_dir():
        return removed
    for entry in sorted(root.iterdir()):
        name = entry.name
        if entry.is_dir() and not entry.is_symlink() and any(name.startswith(f"{space}-v") for space in NAMESPACES):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    tag = root / _TAG
    if tag.is_file():
        tag.unlink()
    return removed


# --- keys --------------------------------------------------------------------------------

_FINGERPRINTS: dict[str, str] = {}


def _hash_tree(folder: Path, digest) -> None:
    for path in sorted(folder.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


def code_fingerprint() -> str:
    """cdkfix's version and a hash of its installed source files (the engine and the rules).

    Computed once per process (a few ms): editing a rule or the engine during development
    changes it, so no entry made by other code is ever used.
    """
    if "cdkfix" not in _FINGERPRINTS:
        digest = hashlib.sha256(f"cdkfix {__version__} schema {SCHEMA} python {sys.version}\0".encode())
        # The parser and the formatter of inserted code decide the output too.
        digest.update(f"libcst {_version('libcst')} black {_version('black')}\0".encode())
        import cdkfix

        for package in (cdkfix, _transforms()):
            if package is None:
                continue
            for folder in getattr(package, "__path__", []):
                digest.update(folder.encode() + b"\0")
                _hash_tree(Path(folder), digest)
        _FINGERPRINTS["cdkfix"] = digest.hexdigest()
    return _FINGERPRINTS["cdkfix"]


def _version(distribution: str) -> str:
    try:
        from importlib.metadata import version

        return version(distribution)
    except Exception:
        return ""


def _transforms():
    try:
        return importlib.import_module("cdkfix.transforms")
    except ImportError:
        return None


def module_fingerprint(module_name: str) -> str:
    """A hash of one module's source file, for rules that live outside cdkfix (plugins, tests)."""
    key = f"module:{module_name}"
    if key not in _FINGERPRINTS:
        module = sys.modules.get(module_name)
        path = getattr(module, "__file__", None)
        try:
            data = Path(path).read_bytes() if path else module_name.encode()
        except OSError:
            data = module_name.encode()
        _FINGERPRINTS[key] = hashlib.sha256(data).hexdigest()
    return _FINGERPRINTS[key]


def key_of(parts: Iterable[Any]) -> str:
    """A sha256 of the parts as canonical JSON (anything not JSON is taken by its repr)."""
    text = json.dumps(list(parts), sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- payloads ----------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """JSON-able data for cdkfix's records: dataclasses and enums keep their class."""
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, enum.Enum):
            return {"__enum__": _class_name(type(value)), "value": value.value}
        return value
    if isinstance(value, enum.Enum):
        return {"__enum__": _class_name(type(value)), "value": value.value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {field.name: encode(getattr(value, field.name)) for field in dataclasses.fields(value)}
        return {"__dataclass__": _class_name(type(value)), "fields": fields}
    if isinstance(value, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {"__dict__": {key: encode(item) for key, item in value.items()}}
        return {"__pairs__": [[encode(key), encode(item)] for key, item in value.items()]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, tuple):
        return {"__tuple__": [encode(item) for item in value]}
    if isinstance(value, (set, frozenset)):
        kind = "__frozenset__" if isinstance(value, frozenset) else "__set__"
        return {kind: sorted((encode(item) for item in value), key=repr)}
    raise TypeError(f"cannot cache a {type(value).__name__}")


_PLAIN = (str, int, float, bool, type(None))


def decode(data: Any) -> Any:
    if isinstance(data, _PLAIN):
        return data
    if isinstance(data, list):
        return [item if isinstance(item, _PLAIN) else decode(item) for item in data]
    if not isinstance(data, dict):
        return data
    if "__dict__" in data:
        return {key: decode(item) for key, item in data["__dict__"].items()}
    if "__pairs__" in data:
        return {decode(key): decode(item) for key, item in data["__pairs__"]}
    if "__tuple__" in data:
        return tuple(decode(item) for item in data["__tuple__"])
    if "__frozenset__" in data:
        return frozenset(decode(item) for item in data["__frozenset__"])
    if "__set__" in data:
        return {decode(item) for item in data["__set__"]}
    if "__bytes__" in data:
        return base64.b64decode(data["__bytes__"], validate=True)
    if "__enum__" in data:
        return _class(data["__enum__"])(data["value"])
    if "__dataclass__" in data:
        cls, names = _dataclass(data["__dataclass__"])
        fields = {key: item if isinstance(item, _PLAIN) else decode(item) for key, item in data["fields"].items()}
        if fields.keys() != names:  # the class changed since: not this entry's shape
            raise TypeError(f"{data['__dataclass__']} has other fields now")
        instance = object.__new__(cls)
        instance.__dict__.update(fields)  # as stored: no __post_init__, works for frozen ones too
        return instance
    raise TypeError("unknown tagged value")


_DATACLASSES: dict[str, tuple[type, frozenset]] = {}


def _dataclass(name: str) -> tuple[type, frozenset]:
    if name not in _DATACLASSES:
        cls = _class(name)
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{name} is not a dataclass")
        _DATACLASSES[name] = (cls, frozenset(field.name for field in dataclasses.fields(cls)))
    return _DATACLASSES[name]


def _class_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _class(name: str) -> type:
    module_name, _, qualname = name.partition(":")
    # Only cdkfix's own classes: the payload names what to build, so it must not name anything else.
    if module_name != "cdkfix" and not module_name.startswith("cdkfix."):
        raise TypeError(f"not a cdkfix class: {name}")
    value: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        value = getattr(value, part)
    if not isinstance(value, type):
        raise TypeError(f"not a class: {name}")
    return value
