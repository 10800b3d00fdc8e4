"""Synthesizes many example snippets in one process (one jsii kernel): the fix-effect harness's worker.

Run as `python _runner.py JOB.json RESULTS.jsonl` by `cdkfix.effects.prove`, in the Python that
has aws-cdk-lib (and cdk-nag 3). It imports only the standard library, aws_cdk and cdk_nag, so
that Python does not need cdkfix. Starting the jsii kernel (and the CloudFormation Validate
engine, on its first synthesis) is most of a small synthesis, so every snippet of the batch runs
here, each in an App of its own (an exception in one App cannot spoil another's construct tree).

Each item's outcome is appended to RESULTS.jsonl as soon as it is known: when this process dies
(a jsii kernel crash), the parent starts another one for the items that have no line yet.

A snippet is one of two shapes (see the rules' examples):
- module-level code using `self` (a Stack of its own) and free names (`vpc`, `cluster`, ...):
  the free names the parent found are built from the fixture table before the code runs;
- definitions: every Stack or Construct subclass, plain class or function the snippet defines
  at module level is then instantiated or called, its parameters supplied from the fixtures
  (`scope` is the App for a Stack subclass and the example's stack otherwise).
"""

import inspect
import json
import os
import sys
import traceback
import types

NO_DEFAULT = inspect.Parameter.empty


def main(job_path, results_path):
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    with open(results_path, encoding="utf-8") as handle:
        done = {json.loads(line)["key"] for line in handle if line.strip()}
    import aws_cdk as cdk

    env = cdk.Environment(account=job["account"], region=job["region"])
    _default_env(cdk, env)
    nag = None
    if job.get("nag"):
        try:
            from cdk_nag import AwsSolutionsChecks as nag
        except ImportError:
            nag = None
    for item in job["items"]:
        if item["key"] in done:
            continue
        # Marks the item as started: if the kernel dies now, the parent knows which one killed it.
        with open(results_path + ".started", "w", encoding="utf-8") as handle:
            handle.write(item["key"])
        outcome = _one(cdk, nag, env, job, item)
        with open(results_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(outcome) + "\n")
    return 0


def _default_env(cdk, env):
    """Every stack gets the explicit env (account and region as literals): CloudFormation Validate
    checks ARNs only when they are literals. A snippet's Stack subclass that passes no env (most
    examples) gets it too."""
    original = cdk.Stack.__init__

    def __init__(self, *args, **kwargs):
        if kwargs.get("env") is None:
            kwargs["env"] = env
        original(self, *args, **kwargs)

    cdk.Stack.__init__ = __init__


def _one(cdk, nag, env, job, item):
    key = item["key"]
    outdir = os.path.join(job["outdir"], str(item["index"]))
    result = {"key": key, "ok": False, "error": "", "templates": {}, "violations": [], "annotations": []}
    try:
        app = cdk.App(outdir=outdir, context=dict(job["context"]), analytics_reporting=False)
        if nag is not None:
            cdk.Validations.of(app).add_plugins(nag(app))
        _build(cdk, app, item, job)
    except BaseException as error:  # noqa: BLE001 - the snippet's own failure is the result
        if isinstance(error, KeyboardInterrupt):
            raise
        result["error"] = _describe(error, key)
        return result
    # Stacks the harness made that stayed empty (module-level code that only defined a class)
    # are not part of the example: an empty template is itself a Validate error (F0001).
    for name in ("Example", "Fixtures"):
        child = app.node.try_find_child(name)
        if child is not None and not child.node.children:
            app.node.try_remove_child(name)
    try:
        app.synth()
    except Exception as error:  # noqa: BLE001
        # ValidationFailed: a plugin found errors; the assembly and validation-report.json
        # are complete by then. Anything else is a synthesis error.
        if "ValidationFailed" not in str(error) or not os.path.isfile(os.path.join(outdir, "manifest.json")):
            result["error"] = _describe(error, key)
            return result
    try:
        _read_assembly(outdir, result)
    except (OSError, ValueError, KeyError) as error:
        result["error"] = "cannot read the cloud assembly: %s" % (error,)
        return result
    result["ok"] = True
    return result


class _Fixtures:
    """Builds fixtures on demand, each once per scope (stack), with their own dependencies first."""

    def __init__(self, cdk, table, preamble, scope):
        self.table = table
        self.scope = scope
        self.values = {}
        self.namespace = {"__name__": "cdkfix_fixtures", "self": scope, "types": types}
        exec(compile(preamble, "<fixture preamble>", "exec"), self.namespace)  # noqa: S102 - fixed text of cdkfix

    def has(self, name):
        return name in self.table

    def get(self, name, stack=()):
        if name in self.values:
            return self.values[name]
        if name in stack:
            raise RuntimeError("fixture %r depends on itself" % name)
        code = compile(self.table[name], "<fixture %s>" % name, "eval")
        for needed in code.co_names:
            if needed != name and needed in self.table and needed not in self.namespace:
                self.namespace[needed] = self.get(needed, stack + (name,))
        value = eval(code, self.namespace)  # noqa: S307 - fixed text of cdkfix's fixture table
        self.values[name] = value
        self.namespace[name] = value
        return value


def _example_stack_class(cdk, fixtures_of):
    """A Stack whose missing attributes come from the fixtures (`self.cluster`, `self.task` in
    examples that run inside a Stack's __init__)."""

    class ExampleStack(cdk.Stack):
        def __getattr__(self, name):
            if name.startswith("_"):
                raise AttributeError(name)
            fixtures = fixtures_of(self)
            if fixtures is not None and fixtures.has(name):
                value = fixtures.get(name)
                object.__setattr__(self, name, value)
                return value
            raise AttributeError(name)

    return ExampleStack


