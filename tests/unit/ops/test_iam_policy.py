"""`deploy/iam-policy.json` grants exactly the AWS calls the production code makes, no more.

The code is read, not run: every `.py` file of `fulfil/`, `flows/`, `tasks/` and `blocks/` is
parsed with `ast`, and the DynamoDB operations it names on a client (`self._client.query(...)`,
`client.get_paginator("list_tables")`, `call = self._client.scan`) are mapped to IAM actions.

Which files count is decided by imports, not by a hand list: the modules reachable from the flows,
the tasks, the blocks and the operator commands (`plan`, `setup`). Seed data, the local stand-ins
(moto, DynamoDB Local), the simulator and the demo are unreachable from there, so their calls
(e.g. BatchWriteItem) must not be granted. Table provisioning (`ensure_tables`, run once by
`fulfil init-tables` with an admin role) has its own policy, `deploy/iam-policy-init-tables.json`,
checked the same way; the test also proves no flow reaches it.

Writes are checked per table: a write call names its table (`TableName=self._tables.shipments`,
or `self._table` set from `tables.control` in the class); where the call hides it (a request dict
built elsewhere), the module may write every table it names, and a module that names none takes
table names as arguments and so may write any. The group-commit client
(`fulfil.store.coalesce`) only re-sends writes made elsewhere, singly or inside
TransactWriteItems, for which IAM checks each enclosed Put/Update against PutItem/UpdateItem on its
table (there is no IAM action of its own): its calls are checked where they originate, and the
module is left out. Reads (and Query on indexes) are granted on every table and index: the
snapshot scans every table, so a narrower read grant would protect nothing.
"""

from __future__ import annotations

import ast
import json
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore import xform_name

from fulfil.settings import TableNames
from fulfil.store.schema import all_tables

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("fulfil", "flows", "tasks", "blocks")
ROOT_MODULES = ("fulfil.commands.plan", "fulfil.commands.setup")  # operator commands
PROVISIONING = {("fulfil.store.dynamo", "ensure_tables"), ("fulfil.store.dynamo", "_wait_active")}
PASS_THROUGH = {"fulfil.store.coalesce"}  # re-sends writes checked where they are made
CLIENT_NAMES = {"client", "_client", "dynamo", "_dynamo", "ddb", "dynamodb"}
TABLE_RECEIVERS = {"tables", "_tables", "names"}
WRITE_OPS = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
REGION, ACCOUNT, PREFIX = "ap-south-1", "ACCOUNT_ID", "table-tennis-"
SECRET = "shipRocket-delivery-credentials"  # blocks.credentials.DEFAULT_SHIPROCKET_SECRET_ID


@cache
def _dynamodb_operations() -> dict[str, str]:
    """snake_case client method -> IAM action name (DynamoDB's action names are its operations)."""
    model = botocore.session.get_session().get_service_model("dynamodb")
    return {xform_name(op): op for op in model.operation_names}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


@cache
def _modules() -> dict[str, ast.Module]:
    return {
        _module_name(p): ast.parse(p.read_text(encoding="utf-8"))
        for pkg in PACKAGES
        for p in sorted((ROOT / pkg).rglob("*.py"))
    }


def _imports(name: str, tree: ast.Module) -> set[str]:
    modules = _modules()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    parents = {".".join(m.split(".")[:i]) for m in found for i in range(1, m.count(".") + 1)}
    return {m for m in found | parents if m in modules and m != name}


@cache
def _reachable() -> frozenset[str]:
    modules = _modules()
    todo = [m for m in modules if m.split(".")[0] in {"flows", "tasks", "blocks"}]
    todo += list(ROOT_MODULES)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_imports(name, modules[name]))
    return frozenset(seen)


