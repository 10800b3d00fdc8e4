"""Python versions: user files in the syntax of Python 3.10 to 3.13 (and what LibCST reads of
3.14) are fixed without crashing, and the new syntax survives byte for byte, even inside
the statement that is fixed; a file the parser cannot read is a clean error naming the file
and the line.

This interpreter may be older than the syntax (e.g. 3.11 for `type` aliases): cdkfix then
checks its output by re-parsing instead of compiling, and so does this test.
"""

from __future__ import annotations

import sys

import libcst as cst
import pytest

from cdkfix.records import FixStatus
from reliability_support import changes_outside_fixes, fix_all, output_of

HEADER = "from aws_cdk import aws_ecs as ecs\n\n\n"
FLAW = 'cluster = ecs.Cluster(self, "C", vpc=vpc)'
FIX = ("vpc=vpc)", "vpc=vpc, container_insights_v2=ecs.ContainerInsights.ENABLED)")

# name -> (first Python that reads it, module body with a flawed ecs.Cluster, syntax to keep)
CASES = {
    "match": ((3, 10), f'''def build(self, vpc, kind):
    match kind:
        case {{"name": str(name)}} if name:
            {FLAW}
        case [first, *rest] | (first, *rest):
            pass
        case Point(x=0, y=0) | None:
            pass
        case _:
            pass
''', 'case {"name": str(name)} if name:'),
    "walrus": ((3, 8), f'''def build(self, vpc):
    if (count := len(vpc.azs)) > 1:
        {FLAW}
    return [double for item in range(count) if (double := item * 2)]
''', "(double := item * 2)"),
    "parenthesized-context-managers": ((3, 10), f'''def build(self, vpc):
    with (
        open("a") as first,
        open("b") as second,
    ):
        {FLAW}
''', 'with (\n        open("a") as first,'),
    "except-star": ((3, 11), f'''def build(self, vpc):
    try:
        pass
    except* (ValueError, TypeError) as group:
        {FLAW}
''', "except* (ValueError, TypeError) as group:"),
    "nested-fstrings-3.12": ((3, 12), '''def build(self, vpc, names):
    label = f"{"-".join(f"{name!r:>{len(names)}}" for name in names)}"
    cluster = ecs.Cluster(self, f"{f"{label}"}", vpc=vpc)
''', 'f"{f"{label}"}"'),
    "multi-line-fstring-field-3.12": ((3, 12), '''def build(self, vpc, names):
    cluster = ecs.Cluster(self, f"{
        names[0]  # the first name
    }", vpc=vpc)
''', '# the first name'),
    "type-alias": ((3, 12), f'''type Clusters = list[ecs.Cluster]
type Pair[T] = tuple[T, T]


def build(self, vpc):
    {FLAW}
''', "type Pair[T] = tuple[T, T]"),
    "pep695-generics": ((3, 12), f'''def build[T](self, vpc: T) -> T:
    {FLAW}
    return vpc


class Factory[T: (int, str), *Ts, **P]:
    def make(self, vpc):
        {FLAW}
''', "class Factory[T: (int, str), *Ts, **P]:"),
    "type-parameter-defaults-3.13": ((3, 13), f'''def build[T = int, *Ts = *tuple[int, ...]](self, vpc: T) -> T:
    {FLAW}
''', "[T = int, *Ts = *tuple[int, ...]]"),
    "template-strings-3.14": ((3, 14), f'''def build(self, vpc):
    note = t"{{vpc!r}}"
    {FLAW}
''', 't"{vpc!r}"'),
    "positional-only-and-async": ((3, 8), f'''async def build(self, vpc, /, *, count=1):
    async with vpc as opened:
        {FLAW}
    return [item async for item in opened]
''', "async def build(self, vpc, /, *, count=1):"),
    "decorator-expression": ((3, 9), f'''@handlers[0].register(lambda f: f)
def build(self, vpc):
    {FLAW}
''', "@handlers[0].register(lambda f: f)"),
}


def _compiles(code: str) -> bool:
    try:
        compile(code, "syntax.py", "exec", dont_inherit=True)
    except SyntaxError:
        return False
    return True


@pytest.mark.parametrize("name", CASES)
def test_newer_syntax_is_fixed_and_kept(name):
    version, body, kept = CASES[name]
    source = HEADER + body
    if sys.version_info >= version:
        assert _compiles(source), "the case itself must be valid Python of its version"
    result = fix_all(source, path="syntax.py")
    assert not result.errors, result.errors
    assert result.fixes and all(record.code == "CDK-B12" and record.status is FixStatus.APPLIED for record in result.fixes)
    fixed = output_of(source, result)
    assert fixed == source.replace(*FIX)  # byte-identical but for the fix
    assert kept in fixed
    assert changes_outside_fixes(source, fixed, result.fixes) == []
    cst.parse_module(fixed)
    if _compiles(source):
        assert _compiles(fixed)
    assert output_of(fixed, fix_all(fixed)) == fixed


def test_newer_syntax_through_the_cli(cli, tmp_path):
    for name, (_, body, _) in CASES.items():
        (tmp_path / f"{name.replace('-', '_').replace('.', '_')}.py").write_text(HEADER + body)
    code, out, err = cli("apply", "--isolated", "--jobs", "1", tmp_path)
    assert code == 0, err
    for name, (_, body, _) in CASES.items():
        path = tmp_path / f"{name.replace('-', '_').replace('.', '_')}.py"
        assert path.read_text() == (HEADER + body).replace(*FIX), name


# name -> (file, the error: "line: message")
UNREADABLE = {
    # Neither CPython nor LibCST reads it: CPython's message and line.
    "python-2-print": (HEADER + f'print "deploying"\n{FLAW}\n',
                       "4: syntax error: Missing parentheses in call to 'print'. Did you mean print(...)?"),
    "unclosed-bracket": (HEADER + f"{FLAW}\nvalues = [1, 2\n", "5: syntax error: '[' was never closed"),
}
# CPython 3.10 and 3.11 read a line continuation right before the end of the file, LibCST's
# tokenizer does not: LibCST's message, at the line LibCST gives (it places tokenizer errors
# at 1). CPython 3.12 and later refuse it themselves.
CONTINUATION = HEADER + f"{FLAW}\n\\\r\n"
UNREADABLE["continuation-at-end-of-file"] = (
    CONTINUATION,
    "1: syntax LibCST cannot parse: tokenizer error: unexpected end of file after a line continuation"
    if sys.version_info < (3, 12) else "5: syntax error: unexpected EOF while parsing",
)


@pytest.mark.parametrize("name", UNREADABLE)
def test_syntax_the_parser_cannot_read_is_a_clean_error(name):
    source, message = UNREADABLE[name]
    result = fix_all(source, path="syntax.py")
    assert [str(error) for error in result.errors] == [f"syntax.py:{message}"]
    assert result.fixes == [] and result.new_source is None


def test_unreadable_syntax_through_the_cli_names_the_file_and_fixes_the_rest(cli, tmp_path):
    for name, (source, _) in UNREADABLE.items():
        (tmp_path / f"{name.replace('-', '_')}.py").write_bytes(source.encode())
    (tmp_path / "good.py").write_text(HEADER + FLAW + "\n")
    code, out, err = cli("apply", "--isolated", "--jobs", "1", tmp_path)
    assert code == 2
    for name, (source, message) in UNREADABLE.items():
        path = tmp_path / f"{name.replace('-', '_')}.py"
        assert f"{path}:{message}" in err
        assert path.read_bytes() == source.encode()
    assert (tmp_path / "good.py").read_text() == (HEADER + FLAW + "\n").replace(*FIX)
