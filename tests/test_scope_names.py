"""Issue 19, item 2: a name that the file binds to something else is not the CDK import.

`from aws_cdk import aws_s3 as s3` at the top, then `s3 = boto3.resource("s3")` in a function:
that function's `s3.Bucket(name)` is boto3's, and must not get `encryption=`, `enforce_ssl=`.
The same for a parameter, `for`, `except ... as`, `with ... as`, `match`, `import mylib as s3`,
a user's `class Bucket` and the module rebinding the name (cdkfix/scopes.py).
"""

from __future__ import annotations

import libcst as cst
import pytest

from cdkfix.names import ImportMap
from cdkfix.node_index import NodeIndex
from cdkfix.records import FixStatus
from cdkfix.testing import fix_source
from cdkfix.transforms.s3_bucket_encryption import S3BucketEncryption

HEADER = "import boto3\nfrom aws_cdk import aws_s3 as s3\n\n\n"


def _resolved_buckets(source: str) -> list[str | None]:
    """What each `s3.Bucket` / `Bucket` callee of `source` resolves to, in source order."""
    module = cst.parse_module(source)
    imports = ImportMap.from_module(module)
    index = NodeIndex(module)
    imports.use_scopes(index)
    empty = cst.Module([])
    return [
        imports.resolve(node.func)
        for node in (index.nodes[at] for at in index.positions(["Call"]))
        if empty.code_for_node(node.func) in ("s3.Bucket", "Bucket")
    ]


CDK_BUCKET = "aws_cdk.aws_s3.Bucket"

# Each: a source whose every `s3.Bucket(...)` call is NOT the CDK class.
SHADOWED = {
    "local assignment": 'def empty_bucket(name):\n    s3 = boto3.resource("s3")\n    s3.Bucket(name)\n',
    "assignment after the use": 'def f(name):\n    s3.Bucket(name)\n    s3 = boto3.resource("s3")\n',
    "parameter": "def f(s3, name):\n    s3.Bucket(name)\n",
    "keyword-only parameter": "def f(*, s3):\n    s3.Bucket('b')\n",
    "star parameter": "def f(*s3):\n    s3.Bucket('b')\n",
    "for target": "def f(clients):\n    for s3 in clients:\n        s3.Bucket('b')\n",
    "tuple target": "def f(pairs):\n    for name, s3 in pairs:\n        s3.Bucket(name)\n",
    "except as": "def f():\n    try:\n        pass\n    except Exception as s3:\n        s3.Bucket('b')\n",
    "with as": "def f():\n    with boto3.client('s3') as s3:\n        s3.Bucket('b')\n",
    "with as tuple": "def f():\n    with g() as (s3, x):\n        s3.Bucket('b')\n",
    "match capture": "def f(x):\n    match x:\n        case s3:\n            s3.Bucket('b')\n",
    "match star": "def f(x):\n    match x:\n        case [*s3]:\n            s3.Bucket('b')\n",
    "match mapping rest": "def f(x):\n    match x:\n        case {**s3}:\n            s3.Bucket('b')\n",
    "import as in a function": "def f():\n    import mylib as s3\n    s3.Bucket('b')\n",
    "from import in a function": "def f():\n    from mylib import s3\n    s3.Bucket('b')\n",
    "walrus": "def f():\n    if (s3 := boto3.resource('s3')):\n        s3.Bucket('b')\n",
    "walrus in a comprehension binds the function's": "def f(xs):\n    [(s3 := x) for x in xs]\n    s3.Bucket('b')\n",
    "augmented assignment": "def f():\n    s3 += 1\n    s3.Bucket('b')\n",
    "annotated assignment": "def f():\n    s3: object = boto3.resource('s3')\n    s3.Bucket('b')\n",
    "del": "def f():\n    del s3\n    s3.Bucket('b')\n",
    "nested def named s3": "def f():\n    def s3():\n        pass\n    s3.Bucket('b')\n",
    "enclosing function's local": "def f():\n    s3 = boto3.resource('s3')\n    def g():\n        s3.Bucket('b')\n",
    "nonlocal": "def f():\n    s3 = 1\n    def g():\n        nonlocal s3\n        s3.Bucket('b')\n",
    "lambda parameter": "f = lambda s3: s3.Bucket('b')\n",
    "comprehension variable": "def f(cs):\n    return [s3.Bucket('b') for s3 in cs]\n",
    "class body binding": "class C:\n    s3 = boto3.resource('s3')\n    s3.Bucket('b')\n",
    "module rebinding after the use": "def f(self):\n    s3.Bucket(self, 'B')\n\n\ns3 = boto3.resource('s3')\n",
    "module rebinding before the use": "s3 = boto3.resource('s3')\ns3.Bucket('b')\n",
    "module for loop": "for s3 in []:\n    pass\ns3.Bucket('b')\n",
    "module import of another s3": "import mylib as s3\ns3.Bucket('b')\n",
    "global in a function rebinds the module's": "def setup():\n    global s3\n    s3 = boto3.resource('s3')\n\n\ndef f(self):\n    s3.Bucket(self, 'B')\n",
    "the function with the global": "def setup():\n    global s3\n    s3 = boto3.resource('s3')\n    s3.Bucket('b')\n",
    "try/except fallback import": "try:\n    pass\nexcept ImportError:\n    s3 = None\ns3.Bucket('b')\n",
}