def _receiver(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _table_field(node: ast.expr) -> str | None:
    """`tables.orders` / `self._tables.orders` -> "orders"."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr in TableNames.model_fields
        and _receiver(node.value) in TABLE_RECEIVERS
    ):
        return node.attr
    return None


def _self_tables(cls: ast.ClassDef) -> dict[str, str]:
    """`self._table = tables.control` in a class -> {"_table": "control"}."""
    found: dict[str, str] = {}
    for node in ast.walk(cls):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, field = node.targets[0], _table_field(node.value)
            if field and isinstance(target, ast.Attribute) and _receiver(target.value) == "self":
                found[target.attr] = field
    return found


def _call_table(call: ast.Call, self_tables: dict[str, str]) -> str | None:
    """The table a call names in its `TableName=` keyword, when that is visible."""
    for kw in call.keywords:
        if kw.arg != "TableName":
            continue
        field = _table_field(kw.value)
        value = kw.value
        if field is None and isinstance(value, ast.Attribute) and _receiver(value.value) == "self":
            field = self_tables.get(value.attr)
        return field
    return None


def _calls(tree: ast.Module) -> Iterator[tuple[str, str | None, str | None]]:
    """(IAM action, enclosing top-level function, table field if visible) per DynamoDB call."""
    ops = _dynamodb_operations()
    for top in tree.body:
        function = top.name if isinstance(top, ast.FunctionDef) else None
        self_tables = _self_tables(top) if isinstance(top, ast.ClassDef) else {}
        calls = {id(n.func): n for n in ast.walk(top) if isinstance(n, ast.Call)}
        for node in ast.walk(top):
            if not isinstance(node, ast.Attribute) or _receiver(node.value) not in CLIENT_NAMES:
                continue
            call = calls.get(id(node))
            if node.attr == "get_paginator" and call is not None and call.args:
                first = call.args[0]
                if isinstance(first, ast.Constant):
                    yield ops[str(first.value)], function, None
            elif node.attr in ops:
                table = _call_table(call, self_tables) if call is not None else None
                yield ops[node.attr], function, table


def _tables_named(tree: ast.Module) -> set[str]:
    return {
        f for node in ast.walk(tree) if isinstance(node, ast.expr) and (f := _table_field(node))
    }


@cache
def _code_actions() -> tuple[dict[str, set[str]], set[str], dict[str, set[str]]]:
    """(runtime action -> modules, provisioning actions, table field -> write actions)."""
    runtime: dict[str, set[str]] = defaultdict(set)
    provisioning: set[str] = set()
    writes: dict[str, set[str]] = defaultdict(set)
    every_table = set(TableNames.model_fields)
    for name in sorted(_reachable() - PASS_THROUGH):
        tree = _modules()[name]
        unresolved: set[str] = set()  # writes whose table is not visible at the call
        for action, function, table in _calls(tree):
            if (name, function) in PROVISIONING:
                provisioning.add(action)
                continue
            runtime[action].add(name)
            if action not in WRITE_OPS:
                continue
            if table is not None:
                writes[table].add(action)
            else:
                unresolved.add(action)
        if unresolved:  # may write any table the module names (any at all if it names none)
            for table in _tables_named(tree) or every_table:
                writes[table] |= unresolved
    return runtime, provisioning, writes


def _load(name: str) -> dict[str, Any]:
    policy: dict[str, Any] = json.loads((ROOT / "deploy" / name).read_text(encoding="utf-8"))
    assert policy["Version"] == "2012-10-17"
    return policy


def _grants(policy: dict[str, Any]) -> dict[str, set[str]]:
    """resource ARN -> actions granted on it (Allow statements only)."""
    out: dict[str, set[str]] = defaultdict(set)
    for stmt in policy["Statement"]:
        assert stmt["Effect"] == "Allow", stmt
        actions = [stmt["Action"]] if isinstance(stmt["Action"], str) else stmt["Action"]
        resources = [stmt["Resource"]] if isinstance(stmt["Resource"], str) else stmt["Resource"]
        for action in actions:
            assert "*" not in action, f"wildcard action {action}"
            for resource in resources:
                out[resource].add(action)
    return out


def _table_arn(table: str) -> str:
    return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{table}"


def _dynamo_actions(grants: dict[str, set[str]]) -> set[str]:
    return {
        a.split(":", 1)[1] for acts in grants.values() for a in acts if a.startswith("dynamodb:")
    }


NAMES = TableNames.from_prefix(PREFIX)
SPECS = all_tables(NAMES)


def test_the_scan_sees_the_code_it_should() -> None:
    reachable = _reachable()
    assert {"flows.fulfil_paid_orders", "fulfil.store.fulfilment", "blocks.loading"} <= reachable
    assert not {"fulfil.store.writer", "fulfil.seed", "fulfil.commands.demo"} & reachable
    assert not any(m.startswith(("fulfil.simulator", "fulfil.local")) for m in reachable)
    runtime, provisioning, _ = _code_actions()
    assert {"Query", "UpdateItem", "PutItem"} <= set(runtime)
    assert "CreateTable" in provisioning


def test_no_flow_reaches_table_provisioning() -> None:
    for name in _reachable() - {"fulfil.store.dynamo"}:
        for node in ast.walk(_modules()[name]):
            called = node.func if isinstance(node, ast.Call) else None
            label = _receiver(called) if called is not None else None
            assert label not in {"init_tables", "ensure_tables"}, f"{name} provisions tables"


def test_runtime_policy_grants_exactly_the_dynamodb_actions_the_code_calls() -> None:
    runtime, _, _ = _code_actions()
    granted = _dynamo_actions(_grants(_load("iam-policy.json")))
    missing, extra = set(runtime) - granted, granted - set(runtime)
    assert not missing, f"called in code but not granted: {sorted(missing)}"
    assert not extra, f"granted but never called: {sorted(extra)}"


def test_every_table_and_index_is_covered_for_reads() -> None:
    runtime, _, _ = _code_actions()
    reads = {f"dynamodb:{a}" for a in runtime if a not in WRITE_OPS}
    grants = _grants(_load("iam-policy.json"))
    for spec in SPECS:
        assert grants[_table_arn(spec.name)] >= reads, spec.name
        for index in spec.indexes:
            arn = f"{_table_arn(spec.name)}/index/{index.name}"
            assert grants[arn] == {"dynamodb:Query"}, arn
    known = {_table_arn(s.name) for s in SPECS}
    known |= {f"{_table_arn(s.name)}/index/{ix.name}" for s in SPECS for ix in s.indexes}
    dynamo_resources = {r for r in grants if r.startswith("arn:aws:dynamodb:")}
    assert dynamo_resources == known  # nothing outside the project's tables and indexes


def test_writes_are_granted_per_table_exactly_as_the_code_writes() -> None:
    _, _, writes = _code_actions()
    grants = _grants(_load("iam-policy.json"))
    for field in TableNames.model_fields:
        granted = {
            a.split(":", 1)[1]
            for a in grants[_table_arn(getattr(NAMES, field))]
            if a.split(":", 1)[1] in WRITE_OPS
        }
        assert granted == writes.get(field, set()), field
    # The storefront's own tables: the pipeline writes only the order and its shipment rows.
    source = {s.name for s in SPECS if s.source}
    written = {getattr(NAMES, f) for f, ops in writes.items() if ops}
    assert written & source == {NAMES.orders, NAMES.shipments}


def test_provisioning_policy_is_exactly_what_init_tables_calls() -> None:
    _, provisioning, _ = _code_actions()
    grants = _grants(_load("iam-policy-init-tables.json"))
    assert _dynamo_actions(grants) == provisioning
    assert grants["*"] == {"dynamodb:ListTables"}  # ListTables has no resource-level form
    for spec in SPECS:
        assert grants[_table_arn(spec.name)] == {
            f"dynamodb:{a}" for a in provisioning - {"ListTables"}
        }


def _secret_calls() -> set[str]:
    """Modules calling Secrets Manager (`get_secret_value(SecretId=...)`, not `SecretStr`'s)."""
    return {
        name
        for name in _reachable()
        for node in ast.walk(_modules()[name])
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get_secret_value"
        and any(kw.arg == "SecretId" for kw in node.keywords)
    }


def test_secrets_manager_grant_is_the_one_shiprocket_secret() -> None:
    assert _secret_calls() == {"blocks.credentials"}
    assert (
        f'DEFAULT_SHIPROCKET_SECRET_ID = "{SECRET}"' in (ROOT / "blocks/credentials.py").read_text()
    )
    grants = _grants(_load("iam-policy.json"))
    secret = {r: a for r, a in grants.items() if r.startswith("arn:aws:secretsmanager:")}
    assert secret == {
        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{SECRET}-??????": {
            "secretsmanager:GetSecretValue"
        }
    }
    services = {a.split(":")[0] for acts in grants.values() for a in acts}
    assert services == {"dynamodb", "secretsmanager"}


@pytest.mark.parametrize("name", ["iam-policy.json", "iam-policy-init-tables.json"])
def test_statements_have_unique_sids(name: str) -> None:
    sids = [s["Sid"] for s in _load(name)["Statement"]]
    assert len(sids) == len(set(sids)) and all(s.isalnum() for s in sids)
