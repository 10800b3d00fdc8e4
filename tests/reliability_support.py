"""Helpers shared by the tests/test_reliability_*.py modules."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from cdkfix.config import RunConfig
from cdkfix.engine import fix_module
from cdkfix.records import FileResult, FixRecord, FixStatus
from cdkfix.registry import all_rules

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def example_files() -> list[Path]:
    """Every Python file of the example apps: examples/seed_app and examples/rules/**."""
    files = sorted((EXAMPLES / "seed_app").glob("*.py")) + sorted((EXAMPLES / "seed_app" / "lib").glob("*.py"))
    files += sorted((EXAMPLES / "rules").rglob("*.py"))
    return files


def fuzz_examples(default: int) -> int:
    """How many generated cases a property test tries: `default` in CI, CDKFIX_FUZZ_EXAMPLES for a long run."""
    return int(os.environ.get("CDKFIX_FUZZ_EXAMPLES", default))


# What the example apps' configuration states (examples/seed_app/cdkfix.toml): the health check
# command their images can run. Without it CDK-I5 reports its findings without a fix.
RULE_OPTIONS = {"CDK-I5": {"command": "curl -f {url} || exit 1"}}


def fix_all(source: str | bytes, rules: Sequence = (), path: str = "generated.py") -> FileResult:
    """One file through the engine with `rules` (default: all), unsafe fixes allowed."""
    config = RunConfig(rules=tuple(rules) or all_rules(), rule_options=RULE_OPTIONS, unsafe_fixes=True)
    data = source.encode("utf-8") if isinstance(source, str) else source
    return fix_module(data, path, config)


def output_of(source: str, result: FileResult) -> str:
    return result.new_source.decode("utf-8") if result.new_source is not None else source


def import_lines(text: str) -> tuple[set[int], int]:
    """The 1-based lines of the module-level import statements of `text`, and the last line of
    the module's leading run of docstring and imports (0: none), where cdkfix adds imports.
    Read with LibCST, so syntax newer than this interpreter is fine."""
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    lines: set[int] = set()
    header_end, in_header = 0, True
    for index, statement in enumerate(wrapper.module.body):
        where = positions[statement]
        is_import = isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        )
        is_docstring = (
            index == 0 and isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.BaseString)
        )
        if is_import:
            lines.update(range(where.start.line, where.end.line + 1))
        if in_header and (is_import or is_docstring):
            header_end = where.end.line
        else:
            in_header = False
    return lines, header_end


def source_lines(text: str) -> list[str]:
    """Lines as Python counts them (ended by \\n, \\r\\n or \\r; str.splitlines also splits at
    form feeds and other characters), each with its line ending."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z", text)


def changes_outside_fixes(original: str, fixed: str, records: Sequence[FixRecord]) -> list[str]:
    """What `fixed` changes of `original` away from the applied fixes and the imports ([] when nothing).

    The original's lines are split into *free* lines, which a fix may rewrite or insert
    code next to: each applied fix's statement span [start_line, end_line], grown over the
    blank and comment-only lines that separate it from its neighbours (where inserted
    statements go), and the module-level import statements. Every maximal run of other
    lines must appear in `fixed` verbatim, whole and in order; between two runs (and before
    the first, after the last) only the free lines there may have been rewritten, plus new
    imports right after the module's leading docstring and imports. What replaces a stretch
    that holds no fixed statement must consist of import statements and blank lines.
    """
    old = source_lines(original)
    new = source_lines(fixed)
    count = len(old)

    def loose(line: int) -> bool:
        text = old[line - 1].strip()
        return not text or text.startswith("#")

    free_span: set[int] = set()
    for record in records:
        if record.status is not FixStatus.APPLIED:
            continue
        start, end = record.start_line, record.end_line
        assert 1 <= start <= end <= count, f"span {start}-{end} of {record.code} outside the file"
        while start > 1 and loose(start - 1):
            start -= 1
        while end < count and not old[end].strip():
            end += 1
        free_span.update(range(start, end + 1))
    free_import, header_end = import_lines(original)
    new_imports, _ = import_lines(fixed)
    free = free_span | free_import

    # Maximal runs of lines no fix may touch, 1-based and inclusive.
    runs: list[tuple[int, int]] = []
    for line in range(1, count + 1):
        if line in free:
            continue
        if runs and runs[-1][1] == line - 1 and line - 1 != header_end:
            runs[-1] = (runs[-1][0], line)
        else:
            runs.append((line, line))

    problems: list[str] = []

    def check_gap(first: int, last: int, previous_end: int, next_start: int) -> None:
        """new[first:last] stands where original lines previous_end+1 .. next_start-1 were."""
        if first == last:
            return
        between = set(range(previous_end + 1, next_start))
        text = "".join(new[first:last])[:300]
        if not between and previous_end != header_end:
            problems.append(f"lines inserted after original line {previous_end}: {text!r}")
        elif not between & free_span:
            if any(new[index].strip() and index + 1 not in new_imports for index in range(first, last)):
                problems.append(f"non-import lines added among the imports after original line {previous_end}: {text!r}")

    position = 0  # next line of `new` not yet accounted for
    previous_end = 0
    for start, end in runs:
        block = old[start - 1:end]
        found = next(
            (index for index in range(position, len(new) - len(block) + 1) if new[index:index + len(block)] == block),
            None,
        )
        if found is None:
            problems.append(f"original lines {start}-{end} are not in the output unchanged: {''.join(block)[:300]!r}")
            return problems
        check_gap(position, found, previous_end, start)
        position, previous_end = found + len(block), end
    check_gap(position, len(new), previous_end, count + 1)
    return problems


# --- generated CDK modules (hypothesis strategies) -----------------------------------------

import random  # noqa: E402
import textwrap  # noqa: E402

from hypothesis import HealthCheck, settings, strategies as st  # noqa: E402

from cdkfix import samples  # noqa: E402

LONG_RUN = "CDKFIX_FUZZ_EXAMPLES" in os.environ


def fuzz_settings(default: int, **extra) -> settings:
    """A fixed budget in CI (and the same cases every time); CDKFIX_FUZZ_EXAMPLES for a long,
    freshly randomized run. `default` is a share of that budget when `extra['share']` is set."""
    share = extra.pop("share", 1.0)
    count = max(1, int(fuzz_examples(default) * share)) if LONG_RUN else default
    return settings(
        max_examples=count,
        deadline=None,
        derandomize=not LONG_RUN,
        database=None if not LONG_RUN else settings.default.database,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        **extra,
    )


@st.composite
def seeded_cdk_modules(draw) -> str:
    """cdkfix.samples.random_cdk_module from a hypothesis-chosen seed."""
    return samples.random_cdk_module(random.Random(draw(st.integers(0, 2**32 - 1))))


# Construct templates beyond cdkfix.samples.CONSTRUCTS, for what the rules also look at.
EXTRA_CONSTRUCTS = [
    ("{codepipeline_actions}.ManualApprovalAction",
     [("action_name", '"Approve"'), ("additional_information", '"Check the staging stack"'),
      ("notification_topic", "topic"), ("run_order", "2")]),
    ("{codepipeline_actions}.CodeStarConnectionsSourceAction",
     [("action_name", '"Source"'), ("owner", '"octo"'), ("repo", '"app"'), ("branch", '"main"'),
      ("connection_arn", '"arn:aws:codestar-connections:us-east-1:123456789012:connection/abc"'),
      ("output", "source_output")]),
    ("{ecs}.FargateService",
     [("cluster", "cluster"), ("task_definition", "task_definition"),
      ("deployment_controller", "{ecs}.DeploymentController(type={ecs}.DeploymentControllerType.CODE_DEPLOY)"),
      ("min_healthy_percent", "100")]),
    ("{elbv2}.ApplicationLoadBalancer", [("vpc", "vpc"), ("internet_facing", "True")]),
]
CONTAINER_OPTIONS = [
    ("image", '{ecs}.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:latest")'),
    ("environment", '{{"ENV": "production", "STAGE": suffix}}'),
    ("logging", '{ecs}.LogDrivers.aws_logs(stream_prefix="app")'),
    ("port_mappings", "[{ecs}.PortMapping(container_port=80)]"),
    ("memory_limit_mib", "256"),
]
BINDINGS = ["vpc", "cluster", "task_definition", "service", "bucket", "topic", "role", "project", "dashboard",
            "self.bucket", "self.cluster", "construct"]
BLOCKS = ['if suffix == "prod":', "for index in range(2):", "with open(__file__) as handle:", "try:", "while False:"]


def _call_text(draw, target: str, arguments: list[str], indent: str) -> str:
    layout = draw(st.sampled_from(["one-line", "multi-line", "trailing-comma", "comment", "hanging", "comment-lines"]))
    if layout == "one-line" or not arguments:
        return f"{target}({', '.join(arguments)})"
    inner = indent + "    "
    if layout == "hanging":
        return f"{target}({arguments[0]},\n" + ",\n".join(f"{inner}{a}" for a in arguments[1:]) + ")" if len(arguments) > 1 \
            else f"{target}({arguments[0]})"
    lines = [f"{inner}{argument}" for argument in arguments]
    if layout == "comment-lines":
        lines = [f"{inner}# about {argument.split('=')[0]}\n{line}" for argument, line in zip(arguments, lines)]
    text = ",\n".join(lines)
    if layout == "trailing-comma":
        text += ","
    elif layout == "comment":
        text += "  # the last argument"
    return f"{target}(\n{text}\n{indent})"


@st.composite
def _statement(draw, names: dict[str, str], indent: str, index: int) -> str:
    kind = draw(st.sampled_from(["construct"] * 6 + ["container", "plain", "block"]))
    if kind == "plain":
        return indent + draw(st.sampled_from([
            "values = [index * 2 for index in range(3)]", 'name = f"{suffix}-{len(values)}"',
            'self.tags = {"team": "platform"}', "total = sum(values) if values else 0", "pass",
            f"# a comment on its own\n{indent}pass", "assert vpc is None or vpc",
        ]))
    if kind == "block":
        header = draw(st.sampled_from(BLOCKS))
        inner = [draw(_statement(names, indent + "    ", index * 10 + offset)) for offset in range(draw(st.integers(1, 2)))]
        text = f"{indent}{header}\n" + "\n".join(inner)
        if header == "try:":
            text += f"\n{indent}except Exception:\n{indent}    pass"
        return text
    if kind == "container":
        chosen = draw(st.lists(st.sampled_from(CONTAINER_OPTIONS), unique_by=lambda option: option[0]))
        arguments = ['"App"', *(f"{keyword}={value}".format(**names) for keyword, value in chosen)]
        call = _call_text(draw, "task_definition.add_container", arguments, indent)
        return f"{indent}{'container = ' if draw(st.booleans()) else ''}{call}"
    cls, options = draw(st.sampled_from(samples.CONSTRUCTS + EXTRA_CONSTRUCTS))
    chosen = draw(st.lists(st.sampled_from(options), unique_by=lambda option: option[0]))
    arguments = [f"{keyword}={value}".format(**names) for keyword, value in chosen]
    ident = draw(st.sampled_from(['f"Construct%d{suffix}"' % index, '"Construct%d"' % index]))
    arguments = ["self", ident, *arguments]
    if draw(st.integers(0, 9)) == 0:
        arguments.append("**common")
    call = _call_text(draw, cls.format(**names), arguments, indent)
    binding = draw(st.sampled_from([None, *BINDINGS]))
    leading = draw(st.sampled_from(["", f"{indent}# {cls.split('.')[-1]}\n"]))
    return f"{leading}{indent}{binding + ' = ' if binding else ''}{call}"


@st.composite
def cdk_modules(draw) -> str:
    """A CDK module composed by hypothesis: an import style, then constructs with any subset of
    their keyword arguments, in any layout, bound or not, nested in blocks or not, in a
    Stack's __init__, a function or at module level, with LF or CRLF line endings."""
    style = draw(st.sampled_from(["from-import", "cdk-alias", "module-import"]))
    names = samples._names(style)
    place = draw(st.sampled_from(["stack", "function", "module"]))
    indent = {"stack": "        ", "function": "    ", "module": ""}[place]
    separator = draw(st.sampled_from(["\n", "\n\n"]))
    body = separator.join(
        draw(_statement(names, indent, index)) for index in range(draw(st.integers(1, 6)))
    )
    prologue = (
        f"{indent}suffix = environment_suffix\n{indent}vpc = cluster = task_definition = topic = source_output = None\n"
        f"{indent}common = {{}}\n\n"
    )
    header = samples._imports(style) + "\n\n"
    if place == "stack":
        header += (
            f"class GeneratedStack({names['Stack']}):\n"
            "    def __init__(self, scope: Construct, construct_id: str, *, environment_suffix: str, **kwargs) -> None:\n"
            "        super().__init__(scope, construct_id, **kwargs)\n"
        )
    elif place == "function":
        header += "def build(self, environment_suffix):\n"
    text = header + prologue + body + "\n"
    if draw(st.booleans()):
        text += draw(st.sampled_from(["\n", "\n\n# trailing comment\n", " \n ", "\n\nprint('done')\n"]))
    if draw(st.integers(0, 4)) == 0:
        text = text.replace("\n", "\r\n")
    return text


EXAMPLE_TEXTS = [
    text for rule in all_rules() for example in rule.examples for text in (example.before, example.after) if text
]


@st.composite
def example_mixes(draw, rule=None) -> str:
    """Rule examples (befores and afters) put together in one module, at module level, in a
    function or in a Stack's __init__; with `rule`, one of that rule's own examples is among them."""
    parts = draw(st.lists(st.sampled_from(EXAMPLE_TEXTS), min_size=0 if rule else 1, max_size=3))
    if rule is not None:
        own = [example.before for example in rule.examples]
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(own)))
    separator = draw(st.sampled_from(["\n", "\n\n", "\n\n\n"]))
    body = separator.join(part.rstrip("\n") + "\n" for part in parts)
    place = draw(st.sampled_from(["module", "function", "stack"]))
    if place == "function":
        body = "def build(self, environment_suffix, vpc=None):\n" + textwrap.indent(body, "    ")
    elif place == "stack":
        body = (
            "from aws_cdk import Stack\n\n\nclass MixedStack(Stack):\n"
            "    def __init__(self, scope, construct_id, environment_suffix, **kwargs):\n"
            "        super().__init__(scope, construct_id, **kwargs)\n" + textwrap.indent(body, "        ")
        )
    return body