@pytest.mark.parametrize("name", sorted(SHADOWED))
def test_a_use_where_the_name_is_bound_to_something_else_is_not_cdk(name):
    assert _resolved_buckets(HEADER + SHADOWED[name]) == [None]


# Each: a source whose every `s3.Bucket(...)` call IS the CDK class, although the file binds
# `s3` to something else somewhere.
STILL_CDK = {
    "a sibling function's local": 'def other():\n    s3 = boto3.resource("s3")\n\n\ndef f(self):\n    s3.Bucket(self, "B")\n',
    "a sibling's parameter": "def other(s3):\n    pass\n\n\ndef f(self):\n    s3.Bucket(self, 'B')\n",
    "a nested function's local": "def f(self):\n    def g():\n        s3 = 1\n    s3.Bucket(self, 'B')\n",
    "a class attribute is not seen by methods": "class C:\n    s3 = 1\n\n    def f(self):\n        s3.Bucket(self, 'B')\n",
    "a method named like the import": "class C:\n    def s3(self):\n        pass\n\n    def f(self):\n        s3.Bucket(self, 'B')\n",
    "a default value is evaluated outside": "def f(self, bucket=s3.Bucket(None, 'B')):\n    s3 = 1\n",
    "a comprehension's first iterable is outside": "def f(self):\n    return [s3 for s3 in s3.Bucket(self, 'B')]\n",
    "a comprehension variable does not leak": "def f(self, cs):\n    [s3 for s3 in cs]\n    s3.Bucket(self, 'B')\n",
    "a lambda parameter does not leak": "def f(self):\n    g = lambda s3: s3\n    s3.Bucket(self, 'B')\n",
    "the same CDK import in a function": "def f(self):\n    from aws_cdk import aws_s3 as s3\n    s3.Bucket(self, 'B')\n",
    "the same CDK import again at module level": "import aws_cdk.aws_s3 as s3\n\n\ndef f(self):\n    s3.Bucket(self, 'B')\n",
}


@pytest.mark.parametrize("name", sorted(STILL_CDK))
def test_a_use_that_python_resolves_to_the_import_stays_cdk(name):
    source = HEADER + STILL_CDK[name]
    assert _resolved_buckets(source) == [CDK_BUCKET]


def test_a_file_that_rebinds_no_cdk_name_pays_for_no_scope_analysis():
    source = HEADER + "def f(self, name):\n    client = boto3.resource('s3')\n    s3.Bucket(self, name)\n"
    module = cst.parse_module(source)
    imports = ImportMap.from_module(module)
    imports.use_scopes(NodeIndex(module))
    assert imports.scopes is None


def test_a_user_class_named_like_the_imported_one_is_not_cdk():
    source = (
        "from aws_cdk.aws_s3 import Bucket\n\n\nclass Bucket:\n    def __init__(self, scope, id):\n        pass\n\n\n"
        "def make(self):\n    Bucket(self, 'B')\n"
    )
    assert _resolved_buckets(source) == [None]


def test_a_local_class_named_like_the_imported_one_is_not_cdk_in_its_function_only():
    source = (
        "from aws_cdk.aws_s3 import Bucket\n\n\ndef fake(self):\n    class Bucket:\n        pass\n    Bucket()\n\n\n"
        "def make(self):\n    Bucket(self, 'B')\n"
    )
    assert _resolved_buckets(source) == [None, CDK_BUCKET]


# --- through the engine: the issue's own example, and a fix spelled with a rebound name ---

