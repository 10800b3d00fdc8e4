"""What resolving names with their scope costs, relative to the parse (in-process, CPU time).

    python bench/scope_cost.py CORPUS_DIR [--libcst N]

For every .py file under CORPUS_DIR (e.g. `bench/corpus.py`'s cdk corpus): the parse as
cdkfix does it, the node index (built for every file anyway), the import map, and
`ImportMap.use_scopes` (cdkfix.scopes) and resolving every call's callee, summed (`--rebind`:
with a function appended to each file that rebinds one of its CDK names, the slow path); with `--libcst N`, LibCST's ScopeProvider
on the first N files, for comparison. Prints each as a ratio of the parse, and how many
files rebind a CDK name (the only ones that pay for more than the pre-check).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cdkfix import parsing
from cdkfix.names import ImportMap
from cdkfix.node_index import NodeIndex


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--libcst", type=int, default=0, help="also time LibCST's ScopeProvider on this many files")
    parser.add_argument(
        "--rebind", action="store_true",
        help="append to every file a function whose parameter rebinds one of its CDK names (the slow path)",
    )
    args = parser.parse_args()
    files = sorted(path for path in args.corpus.rglob("*.py"))
    clock = time.process_time
    totals = {"parse": 0.0, "index": 0.0, "imports": 0.0, "scopes": 0.0, "resolve": 0.0}
    rebinding = cdk_files = 0
    for path in files:
        source = path.read_bytes()
        if b"aws_cdk" not in source:
            continue
        cdk_files += 1
        if args.rebind:
            first = next(iter(ImportMap.from_module(parsing.parse_module(source)).bindings), None)
            if first is not None:
                source += f"\n\ndef _rebinds({first}):\n    return {first}.x()\n".encode()
        start = clock()
        module = parsing.parse_module(source)
        parsed = clock()
        index = NodeIndex(module)
        indexed = clock()
        imports = ImportMap.from_module(module)
        mapped = clock()
        imports.use_scopes(index)
        done = clock()
        # What the runner does with it: resolve every call's callee once.
        nodes = index.nodes
        for at in index.positions(["Call"]):
            imports.resolve(nodes[at].func)
        resolved = clock()
        totals["resolve"] += resolved - done
        totals["parse"] += parsed - start
        totals["index"] += indexed - parsed
        totals["imports"] += mapped - indexed
        totals["scopes"] += done - mapped
        rebinding += imports.scopes is not None
    parse = totals["parse"]
    print(f"{cdk_files} CDK files, {rebinding} rebind a CDK name; parse {parse:.2f} s cpu")
    for name, seconds in totals.items():
        print(f"  {name:8} {seconds:7.3f} s  {seconds / parse:6.3f} x parse")
    if args.libcst:
        import libcst as cst
        from libcst.metadata import MetadataWrapper, ScopeProvider

        subset = [path for path in files if b"aws_cdk" in path.read_bytes()][: args.libcst]
        parse_subset = scope_subset = 0.0
        for path in subset:
            source = path.read_bytes()
            start = clock()
            module = parsing.parse_module(source)
            parsed = clock()
            MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
            scope_subset += clock() - parsed
            parse_subset += parsed - start
        print(f"  LibCST ScopeProvider on {len(subset)} files: {scope_subset:.2f} s, {scope_subset / parse_subset:.2f} x their parse")


if __name__ == "__main__":
    main()
