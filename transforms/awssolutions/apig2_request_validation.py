"""AwsSolutions-APIG2: a REST API without request validation gets a validator its methods use.

cdk-nag 3 (APIGWRequestValidation) flags a CfnRestApi unless a CfnRequestValidator of the same
stack belongs to it with both `ValidateRequestBody` and `ValidateRequestParameters` true. A
validator that no method names would silence cdk-nag and validate nothing, so the fix also
makes the API's methods use it: after `api = apigw.RestApi(...)` it inserts
`api_validator = api.add_request_validator("RequestValidator", validate_request_body=True,
validate_request_parameters=True)` and sets `request_validator=api_validator` on every
`add_method(...)` of that API's resources in the same function (`api.root.add_method`, and
resources bound from `api.root.add_resource(...)` / `resource_for_path(...)` chains).

A proxy LambdaRestApi (the default, `proxy=True`) has methods CDK makes itself, ANY on `/` and on
`{proxy+}`, and refuses `add_method`: the validator goes on each of `api.methods` through its
CfnMethod's `request_validator_id`, the L1 escape hatch (the proof synthesizes it with cdk-nag).

Why not `default_method_options=MethodOptions(request_validator_options=...)`: aws-cdk-lib
2.275's Method takes the validator from the method's own options only (`requestValidatorId(
options)` in aws-apigateway/lib/method.js), so a default validator is silently dropped: no
validator is synthesized at all (tests/test_awssolutions_apig.py shows it).
"""

from __future__ import annotations

import libcst as cst

from cdkfix import layout
from cdkfix.names import dotted_name
from cdkfix.rule import Category, Example, Kind, Rule, Safety

from cdkfix.transforms.awssolutions._scaffold import binding, callee, in_plain_statement

REST_API = "aws_cdk.aws_apigateway.RestApi"
LAMBDA_REST_API = "aws_cdk.aws_apigateway.LambdaRestApi"
SPEC_REST_API = "aws_cdk.aws_apigateway.SpecRestApi"
REQUEST_VALIDATOR = "aws_cdk.aws_apigateway.RequestValidator"
CFN_METHOD = "aws_cdk.aws_apigateway.CfnMethod"
# Calls on a resource that give another resource of the same API.
_CHILDREN = frozenset({"add_resource", "resource_for_path", "add_proxy", "get_resource"})
_SCOPES = (cst.FunctionDef, cst.ClassDef, cst.Lambda)


def _root_of(node: cst.BaseExpression) -> tuple[str | None, bool]:
    """(the dotted name a resource expression starts from, whether it is a plain resource chain):
    `api.root.add_resource("x").add_resource("y")` -> ("api", True)."""
    while True:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value in _CHILDREN:
            node = node.func.value
        elif isinstance(node, cst.Attribute) and node.attr.value == "root":
            return dotted_name(node.value), True
        else:
            return dotted_name(node), False


class _ApiUses(cst.CSTVisitor):
    """What the module does with REST API resources: bindings of resource chains, add_method
    calls (with their statement and enclosing function), request validators."""

    def __init__(self) -> None:
        super().__init__()
        self.resources: list[tuple[str, cst.BaseExpression]] = []  # name = resource expression
        self.methods: list[tuple[cst.Call, cst.BaseExpression, cst.SimpleStatementLine | None, cst.CSTNode | None]] = []
        self.validating: list[cst.Call] = []  # add_request_validator(...), add_method(request_validator...=)
        self._line: cst.SimpleStatementLine | None = None
        self._scopes: list[cst.CSTNode] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.append(node)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._scopes.pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._line = node

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and (name := dotted_name(node.targets[0].target)) is not None:
            self.resources.append((name, node.value))

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Attribute):
            return
        attr = node.func.attr.value
        if attr == "add_request_validator":
            self.validating.append(node)
        elif attr == "add_method":
            if any(layout.keyword_arg(node, k) is not None for k in ("request_validator", "request_validator_options")):
                self.validating.append(node)
            self.methods.append((node, node.func.value, self._line, self._scopes[-1] if self._scopes else None))


