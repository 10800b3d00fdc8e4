"""CDK-I5: ECS container that serves a port without a container health check."""

from __future__ import annotations

import string

import libcst as cst

from cdkfix import layout
from cdkfix.constructs import string_value
from cdkfix.rule import Category, Example, Kind, Rule, Safety
from cdkfix.transforms._bindings import single_binding
from cdkfix.transforms._removal import binding
from cdkfix.traverse import nodes_within

CONTAINER = "aws_cdk.aws_ecs.ContainerDefinition"
PORT_MAPPING = "aws_cdk.aws_ecs.PortMapping"
HEALTH_CHECK = "aws_cdk.aws_ecs.HealthCheck"
SECONDS = "aws_cdk.Duration.seconds"
TCP = "aws_cdk.aws_ecs.Protocol.TCP"
HTTP_PROTOCOLS = ("aws_cdk.aws_ecs.AppProtocol.http", "aws_cdk.aws_ecs.AppProtocol.http2")
PLACEHOLDERS = {"url", "port", "path"}
# Well-known ports of servers that do not speak HTTP: an HTTP check on them always fails, so
# the finding is reported without a fix whatever the `command` option says.
NON_HTTP_PORTS = {
    22: "SSH",
    25: "SMTP",
    53: "DNS",
    1433: "SQL Server",
    1521: "Oracle",
    1883: "MQTT",
    2181: "ZooKeeper",
    3306: "MySQL",
    4222: "NATS",
    5432: "PostgreSQL",
    5672: "AMQP (RabbitMQ)",
    6379: "Redis",
    6380: "Redis",
    9042: "Cassandra",
    9092: "Kafka",
    11211: "Memcached",
    26379: "Redis Sentinel",
    27017: "MongoDB",
}
OPTION_HINT = (
    'set the command your image can run in [tool.cdkfix.rules.CDK-I5], e.g. command = "curl -f {url} || exit 1" '
    '(or ["CMD-SHELL", "wget -q -O /dev/null {url} || exit 1"]), then the fix applies'
)


def _literal(text: str) -> str:
    """A Python string literal for `text`, double-quoted like black writes them."""
    if '"' in text:
        return repr(text)
    return '"' + repr(text)[1:-1].replace("\\'", "'") + '"'


def _command(settings: dict) -> list[str] | None:
    """The `command` option as a health check command list (None: not set), checked."""
    path = settings["path"]
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError(f"CDK-I5 option `path` must be a URL path starting with '/', got {path!r}")
    command = settings["command"]
    if command is None:
        return None
    if isinstance(command, str):
        command = ["CMD-SHELL", command]
    if (
        not isinstance(command, list)
        or len(command) < 2
        or not all(isinstance(part, str) for part in command)
        or command[0] not in ("CMD", "CMD-SHELL")
    ):
        raise ValueError(
            'CDK-I5 option `command` must be a shell command string or a list ["CMD-SHELL", "..."] / '
            f'["CMD", "executable", "arg", ...], got {command!r}'
        )
    for part in command[1:]:
        try:
            fields = {name for _, name, _, _ in string.Formatter().parse(part) if name is not None}
        except ValueError as error:
            raise ValueError(f"CDK-I5 option `command`: {error} in {part!r}") from None
        if not fields <= PLACEHOLDERS:
            raise ValueError(
                f"CDK-I5 option `command` may use only {{url}}, {{port}} and {{path}}, got {sorted(fields - PLACEHOLDERS)}"
            )
    return command


