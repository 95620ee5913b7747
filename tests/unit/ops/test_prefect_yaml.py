"""prefect.yaml, `deployments/schedules.py` and `fulfil serve` describe the same deployments.

One deployment per flow in `flows/`; every entrypoint imports and names its flow; names,
schedules, concurrency limits, tags, parameter defaults and descriptions match the module, the
defaults validate against the flow's own signature, and serve builds the same thing.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest
import yaml

from deployments.schedules import (
    DEPLOYMENT_NAME,
    DEPLOYMENTS,
    SERVE_DEPLOYMENT_NAME,
    TIMEZONE,
    WORK_POOL,
    DeploymentSpec,
    by_flow_name,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    return loaded


def _entries(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["entrypoint"]: entry for entry in config["deployments"]}


def _flow_functions() -> set[str]:
    """`flows/<file>.py:<function>` for every function decorated with `@flow(...)` in flows/."""
    found = set()
    for path in sorted((ROOT / "flows").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for dec in node.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if isinstance(target, ast.Name) and target.id == "flow":
                    found.add(f"flows/{path.name}:{node.name}")
    return found


def test_one_deployment_per_flow(config: dict[str, Any]) -> None:
    entrypoints = [entry["entrypoint"] for entry in config["deployments"]]
    assert len(entrypoints) == len(set(entrypoints))
    assert set(entrypoints) == _flow_functions() == {spec.entrypoint for spec in DEPLOYMENTS}


def test_project_level_steps(config: dict[str, Any]) -> None:
    assert config["prefect-version"].startswith("3.")
    assert config["build"] is None and config["push"] is None
    assert config["pull"] == [
        {"prefect.deployments.steps.set_working_directory": {"directory": "{{ $FULFIL_HOME }}"}}
    ]


@pytest.mark.parametrize("spec", DEPLOYMENTS, ids=lambda s: s.flow_name)
def test_entry_matches_the_spec(config: dict[str, Any], spec: DeploymentSpec) -> None:
    entry = _entries(config)[spec.entrypoint]
    assert entry["name"] == DEPLOYMENT_NAME == spec.name
    assert entry["tags"] == list(spec.tags)
    assert entry["parameters"] == spec.parameters
    assert entry["enforce_parameter_schema"] is True
    assert entry["work_pool"]["name"] == WORK_POOL
    assert entry["concurrency_limit"] == spec.concurrency_yaml()
    assert entry["schedules"] == [spec.schedule.as_yaml()]
    assert spec.schedule.timezone == TIMEZONE


@pytest.mark.parametrize("spec", DEPLOYMENTS, ids=lambda s: s.flow_name)
def test_entrypoint_imports_its_flow_with_valid_defaults(
    config: dict[str, Any], spec: DeploymentSpec
) -> None:
    from prefect.flows import Flow

    from fulfil.commands.serve import description_of, load_flow

    flow = load_flow(spec)
    assert isinstance(flow, Flow)
    assert flow.name == spec.flow_name
    module = importlib.import_module(spec.module_and_function[0])
    assert getattr(module, "FLOW_NAME", spec.flow_name) == spec.flow_name
    if hasattr(module, "SCHEDULE_CRON"):  # the analytics flows state their own schedule too
        assert spec.schedule.cron == module.SCHEDULE_CRON
        assert spec.schedule.timezone == module.SCHEDULE_TIMEZONE
    validated = flow.validate_parameters(dict(spec.parameters))
    assert {k: validated[k] for k in spec.parameters} == spec.parameters
    signature = inspect.signature(flow.fn)  # the deployment states the flow's own defaults
    assert spec.parameters == {k: signature.parameters[k].default for k in spec.parameters}
    description = _entries(config)[spec.entrypoint]["description"]
    assert description == description_of(flow) and description


def test_only_the_report_queues_behind_a_running_one() -> None:
    strategies = {spec.flow_name: spec.collision_strategy for spec in DEPLOYMENTS}
    assert strategies.pop("report") == "ENQUEUE"
    assert set(strategies.values()) == {"CANCEL_NEW"}
    assert all(spec.concurrency_limit == 1 for spec in DEPLOYMENTS)
    schedules = {name: spec.schedule for name, spec in by_flow_name().items()}
    assert schedules["fulfil-paid-orders"].interval_seconds == 300
    assert schedules["sync-tracking"].interval_seconds == 900
    assert schedules["deliver-outbound"].interval_seconds == 300
    assert schedules["snapshot"].cron == "5 * * * *"
    assert schedules["report"].cron == "30 7 * * *"


def test_serve_builds_the_same_deployments() -> None:
    from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule

    from fulfil.commands.serve import build_deployments

    built = {d.flow_name: d for d in build_deployments()}
    assert set(built) == set(by_flow_name())
    for name, spec in by_flow_name().items():
        deployment = built[name]
        assert deployment.name == SERVE_DEPLOYMENT_NAME != DEPLOYMENT_NAME
        assert deployment.entrypoint == ".".join(spec.module_and_function)
        assert deployment.parameters == spec.parameters
        assert set(deployment.tags) == {*spec.tags, "serve"}
        assert deployment.concurrency_limit == spec.concurrency_limit
        assert deployment.concurrency_options is not None
        options = deployment.concurrency_options
        assert options.collision_strategy.value == spec.collision_strategy
        assert options.grace_period_seconds == spec.grace_period_seconds
        [schedule] = deployment.schedules
        assert schedule.slug == spec.schedule.slug and schedule.active
        inner = schedule.schedule
        assert inner.timezone == spec.schedule.timezone
        if spec.schedule.interval_seconds is not None:
            assert isinstance(inner, IntervalSchedule)
            assert inner.interval.total_seconds() == spec.schedule.interval_seconds
            assert inner.anchor_date.isoformat() == spec.schedule.anchor_date
        else:
            assert isinstance(inner, CronSchedule) and inner.cron == spec.schedule.cron
