"""transforms/_bindings.py: the one rule for what binds a name. A name is followed to its value
only when the scope that sees it binds it exactly once, by a plain `name = value`; every other
binding (a loop, a `with ... as`, a walrus, `+=`, an import, a parameter, `global`, a def, an
unpacking, a change in place) makes it unknown, for every rule that follows names."""

from __future__ import annotations

import libcst as cst
import pytest

from cdkfix.constructs import code
from cdkfix.rule import Category, Kind, Rule, Safety
from cdkfix.testing import fix_source
from cdkfix.transforms._bindings import (
    assigned_once,
    assignments_in,
    binding_of,
    binds_otherwise,
    single_binding,
    value_of,
)
from cdkfix.transforms.nag_v3._common import Unknown


class _Probe(Rule):
    """At each `probe(<expr>)`, what the binding helpers say `<expr>` stands for."""

    code, name, title = "TEST-BIND", "test-bindings", "probe"
    category, kind, safety = Category.CONFIGURATION, Kind.SECURITY, Safety.SAFE
    seen: list[dict] = []

    def visit_Call(self, node: cst.Call) -> None:
        if not (isinstance(node.func, cst.Name) and node.func.value == "probe"):
            return
        target = node.args[0].value
        found = single_binding(self, target)
        bound = binding_of(self, target)
        try:
            once = code(assigned_once(self, code(target)))
        except Unknown as reason:
            once = f"Unknown: {reason}"
        value = value_of(self, target)
        _Probe.seen.append({
            "single": code(found[1]) if found else None,
            "binding": code(bound[1]) if bound else None,
            "value_of": code(value) if value is not None else None,
            "assigned_once": once,
        })


def _probe(source: str) -> dict:
    _Probe.seen = []
    # The engine reads only files that mention aws_cdk.
    fix_source("import aws_cdk\n" + source, [_Probe])
    assert len(_Probe.seen) == 1, _Probe.seen
    return _Probe.seen[0]


def _in_function(body: str) -> str:
    lines = "".join(f"    {line}\n" for line in body.splitlines())
    return f"def build(self, scope):\n{lines}    probe(x)\n"


def test_one_plain_assignment_is_known_everywhere():
    seen = _probe(_in_function("x = make()"))
    assert seen == {"single": "make()", "binding": "make()", "value_of": "make()", "assigned_once": "make()"}


@pytest.mark.parametrize(
    "body, reason",
    [
        ("x = make()\nfor x in items:\n    pass", "`x` is bound 2 times"),
        ("x = make()\nwith open('f') as x:\n    pass", "`x` is bound 2 times"),
        ("x = make()\nif (x := other()):\n    pass", "`x` is bound 2 times"),
        ("x = make()\nx += 1", "`x` is bound 2 times"),
        ("x = make()\nfrom m import x", "`x` is bound 2 times"),
        ("x = make()\nimport x", "`x` is bound 2 times"),
        ("global x\nx = make()", "`x` is bound 2 times"),
        ("x = make()\ndef x():\n    pass", "`x` is bound 2 times"),
        ("x = make()\nclass x:\n    pass", "`x` is bound 2 times"),
        ("x = make()\na, x = pair()", "`x` is bound 2 times"),
        ("x = make()\ndel x", "`x` is bound 2 times"),
        ("x = {}\ndel x['k']", "`x` is changed at run time (append/extend...)"),
        ("x = make()\nwith open('f') as x.handle:\n    pass", "`x` is changed at run time (append/extend...)"),
        ("x = make()\ntry:\n    pass\nexcept E as x:\n    pass", "`x` is bound 2 times"),
        ("x = make()\nys = [x for x in items]", "`x` is bound 2 times"),
        ("x = y = make()", "`x` is bound in a way cdkfix does not follow"),
        ("for x in items:\n    pass", "`x` is a loop variable"),
        ("x = []\nx.append(1)", "`x` is changed at run time (append/extend...)"),
        ("x = make()\nx.attribute = 1", "`x` is changed at run time (append/extend...)"),
        ("x = {}\nx['k'] = 1", "`x` is changed at run time (append/extend...)"),
    ],
)
def test_a_name_bound_any_other_way_too_is_unknown(body, reason):
    seen = _probe(_in_function(body))
    assert seen == {"single": None, "binding": None, "value_of": None, "assigned_once": f"Unknown: {reason}"}