BOTO = '''import boto3
from aws_cdk import aws_s3 as s3


def empty_bucket(name):
    s3 = boto3.resource("s3")
    s3.Bucket(name).objects.all().delete()


def build(self):
    s3.Bucket(self, "Logs")
'''

BOTO_FIXED = '''import boto3
from aws_cdk import aws_s3 as s3


def empty_bucket(name):
    s3 = boto3.resource("s3")
    s3.Bucket(name).objects.all().delete()


def build(self):
    s3.Bucket(self, "Logs", encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True)
'''


def test_the_boto3_bucket_is_left_alone_and_the_cdk_one_is_fixed():
    fixed, records = fix_source(BOTO, [S3BucketEncryption])
    assert fixed == BOTO_FIXED
    assert [(record.code, record.line) for record in records] == [("CDK-B2", 11)]
    compile(fixed, "x.py", "exec")
    again, more = fix_source(fixed, [S3BucketEncryption])
    assert again == fixed and not more


PARAMETER_NAMED_LIKE_A_MODULE = '''from aws_cdk import aws_s3 as s3
from aws_cdk.aws_s3 import Bucket


def build(self, s3):
    Bucket(self, "Logs")
'''


def test_a_fix_that_would_spell_a_cdk_name_with_a_rebound_name_is_reported_without_a_fix():
    # `encryption=s3.BucketEncryption.S3_MANAGED` would be the parameter's attribute here.
    fixed, records = fix_source(PARAMETER_NAMED_LIKE_A_MODULE, [S3BucketEncryption])
    assert fixed == PARAMETER_NAMED_LIKE_A_MODULE
    assert [(record.code, record.status) for record in records] == [("CDK-B2", FixStatus.NO_FIX)]
    assert records[0].detail == (
        "its code would name CDK classes through `s3`, which is bound to something else where that code goes"
    )


@pytest.mark.parametrize("name", sorted(SHADOWED))
def test_the_rules_leave_a_rebound_name_alone(name):
    # Each shape through the engine with a real rule: no fix, no finding, the file untouched.
    source = HEADER + SHADOWED[name]
    fixed, records = fix_source(source, [S3BucketEncryption])
    assert (fixed, records) == (source, [])


def test_an_import_map_a_rule_snapshots_when_it_is_made_resolves_by_scope_too():
    # CDK-I1 and CDK-B14 keep a snapshot of the import map from their __init__.
    from cdkfix.rule import Category, Kind, Rule

    seen = []

    class Snapshot(Rule):
        code, name, title = "TEST-SNAP", "snapshot", "Snapshot"
        category, kind = Category.IMPROVEMENT, Kind.CONFIGURATION
        issue = fix = impact = "-"

        def __init__(self, context, options=None):
            super().__init__(context, options)
            self.snapshot = self.imports.snapshot()

        def visit_Call(self, node):
            if cst.Module([]).code_for_node(node.func) == "s3.Bucket":
                seen.append(self.snapshot.resolve(node.func))

    fix_source(BOTO, [Snapshot])
    assert seen == [None, CDK_BUCKET]


def test_names_gathered_for_an_abandoned_fix_do_not_reach_the_next_one():
    # A rule that spells `s3.X` (ref) and then gives up must not make its next fix look as if
    # it used `s3` too: in `f`, where `s3` is a parameter, that would refuse a fix using none.
    from cdkfix.rule import Category, Kind, Rule

    class GivesUpOnce(Rule):
        code, name, title = "TEST-GIVEUP", "gives-up", "Gives up"
        category, kind = Category.IMPROVEMENT, Kind.CONFIGURATION
        issue = fix = impact = "-"

        def visit_Call(self, node):
            if self.resolve(node.func) != "aws_cdk.aws_sqs.Queue":
                return
            if cst.Module([]).code_for_node(node.args[1].value) == '"First"':
                self.ref("aws_cdk.aws_s3.BucketEncryption")
                self.report_without_fix("gave up", "test", node)
            else:
                self.report("fifo", [self.set_keyword(node, "fifo", "True")])

    source = (
        "from aws_cdk import aws_s3 as s3, aws_sqs as sqs\n\n\n"
        'def f(self, s3):\n    sqs.Queue(self, "First")\n    sqs.Queue(self, "Second")\n'
    )
    fixed, records = fix_source(source, [GivesUpOnce])
    assert [record.status for record in records] == [FixStatus.NO_FIX, FixStatus.APPLIED]
    assert fixed == source.replace('"Second")', '"Second", fifo=True)')