def _build(cdk, app, item, job):
    table, preamble = job["fixtures"], job["preamble"]
    registry = {}
    ExampleStack = _example_stack_class(cdk, lambda stack: registry.get(id(stack)))
    stack = ExampleStack(app, "Example")
    fixtures = registry[id(stack)] = _Fixtures(cdk, table, preamble, stack)
    filename = "<example %s>" % item["key"]
    namespace = {"__name__": "cdkfix_example", "__builtins__": __builtins__, "self": stack}
    for name in item["free"]:
        if fixtures.has(name):
            namespace[name] = fixtures.get(name)
    code = compile(item["source"], filename, "exec")
    exec(code, namespace)  # noqa: S102 - the example snippet: proving it is the point
    other = {}

    def fixtures_for_stacks():
        if "stacks" not in other:
            fixture_stack = ExampleStack(app, "Fixtures")
            other["stacks"] = registry[id(fixture_stack)] = _Fixtures(cdk, table, preamble, fixture_stack)
        return other["stacks"]

    for name in item["defined"]:
        value = namespace.get(name)
        if isinstance(value, type):
            # A Stack or a Stage belongs under the App (a Stage cannot sit in a Stack's template).
            if issubclass(value, (cdk.Stack, cdk.Stage)):
                _call(value, fixtures_for_stacks, app, stack, name)
            else:
                _call(value, lambda: fixtures, stack, stack, name)
        elif isinstance(value, types.FunctionType) and value.__code__.co_filename == filename:
            _call(value, lambda: fixtures, stack, stack, name)


def _call(target, fixtures_of, scope, stack, name):
    """Instantiate a class or call a function with its parameters from the fixtures."""
    # A jsii class's metaclass has a `__call__(*args, **kwargs)` that hides __init__'s signature.
    function = target.__init__ if isinstance(target, type) else target
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        signature = None
    args, kwargs = [], {}
    parameters = list(signature.parameters.values()) if signature is not None else []
    if isinstance(target, type) and parameters:
        parameters = parameters[1:]  # self
    for index, parameter in enumerate(parameters):
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.name in ("scope", "self", "stack", "parent"):
            value = scope
        elif parameter.name in ("construct_id", "id", "name", "stack_id") and index <= 2:
            # A stack keeps its class name as id (an example may name its own path, as
            # `add_resource_suppressions_by_path(self, "/Api/...")` does), unless that is an id
            # the harness itself uses.
            is_stack = isinstance(target, type) and scope is not stack
            value = name if is_stack and name not in ("Example", "Fixtures") else "%sExample" % name
        elif fixtures_of().has(parameter.name):
            value = fixtures_of().get(parameter.name)
        elif parameter.default is not NO_DEFAULT:
            continue
        else:
            raise NameError("no fixture for parameter %r of %s (add one to cdkfix/effects/fixtures.py)" % (parameter.name, name))
        if parameter.kind == parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = value
        else:
            args.append(value)
    target(*args, **kwargs)


def _describe(error, key):
    """`Type: message (at line N of the example)`; jsii's messages keep their first useful line."""
    message = str(error).strip()
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    first = ""
    for index, line in enumerate(lines):
        if line.startswith("@jsii/kernel."):
            line = line.split(":", 1)[1].strip() if ":" in line else line
        if line:
            # "Validation failed with the following errors:" says what follows
            first = line + (" " + " ".join(lines[index + 1:index + 3]) if line.endswith(":") else "")
            break
    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename == "<example %s>" % key:
            where = " (line %d of the example)" % frame.lineno
            break
    return "%s: %s%s" % (type(error).__name__, first[:400], where)


def _read_assembly(outdir, result):
    with open(os.path.join(outdir, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    for artifact_id, artifact in (manifest.get("artifacts") or {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        properties = artifact.get("properties") or {}
        name = artifact.get("displayName") or artifact_id
        with open(os.path.join(outdir, properties["templateFile"]), encoding="utf-8") as handle:
            result["templates"][name] = json.load(handle)
        metadata = dict(artifact.get("metadata") or {})
        extra = artifact.get("additionalMetadataFile")
        if extra and os.path.isfile(os.path.join(outdir, extra)):
            with open(os.path.join(outdir, extra), encoding="utf-8") as handle:
                metadata.update(json.load(handle))
        for path, entries in metadata.items():
            for entry in entries or []:
                if entry.get("type") == "aws:cdk:error":
                    data = entry.get("data")
                    result["annotations"].append("%s: %s" % (path, data if isinstance(data, str) else json.dumps(data)))
    report = os.path.join(outdir, "validation-report.json")
    if os.path.isfile(report):
        with open(report, encoding="utf-8") as handle:
            data = json.load(handle)
        for plugin in data.get("pluginReports", []) or []:
            for violation in plugin.get("violations", []) or []:
                for construct in violation.get("violatingConstructs", []) or [{}]:
                    resource = construct.get("cloudFormationResource") or {}
                    result["violations"].append({
                        "plugin": plugin.get("pluginName", ""),
                        "rule": violation.get("ruleName", "?"),
                        "message": violation.get("description", ""),
                        "severity": violation.get("severity", "error"),
                        "path": construct.get("constructPath", ""),
                        "logical_id": resource.get("logicalId", ""),
                    })


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