def test_a_parameter_is_unknown():
    seen = _probe("def build(self, x):\n    probe(x)\n")
    assert seen["binding"] is None
    assert seen["assigned_once"] == "Unknown: `x` is a parameter: its value comes from the callers"


def test_a_parameter_rebound_once_is_still_unknown():
    # Which of the two values reaches the use depends on the code between them.
    seen = _probe("def build(self, x):\n    if flag:\n        x = make()\n    probe(x)\n")
    assert seen["single"] is None and seen["binding"] is None and seen["assigned_once"].startswith("Unknown")


def test_a_module_constant_is_known_in_a_function_that_does_not_bind_it():
    seen = _probe("X = make()\n\ndef build(self):\n    probe(X)\n")
    assert seen == {"single": None, "binding": "make()", "value_of": "make()", "assigned_once": "make()"}


@pytest.mark.parametrize(
    "source",
    [
        # a function declares it global and rebinds it
        "X = make()\n\ndef other():\n    global X\n    X = 2\n\ndef build(self):\n    probe(X)\n",
        # the module binds it twice
        "X = make()\nfor X in items:\n    pass\n\ndef build(self):\n    probe(X)\n",
        "X = make()\nimport X\n\ndef build(self):\n    probe(X)\n",
        # an enclosing function binds it (here in a nested def, conservatively)
        "X = make()\n\ndef outer(X):\n    def build(self):\n        probe(X)\n",
        "X = make()\n\ndef outer():\n    def other():\n        X = 1\n    def build(self):\n        probe(X)\n",
        # a lambda's parameter
        "X = make()\n\ndef build(self):\n    return lambda X: probe(X)\n",
    ],
)
def test_a_module_constant_rebound_anywhere_that_matters_is_unknown(source):
    seen = _probe(source)
    assert seen["binding"] is None and seen["value_of"] is None and seen["assigned_once"].startswith("Unknown")


def test_self_attribute_assigned_once_is_known():
    source = "class S:\n    def __init__(self):\n        self.x = make()\n        probe(self.x)\n"
    seen = _probe(source)
    assert seen == {"single": "make()", "binding": "make()", "value_of": None, "assigned_once": "make()"}


@pytest.mark.parametrize(
    "other",
    [
        "self.x = again()",
        "self.x += 1",
        "self.x: T",
        "for self.x in items:\n            pass",
        "with open('f') as self.x:\n            pass",
        "self.x, self.y = pair()",
        "self.x = self.y = make()",
        "self.x.append(1)",
        "self.x.attribute = 1",
        "del self.x",
        # a nested function of a method still runs with the same `self`
        "def later():\n            self.x = again()",
    ],
)
def test_self_attribute_bound_any_other_way_too_is_unknown(other):
    source = (
        "class S:\n    def __init__(self):\n        self.x = make()\n        probe(self.x)\n\n"
        f"    def other(self):\n        {other}\n"
    )
    seen = _probe(source)
    assert seen["single"] is None and seen["binding"] is None
    assert seen["assigned_once"].startswith("Unknown: `self.x` is assigned ")


def test_assignments_in_and_binds_otherwise_keep_their_split():
    function = cst.parse_module(
        "def f(p):\n    x = make()\n    y = 1\n    y += 2\n    for z in items:\n        pass\n    w = 1\n    w.append(2)\n"
    ).body[0]
    assert [code(value) for _, value in assignments_in(function, "x")] == ["make()"]
    assert [value is None for _, value in assignments_in(function, "y")] == [False, True]
    assert not binds_otherwise(function, "x")
    assert binds_otherwise(function, "y")  # `+=`
    assert binds_otherwise(function, "z")  # a loop
    assert binds_otherwise(function, "p")  # a parameter
    assert binds_otherwise(function, "w")  # changed in place


def test_a_name_bound_in_the_class_body_around_the_use_is_unknown():
    # Class bodies are not followed (they were not before): no fix from a class attribute.
    seen = _probe("X = make()\n\nclass S:\n    X = other()\n    probe(X)\n")
    assert seen["single"] is None and seen["binding"] is None
