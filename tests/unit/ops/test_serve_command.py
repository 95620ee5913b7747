"""`fulfil serve` without a server: it says why schedules need one and how to start it."""

from __future__ import annotations

from fulfil.commands.serve import prefect_server_command, run_serve


def test_without_an_api_and_without_starting_one_it_explains_and_stops() -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    lines: list[str] = []
    with temporary_settings(updates={PREFECT_API_URL: None}):
        code = run_serve(start_server=False, out=lines.append)
    text = "\n".join(lines)
    assert code == 2
    assert "ephemeral API" in text and "scheduler" in text
    assert "prefect server start" in text and "PREFECT_API_URL=http://127.0.0.1:4200/api" in text


def test_the_server_it_starts_listens_on_loopback_only() -> None:
    command = prefect_server_command(4321)
    assert command[1:5] == ["-m", "prefect", "server", "start"]
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "4321"
