"""Extract the app folders a list names from repository snapshots already on this machine.

    python bench/export_apps.py bench/awssolutions_apps.tsv DEST [--mirrors /work/.mirror]
    python bench/export_apps.py --find [--mirrors /work/.mirror]     # candidate rows, for a new list

Fetches nothing: each repository must already be a bare snapshot under --mirrors
(`<owner>+<name>/repo`, as the `fetch` tool leaves it). Every row (repository, commit, folder)
becomes DEST/<owner>+<name>__<folder with / as _>, the folder's files at that commit. The
fetched code stays outside git; only the list and this script are committed.

--find prints, for every snapshot, the folders holding a cdk.json whose app runs Python and
whose code imports aws_cdk the v2 way (no `aws_cdk.core`), as rows to review by hand.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

# `core` inside a parenthesized import list (`from aws_cdk import (\n    core as cdk, ...)`) is v1 too.
V1_IMPORT = re.compile(
    r"from aws_cdk import core\b|import aws_cdk\.core\b|from aws_cdk\.core import|from aws_cdk import cdk\b"
    r"|from aws_cdk import \([^)]*\bcore\b"
)


def git_dir(mirrors: Path, repo: str) -> Path:
    base = mirrors / repo.replace("/", "+", 1) / "repo"
    return base / ".git" if (base / ".git").is_dir() else base


def git(directory: Path, *args: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(directory), *args], capture_output=True, check=True).stdout


def folder_name(repo: str, folder: str) -> str:
    return f"{repo.replace('/', '+', 1)}__{'.' if folder in ('', '.') else folder.replace('/', '_')}"


def export(mirrors: Path, repo: str, commit: str, folder: str, dest: Path) -> Path:
    target = dest / folder_name(repo, folder)
    target.mkdir(parents=True, exist_ok=True)
    tree = commit if folder in ("", ".") else f"{commit}:{folder}"
    archive = git(git_dir(mirrors, repo), "archive", "--format=tar", tree)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def read_list(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line.strip() and not line.startswith("#"):
            repo, commit, folder = line.split("\t")[:3]
            rows.append((repo, commit, folder))
    return rows


def _show(directory: Path, commit: str, path: str) -> bytes:
    """A file's bytes, or nothing when the snapshot left it out (its largest files may be absent)."""
    try:
        return git(directory, "show", f"{commit}:{path}")
    except subprocess.CalledProcessError:
        return b""


def find(mirrors: Path) -> None:
    for snapshot in sorted(mirrors.iterdir()):
        if not (snapshot / "repo").exists():
            continue
        repo = snapshot.name.replace("+", "/", 1)
        directory = git_dir(mirrors, repo)
        try:
            head = git(directory, "rev-parse", "HEAD").decode().strip()
            files = git(directory, "ls-tree", "-r", "--name-only", head).decode().splitlines()
        except subprocess.CalledProcessError:
            continue
        for name in files:
            if not name.endswith("cdk.json") or "node_modules/" in name or "cdk.out/" in name:
                continue
            folder = str(Path(name).parent)
            try:
                app = json.loads(git(directory, "show", f"{head}:{name}")).get("app", "")
            except (subprocess.CalledProcessError, ValueError, AttributeError):
                continue
            if "python" not in str(app):
                continue
            prefix = "" if folder == "." else folder + "/"
            # A committed virtualenv is the libraries' code, not the app's (and its v1 aws_cdk
            # modules would mark a v2 app as v1).
            sources = [
                f for f in files
                if f.endswith(".py") and f.startswith(prefix) and "/cdk.out/" not in f
                and "site-packages/" not in f
            ]
            text = b"".join(_show(directory, head, f) for f in sources[:80]).decode("utf-8", "replace")
            if "aws_cdk" in text and not V1_IMPORT.search(text):
                print(f"{repo}\t{head}\t{folder}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("list", nargs="?", type=Path)
    parser.add_argument("dest", nargs="?", type=Path)
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--find", action="store_true")
    args = parser.parse_args()
    if args.find:
        find(args.mirrors)
        return 0
    if args.list is None or args.dest is None:
        parser.error("give a list and a destination folder, or --find")
    missing = 0
    for repo, commit, folder in read_list(args.list):
        try:
            print(export(args.mirrors, repo, commit, folder, args.dest))
        except subprocess.CalledProcessError as error:
            missing += 1
            print(f"{repo} {commit} {folder}: not in the snapshots ({error.stderr.decode().strip()[:200]})", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