class Apig2RequestValidation(Rule):
    code = "AwsSolutions-APIG2"
    name = "awssolutions-apigw-request-validation"
    title = "REST API without request validation"
    category = Category.CONFIGURATION
    kind = Kind.SECURITY
    safety = Safety.UNSAFE
    groups = ("AwsSolutions",)
    default = False
    # CDK names the Deployment after a hash of the API's methods: a method that now names a
    # validator gives a new Deployment (the stage moves to it; the old one is deleted).
    replaces = ("AWS::ApiGateway::Deployment (logical ID changes)",)
    calls = frozenset({REST_API, LAMBDA_REST_API, SPEC_REST_API})
    issue = (
        "cdk-nag AwsSolutions-APIG2: The REST API does not have request validation enabled. Requests with missing "
        "required parameters or a body that does not match the method's model reach the integration, which must "
        "reject them itself."
    )
    fix = (
        "Inserts `<api>_validator = <api>.add_request_validator(\"RequestValidator\", validate_request_body=True, "
        "validate_request_parameters=True)` after `<api> = apigw.RestApi(...)` and sets `request_validator=<api>_validator` "
        "on every `add_method(...)` of the API's resources in the same function (`<api>.root.add_method`, resources "
        "bound from `<api>.root.add_resource(...)` / `resource_for_path(...)` / `add_proxy(...)` chains). Not "
        "`default_method_options=MethodOptions(request_validator_options=...)`: aws-cdk-lib ignores a validator "
        "in the default method options (none is synthesized). Left alone: a file that already declares request "
        "validation (`add_request_validator(...)`, `RequestValidator(...)`, an `add_method` with "
        "`request_validator=`/`request_validator_options=`). A proxy LambdaRestApi (no `proxy=`, or `proxy=True`), "
        "whose methods CDK makes and whose `add_method` CDK refuses, gets the validator on each of `<api>.methods` "
        "through its CfnMethod (`request_validator_id`); a bare proxy LambdaRestApi statement is bound to a new name "
        "for it. Reported without a fix: a SpecRestApi (validators "
        "belong in its OpenAPI definition), a LambdaRestApi whose `proxy=` is not a literal, an API not "
        "bound to a name in a plain statement, no `add_method` of the API in the same function (a validator no "
        "method uses validates nothing), an `add_method` with a `**` splat, a `**` splat on the API."
    )
    impact = (
        "UNSAFE: a running API starts refusing requests with a missing required parameter or header, or a body that "
        "does not match the method's request model (400 Bad Request)."
    )
    examples = [
        Example(
            name="module alias, methods on the root and on bound resources",
            before="""\
from aws_cdk import aws_apigateway as apigw

api = apigw.RestApi(self, "Api")
api.root.add_method("GET", apigw.MockIntegration())
items = api.root.add_resource("items")
item = items.add_resource("{id}")
item.add_method("DELETE", apigw.MockIntegration(), api_key_required=False)
""",
            after="""\
from aws_cdk import aws_apigateway as apigw

api = apigw.RestApi(self, "Api")

api_validator = api.add_request_validator(
    "RequestValidator", validate_request_body=True, validate_request_parameters=True
)
api.root.add_method("GET", apigw.MockIntegration(), request_validator=api_validator)
items = api.root.add_resource("items")
item = items.add_resource("{id}")
item.add_method("DELETE", apigw.MockIntegration(), api_key_required=False, request_validator=api_validator)
""",
        ),
        Example(
            name="import aws_cdk as cdk, self attribute, a LambdaRestApi with proxy=False",
            before="""\
import aws_cdk as cdk

handler = cdk.aws_lambda.Function(
    self, "Handler", runtime=cdk.aws_lambda.Runtime.PYTHON_3_14, handler="index.handler",
    code=cdk.aws_lambda.Code.from_inline("def handler(event, context): pass"),
)
self.api = cdk.aws_apigateway.LambdaRestApi(self, "Api", handler=handler, proxy=False)
self.api.root.add_resource("orders").add_method("POST")
""",
            after="""\
import aws_cdk as cdk

handler = cdk.aws_lambda.Function(
    self, "Handler", runtime=cdk.aws_lambda.Runtime.PYTHON_3_14, handler="index.handler",
    code=cdk.aws_lambda.Code.from_inline("def handler(event, context): pass"),
)
self.api = cdk.aws_apigateway.LambdaRestApi(self, "Api", handler=handler, proxy=False)
api_validator = self.api.add_request_validator(
    "RequestValidator", validate_request_body=True, validate_request_parameters=True
)
self.api.root.add_resource("orders").add_method("POST", request_validator=api_validator)
""",
        ),
        Example(
            name="class imported by name, inside a block, a resource_for_path chain",
            before="""\
from aws_cdk.aws_apigateway import MockIntegration, RestApi

public = True
if public:
    api = RestApi(self, "Api")
    users = api.root.resource_for_path("users/{id}")
    users.add_method("GET", MockIntegration())
""",
            after="""\
from aws_cdk.aws_apigateway import MockIntegration, RestApi

public = True
if public:
    api = RestApi(self, "Api")
    api_validator = api.add_request_validator(
        "RequestValidator", validate_request_body=True, validate_request_parameters=True
    )
    users = api.root.resource_for_path("users/{id}")
    users.add_method("GET", MockIntegration(), request_validator=api_validator)
""",
        ),
        Example(
            name="left alone: the file declares its own validation",
            before="""\
from aws_cdk import aws_apigateway as apigw

api = apigw.RestApi(self, "Api")
validator = api.add_request_validator("Body", validate_request_body=True)
api.root.add_method("POST", apigw.MockIntegration(), request_validator=validator)
""",
        ),
        Example(
            name="a proxy LambdaRestApi: the validator goes on the methods CDK makes",
            before="""\
from aws_cdk import aws_apigateway as apigw, aws_lambda as lambda_

handler = lambda_.Function(
    self, "Handler", runtime=lambda_.Runtime.PYTHON_3_14, handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
)
api = apigw.LambdaRestApi(self, "Api", handler=handler)
""",
            after="""\
from aws_cdk import aws_apigateway as apigw, aws_lambda as lambda_

handler = lambda_.Function(
    self, "Handler", runtime=lambda_.Runtime.PYTHON_3_14, handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context): pass"),
)
api = apigw.LambdaRestApi(self, "Api", handler=handler)
api_validator = api.add_request_validator(
    "RequestValidator", validate_request_body=True, validate_request_parameters=True
)
for method in api.methods:
    cfn_method = method.node.default_child
    if isinstance(cfn_method, apigw.CfnMethod):
        cfn_method.request_validator_id = api_validator.request_validator_id
""",
        ),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        kind = self.resolve(node.func)
        if kind not in (REST_API, LAMBDA_REST_API, SPEC_REST_API):
            return
        what = callee(node)
        message = f"{what} without request validation ({self.title})"
        if layout.has_double_star(node):
            self.report_without_fix(message, "a `**` splat: cdkfix cannot see the API's keywords", node)
            return
        uses = self._uses()
        if uses.validating or self._declares_validator():
            return  # the file declares request validation: which methods use which validator is the user's design
        if kind == SPEC_REST_API:
            self.report_without_fix(message, "a SpecRestApi's validators belong in its OpenAPI definition", node)
            return
        proxied = False
        if kind == LAMBDA_REST_API:
            proxy = layout.keyword_arg(node, "proxy")
            written = self.context.module.code_for_node(proxy.value) if proxy is not None else "True"
            if written not in ("True", "False"):
                self.report_without_fix(message, "`proxy=` is not a literal: whether CDK makes the methods is not known", node)
                return
            proxied = written == "True"
        name, bind = binding(self, node), []
        if name is None and proxied and in_plain_statement(self):
            # A bare `apigw.LambdaRestApi(...)` statement: the loop below needs the API, so it is
            # bound to a new name (nothing else can refer to it: its methods are all CDK's).
            found = self.reference_to(node, "api")
            if found is not None:
                name, bind = found
        if name is None or not in_plain_statement(self):
            self.report_without_fix(message, "the API is not bound to a name in a plain statement", node)
            return
        statement = self.current_statement

        def validator() -> tuple[str, str]:
            # Named only once the fix is certain: a finding without a fix takes no name.
            variable = self.unique_name(f"{name.rsplit('.', 1)[-1]}_validator")
            return variable, (
                f'{variable} = {name}.add_request_validator("RequestValidator", validate_request_body=True, '
                f"validate_request_parameters=True)"
            )

        if proxied:
            variable, declaration = validator()
            # CDK makes a proxy LambdaRestApi's methods itself (ANY on `/` and on `{proxy+}`) and refuses
            # `add_method`; their options take no validator (see the module docstring), so the validator
            # goes on each method's CfnMethod, the L1 escape hatch CDK documents.
            method, cfn = self.unique_name("method"), self.unique_name("cfn_method")
            loop = (
                f"for {method} in {name}.methods:\n"
                f"    {cfn} = {method}.node.default_child\n"
                f"    if isinstance({cfn}, {self.ref(CFN_METHOD)}):\n"
                f"        {cfn}.request_validator_id = {variable}.request_validator_id"
            )
            self.report(message, [*bind, self.insert_after(statement, declaration + "\n" + loop)], node=node)
            return
        scope = self.enclosing(cst.FunctionDef)
        resources = self._resources_of(name, uses)
        methods = []
        for call, receiver, line, where in uses.methods:
            root, chain = _root_of(receiver)
            if line is None or where is not scope or not ((chain and root == name) or (not chain and root in resources)):
                continue
            if layout.has_double_star(call):
                self.report_without_fix(message, f"`{self.context.module.code_for_node(call.func)}(...)` has a `**` splat", node)
                return
            methods.append((call, line))
        if not methods:
            self.report_without_fix(message, "no `add_method` of this API in the same function: a validator no method uses validates nothing", node)
            return
        variable, declaration = validator()
        insert = self.insert_after(statement, declaration)
        edits = [self.set_keyword(call, "request_validator", variable, line) for call, line in methods]
        self.report(message, [insert, *edits], node=node)

    def _uses(self) -> _ApiUses:
        return self.module_facts("api uses", _ApiUses)

    def _declares_validator(self) -> bool:
        rule = self

        class Finder(cst.CSTVisitor):
            found = False

            def visit_Call(self, node: cst.Call) -> None:
                if rule.resolve(node.func) == REQUEST_VALIDATOR:
                    self.found = True

        return self.module_facts("request validator calls", Finder).found

    @staticmethod
    def _resources_of(api: str, uses: _ApiUses) -> set[str]:
        """Names bound (anywhere in the file) to a resource chain of `api`, followed through
        names bound to chains of those."""
        known = {api}
        resources: set[str] = set()
        # A name bound more than once may hold another API's resource: never followed.
        counts: dict[str, int] = {}
        for name, _ in uses.resources:
            counts[name] = counts.get(name, 0) + 1
        changed = True
        while changed:
            changed = False
            for name, value in uses.resources:
                if name in resources or counts[name] > 1:
                    continue
                root, chain = _root_of(value)
                if root is None:
                    continue
                if (chain and root == api) or (
                    root in resources and isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                    and value.func.attr.value in _CHILDREN
                ):
                    resources.add(name)
                    changed = True
        return resources - known