class ContainerHealthCheck(Rule):
    code = "CDK-I5"
    name = "container-health-check"
    title = "ECS Container Without Health Check"
    category = Category.IMPROVEMENT
    kind = Kind.HIGH_AVAILABILITY
    # A health check changes how a running service behaves (ECS replaces the tasks whose check
    # fails), and a check the image cannot run fails every time (docs/ci.md: unsafe).
    safety = Safety.UNSAFE
    replaces = ("AWS::ECS::TaskDefinition (ContainerDefinitions is create-only)",)
    issue = (
        "The container serves a port but has no container health check, so ECS considers it healthy as soon as "
        "its process runs: a container whose server hangs or never starts listening keeps running, and "
        "services without a load balancer never replace it."
    )
    fix = (
        "With the `command` option set (the health check command your images can run; cdkfix cannot see what an "
        "image contains), adds `health_check=ecs.HealthCheck(command=[...], interval=Duration.seconds(30), "
        "timeout=Duration.seconds(5), retries=3, start_period=Duration.seconds(60))` to "
        "`task_definition.add_container(...)` / `ecs.ContainerDefinition(...)` calls whose first port mapping has "
        "an integer literal `container_port` (or, for a container bound to a name without `port_mappings=`, whose "
        "first `container.add_port_mappings(...)` later in the same block has one). `command` is a shell command (`\"curl -f {url} || exit 1\"`, run "
        "with CMD-SHELL) or a full list (`[\"CMD-SHELL\", \"wget -q -O /dev/null {url} || exit 1\"]`, "
        "`[\"CMD\", \"/healthcheck\"]`), with `{url}` (`http://localhost:<port><path>`; port 80 gives "
        "`http://localhost/`), `{port}` and `{path}` (option `path`, default `/`). Without `command` the finding "
        "is reported without a fix (curl is missing from slim and distroless images such as `python:3.12-slim`: "
        "an unconditional curl check would fail on every task). A port of a server that does not speak HTTP "
        "(Redis 6379, PostgreSQL 5432, MySQL 3306, MongoDB 27017, Memcached 11211, Kafka 9092, ...) is always "
        "reported without a fix. A port mapping list, mapping or port passed through a variable or `self.` attribute "
        "is read from its one assignment; a port decided at run time (a parameter, mappings added in a loop or "
        "from a `*` splat) or a `**` splat on the call is reported without a fix. Containers without port "
        "mappings, with port 443, a UDP or gRPC first mapping, or with any `health_check` are left alone."
    )
    impact = (
        "UNSAFE (changes a running service): ECS replaces containers whose check fails; a command the image "
        "cannot run, or an HTTP check on a port that does not answer HTTP, fails every time, so tasks are "
        "replaced in a loop (and a deployment with automatic rollback is rolled back). Set `command` to a tool "
        "your images contain. The task definition gets a new revision."
    )
    options = {"path": "/", "command": None}
    calls = frozenset({CONTAINER})
    call_names = frozenset({"add_container"})
    examples = [
        Example(
            before="""\
from aws_cdk import Duration, aws_ecs as ecs

container = task_definition.add_container(
    "AppContainer",
    image=ecs.ContainerImage.from_registry("nginx"),
    port_mappings=[
        ecs.PortMapping(container_port=80)
    ]  # served by the ALB
)
""",
            after="""\
from aws_cdk import Duration, aws_ecs as ecs

container = task_definition.add_container(
    "AppContainer",
    image=ecs.ContainerImage.from_registry("nginx"),
    port_mappings=[
        ecs.PortMapping(container_port=80)
    ],  # served by the ALB
    health_check=ecs.HealthCheck(
        command=["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
        interval=Duration.seconds(30),
        timeout=Duration.seconds(5),
        retries=3,
        start_period=Duration.seconds(60),
    )
)
""",
            options={"command": "curl -f {url} || exit 1"},
            name="add_container, port 80, comment kept, curl stated by the team",
        ),
        Example(
            before="""\
import aws_cdk as cdk

cdk.aws_ecs.ContainerDefinition(self, "Api", task_definition=td, image=image, port_mappings=[cdk.aws_ecs.PortMapping(container_port=8080)])
""",
            after="""\
import aws_cdk as cdk

cdk.aws_ecs.ContainerDefinition(self, "Api", task_definition=td, image=image, port_mappings=[cdk.aws_ecs.PortMapping(container_port=8080)], health_check=cdk.aws_ecs.HealthCheck(
    command=["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"],
    interval=cdk.Duration.seconds(30),
    timeout=cdk.Duration.seconds(5),
    retries=3,
    start_period=cdk.Duration.seconds(60),
))
""",
            options={"command": ["CMD-SHELL", "curl -f {url} || exit 1"]},
            name="ContainerDefinition through the cdk root module, port 8080, command as a list",
        ),
        Example(
            before="""\
from aws_cdk.aws_ecs import ContainerImage, PortMapping

self.web = self.task.add_container(
    "Web",
    image=ContainerImage.from_registry("public.ecr.aws/nginx/nginx"),
    port_mappings=[PortMapping(container_port=3000), PortMapping(container_port=9090)],
)
""",
            after="""\
from aws_cdk.aws_ecs import ContainerImage, PortMapping
from aws_cdk import Duration
from aws_cdk import aws_ecs as ecs

self.web = self.task.add_container(
    "Web",
    image=ContainerImage.from_registry("public.ecr.aws/nginx/nginx"),
    port_mappings=[PortMapping(container_port=3000), PortMapping(container_port=9090)],
    health_check=ecs.HealthCheck(
        command=[
            "CMD-SHELL",
            "curl -f http://localhost:3000/health || exit 1",
        ],
        interval=Duration.seconds(30),
        timeout=Duration.seconds(5),
        retries=3,
        start_period=Duration.seconds(60),
    ),
)
""",
            options={"path": "/health", "command": "curl -f {url} || exit 1"},
            name="classes imported directly, first of two mappings, path option, trailing comma",
        ),
        Example(
            before="""\
import aws_cdk.aws_ecs as ecs
from aws_cdk import Duration

worker_port = 5000
td.add_container("Worker", image=image, port_mappings=[ecs.PortMapping(container_port=worker_port)])
""",
            after="""\
import aws_cdk.aws_ecs as ecs
from aws_cdk import Duration

worker_port = 5000
td.add_container("Worker", image=image, port_mappings=[ecs.PortMapping(container_port=worker_port)], health_check=ecs.HealthCheck(
    command=[
        "CMD-SHELL",
        "wget -q -O /dev/null http://localhost:5000/ || exit 1",
    ],
    interval=Duration.seconds(30),
    timeout=Duration.seconds(5),
    retries=3,
    start_period=Duration.seconds(60),
))
""",
            options={"command": "wget -q -O /dev/null {url} || exit 1"},
            name="port in a local variable, command option, import-as alias",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

td.add_container("Checked", image=image, port_mappings=[ecs.PortMapping(container_port=80)], health_check=check)
td.add_container("NoPorts", image=image)
td.add_container("Tls", image=image, port_mappings=[ecs.PortMapping(container_port=443)])
td.add_container("Dns", image=image, port_mappings=[ecs.PortMapping(container_port=53, protocol=ecs.Protocol.UDP)])
td.add_container("Grpc", image=image, port_mappings=[ecs.PortMapping(container_port=50051, app_protocol=ecs.AppProtocol.grpc)])
td.add_container("SplatChecked", image=image, port_mappings=[ecs.PortMapping(container_port=80)], health_check=check, **extra)
ecs.ContainerDefinition(self, "Empty", task_definition=td, image=image, port_mappings=[])
registry.add_container("NotCdk", port_mappings=[ecs.PortMapping(container_port=80)])
""",
            name="health check present (also beside a splat), no ports, TLS/UDP/gRPC ports, look-alikes",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

td.add_container("Api", image=ecs.ContainerImage.from_registry("python:3.12-slim"), port_mappings=[ecs.PortMapping(container_port=8000)])
""",
            flagged=True,
            name="no command option: the image may have no curl (python:3.12-slim has none), reported without a fix",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

td.add_container("Cache", image=ecs.ContainerImage.from_registry("redis:7"), port_mappings=[ecs.PortMapping(container_port=6379)])
td.add_container("Db", image=ecs.ContainerImage.from_registry("postgres:16"), port_mappings=[{"container_port": 5432}])
""",
            options={"command": "curl -f {url} || exit 1"},
            flagged=True,
            name="Redis and PostgreSQL ports do not answer HTTP: reported without a fix even with a command",
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_ecs as ecs


class AppStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        task = ecs.FargateTaskDefinition(self, "Task")
        container = task.add_container("App", image=ecs.ContainerImage.from_registry("nginx"))
        container.add_port_mappings(ecs.PortMapping(container_port=80))
""",
            after="""\
from aws_cdk import Stack, aws_ecs as ecs
from aws_cdk import Duration


class AppStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        task = ecs.FargateTaskDefinition(self, "Task")
        container = task.add_container("App", image=ecs.ContainerImage.from_registry("nginx"), health_check=ecs.HealthCheck(
            command=["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
            interval=Duration.seconds(30),
            timeout=Duration.seconds(5),
            retries=3,
            start_period=Duration.seconds(60),
        ))
        container.add_port_mappings(ecs.PortMapping(container_port=80))
""",
            options={"command": "curl -f {url} || exit 1"},
            name="port added after the container with add_port_mappings",
        ),
        Example(
            before="""\
import aws_cdk as cdk
from constructs import Construct


class Api(Construct):
    def __init__(self, scope, construct_id, *, task_definition) -> None:
        super().__init__(scope, construct_id)
        self.container = cdk.aws_ecs.ContainerDefinition(
            self,
            "Api",
            task_definition=task_definition,
            image=cdk.aws_ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx"),
        )
        self.container.add_port_mappings(cdk.aws_ecs.PortMapping(container_port=8080), cdk.aws_ecs.PortMapping(container_port=9090))
""",
            after="""\
import aws_cdk as cdk
from constructs import Construct


class Api(Construct):
    def __init__(self, scope, construct_id, *, task_definition) -> None:
        super().__init__(scope, construct_id)
        self.container = cdk.aws_ecs.ContainerDefinition(
            self,
            "Api",
            task_definition=task_definition,
            image=cdk.aws_ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx"),
            health_check=cdk.aws_ecs.HealthCheck(
                command=[
                    "CMD-SHELL",
                    "curl -f http://localhost:8080/ || exit 1",
                ],
                interval=cdk.Duration.seconds(30),
                timeout=cdk.Duration.seconds(5),
                retries=3,
                start_period=cdk.Duration.seconds(60),
            ),
        )
        self.container.add_port_mappings(cdk.aws_ecs.PortMapping(container_port=8080), cdk.aws_ecs.PortMapping(container_port=9090))
""",
            options={"command": "curl -f {url} || exit 1"},
            name="ContainerDefinition in a plain Construct through import aws_cdk as cdk, self. attribute, two mappings added later",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

container = td.add_container("Api", image=ecs.ContainerImage.from_registry("python:3.12-slim"))
container.add_port_mappings(ecs.PortMapping(container_port=8000))
""",
            flagged=True,
            name="port added later, no command option: reported without a fix",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

other = td.add_container("Other", image=image)
other = td.add_container("Third", image=image, health_check=check)
other.add_port_mappings(ecs.PortMapping(container_port=80))
""",
            options={"command": "curl -f {url} || exit 1"},
            name="a rebound name: the mapping added later is another container's, left alone",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs

td.add_container("Probe", image=image, port_mappings=[ecs.PortMapping(container_port=9000)])
""",
            after="""\
from aws_cdk import aws_ecs as ecs
from aws_cdk import Duration

td.add_container("Probe", image=image, port_mappings=[ecs.PortMapping(container_port=9000)], health_check=ecs.HealthCheck(
    command=["CMD", "/bin/probe", "--port", "9000"],
    interval=Duration.seconds(30),
    timeout=Duration.seconds(5),
    retries=3,
    start_period=Duration.seconds(60),
))
""",
            options={"command": ["CMD", "/bin/probe", "--port", "{port}"]},
            name="exec-form command with the port placeholder",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs


def add_web(task_definition):
    mappings = [ecs.PortMapping(container_port=8080)]
    return task_definition.add_container("Web", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx"), port_mappings=mappings)
""",
            after="""\
from aws_cdk import aws_ecs as ecs
from aws_cdk import Duration


def add_web(task_definition):
    mappings = [ecs.PortMapping(container_port=8080)]
    return task_definition.add_container("Web", image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx"), port_mappings=mappings, health_check=ecs.HealthCheck(
        command=["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"],
        interval=Duration.seconds(30),
        timeout=Duration.seconds(5),
        retries=3,
        start_period=Duration.seconds(60),
    ))
""",
            options={"command": "curl -f {url} || exit 1"},
            name="port mappings in a local variable of a helper function",
        ),
        Example(
            before="""\
from aws_cdk import Stack, aws_ecs as ecs
from aws_cdk.aws_ecs import PortMapping


class WebStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.app_port = 3000
        self.web_mapping = PortMapping(container_port=self.app_port)
        self.add_web()

    def add_web(self):
        task = ecs.FargateTaskDefinition(self, "Task")
        ecs.ContainerDefinition(self, "Web", task_definition=task, image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx"), port_mappings=[self.web_mapping])
""",
            after="""\
from aws_cdk import Stack, aws_ecs as ecs
from aws_cdk.aws_ecs import PortMapping
from aws_cdk import Duration


class WebStack(Stack):
    def __init__(self, scope, construct_id, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.app_port = 3000
        self.web_mapping = PortMapping(container_port=self.app_port)
        self.add_web()

    def add_web(self):
        task = ecs.FargateTaskDefinition(self, "Task")
        ecs.ContainerDefinition(self, "Web", task_definition=task, image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx"), port_mappings=[self.web_mapping], health_check=ecs.HealthCheck(
            command=[
                "CMD-SHELL",
                "curl -f http://localhost:3000/ || exit 1",
            ],
            interval=Duration.seconds(30),
            timeout=Duration.seconds(5),
            retries=3,
            start_period=Duration.seconds(60),
        ))
""",
            options={"command": "curl -f {url} || exit 1"},
            name="PortMapping and its port in self. attributes set by another method, ContainerDefinition",
        ),
        Example(
            before="""\
from aws_cdk import aws_ecs as ecs
from aws_cdk.aws_ecs import PortMapping, Protocol


def add_task(task_definition, image, port, mappings, ports, extra):
    task_definition.add_container("Computed", image=image, port_mappings=[ecs.PortMapping(container_port=port)])
    task_definition.add_container("Mapped", image=image, port_mappings=mappings)
    task_definition.add_container("Splat", image=image, port_mappings=[ecs.PortMapping(container_port=80)], **extra)
    container = task_definition.add_container("Looped", image=image)
    for each in ports:
        container.add_port_mappings(PortMapping(container_port=each, protocol=Protocol.TCP))
    spread = task_definition.add_container("Spread", image=image)
    spread.add_port_mappings(*mappings)
""",
            options={"command": "curl -f {url} || exit 1"},
            flagged=True,
            name="ports computed at run time (parameters, added in a loop, from a splat), a `**` splat: reported without a fix",
        ),
    ]

    def __init__(self, context, options=None) -> None:
        super().__init__(context, options)
        self._command = _command(self.settings)

    def visit_Call(self, node: cst.Call) -> None:
        if not self._is_container(node):
            return
        if layout.keyword_arg(node, "health_check") is not None:
            return
        if layout.has_double_star(node):
            self.report_without_fix(
                "container that may serve a port without a health check",
                "a `**` splat may set `port_mappings` or `health_check`: cdkfix cannot see its keywords",
                node,
            )
            return
        try:
            port = self._first_port(node)
        except _Unknown as unknown:
            self.report_without_fix(
                "container that may serve a port without a health check",
                f"{unknown}: the port to check is not known before run time; add a health_check whose command "
                f"checks the port the container serves",
                node,
            )
            return
        if port is None:
            return
        message = f"container serving port {port} without a health check"
        if port in NON_HTTP_PORTS:
            self.report_without_fix(
                message,
                f"port {port} is {NON_HTTP_PORTS[port]}, which does not answer HTTP: add a health_check that "
                f"speaks its protocol (e.g. a client's ping command the image has)",
                node,
            )
            return
        if self._command is None:
            self.report_without_fix(
                message, f"cdkfix cannot see whether the image has curl or wget: {OPTION_HINT}", node
            )
            return
        path = self.settings["path"]
        url = f"http://localhost{'' if port == 80 else f':{port}'}{path}"
        parts = [self._command[0], *(part.format(url=url, port=port, path=path) for part in self._command[1:])]
        seconds = self.ref(SECONDS)
        value = (
            f'{self.ref(HEALTH_CHECK)}(command=[{", ".join(map(_literal, parts))}], interval={seconds}(30), '
            f"timeout={seconds}(5), retries=3, start_period={seconds}(60))"
        )
        self.report(message, [self.set_keyword(node, "health_check", value)])

    def _is_container(self, node: cst.Call) -> bool:
        if self.resolve(node.func) == CONTAINER:
            return True
        # `task_definition.add_container(...)`: the receiver is a variable the import map cannot
        # type; `image=` is required by TaskDefinition.add_container and rules out look-alikes.
        return (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "add_container"
            and layout.keyword_arg(node, "image") is not None
        )

    def _followed(self, node: cst.BaseExpression) -> cst.BaseExpression:
        """`node`, or the value of the one assignment of the variable or `self.` attribute it
        is (`port = 8080`, `self.mappings = [...]`); a name the file imports stays itself."""
        if isinstance(node, (cst.Name, cst.Attribute)) and self.resolve(node) is None:
            found = single_binding(self, node)
            if found is not None:
                return found[1]
        return node

    def _first_port(self, node: cst.Call) -> int | None:
        """The first port mapping's container port, when the code spells it as an int literal
        (directly or through a variable): None when the container serves no HTTP port; raises
        _Unknown when what it serves is decided at run time."""
        mappings = layout.keyword_arg(node, "port_mappings")
        if mappings is None:
            first = self._added_port_mapping(node)
            if first is None:
                return None
            return self._port_of(first)
        value = self._followed(mappings.value)
        if not isinstance(value, (cst.List, cst.Tuple)):
            raise _Unknown(f"`port_mappings={_code(mappings.value)}` is not a list cdkfix can read")
        elements = value.elements
        if not elements:
            return None
        if not isinstance(elements[0], cst.Element):
            raise _Unknown("the first port mapping comes from a `*` splat")
        return self._port_of(elements[0].value)

    def _added_port_mapping(self, node: cst.Call) -> cst.BaseExpression | None:
        """The first mapping of `container.add_port_mappings(...)` later in the block that binds
        `container = <node>`: the port added after the container is the port it serves."""
        statement = self.current_statement
        target = binding(self, node)
        block = self.enclosing(cst.IndentedBlock, cst.Module)
        if target is None or block is None or statement not in block.body:
            return None
        body = list(block.body)
        for sibling in body[body.index(statement) + 1:]:
            if not isinstance(sibling, cst.SimpleStatementLine):
                # A mapping added in a loop or a branch (`for port in ports: c.add_port_mappings(...)`):
                # whether and which port is added is decided at run time.
                if any(_adds_mappings(call, target) for call in nodes_within(sibling, cst.Call)):
                    raise _Unknown("its port mappings are added in a loop or a branch")
                continue
            if len(sibling.body) != 1:
                continue
            small = sibling.body[0]
            if isinstance(small, (cst.Assign, cst.AnnAssign)) and any(
                _code(t.target) == target for t in getattr(small, "targets", ())
            ) or (isinstance(small, cst.AnnAssign) and _code(small.target) == target):
                return None  # the name is rebound: later calls are about another container
            call = small.value if isinstance(small, cst.Expr) else None
            if isinstance(call, cst.Call) and _adds_mappings(call, target):
                if not call.args or call.args[0].star or call.args[0].keyword is not None:
                    raise _Unknown("its port mappings are added from a `*` splat")
                return call.args[0].value
        return None

    def _port_of(self, first: cst.BaseExpression) -> int | None:
        first = self._followed(first)
        fields: dict[str, cst.BaseExpression] = {}
        if self.is_call_to(first, PORT_MAPPING):
            fields = {arg.keyword.value: arg.value for arg in first.args if arg.keyword is not None}
        elif isinstance(first, cst.Dict):
            for element in first.elements:
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key is not None:
                    fields[key] = element.value
        else:
            raise _Unknown(f"the port mapping `{_code(first)}` is not one cdkfix can read")
        # curl speaks HTTP/1 over TCP: not to a UDP port, a gRPC server or (without certificates) TLS on 443.
        if "protocol" in fields and self.resolve(fields["protocol"]) != TCP:
            return None
        if "app_protocol" in fields and self.resolve(fields["app_protocol"]) not in HTTP_PROTOCOLS:
            return None
        if "container_port" not in fields:
            return None
        port = self._followed(fields["container_port"])
        if isinstance(port, cst.Integer):
            value = int(port.evaluated_value)
            return value if 0 < value < 65536 and value != 443 else None
        raise _Unknown(f"`container_port={_code(fields['container_port'])}` is not an integer cdkfix can read")


class _Unknown(Exception):
    """What a container serves is decided at run time (the message says where)."""


def _adds_mappings(call: cst.Call, target: str) -> bool:
    """`<target>.add_port_mappings(...)`."""
    return (
        isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "add_port_mappings"
        and _code(call.func.value) == target
    )


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)
