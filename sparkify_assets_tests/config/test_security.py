"""Secrets come only from the environment and go nowhere else; the embedded server is not on
the network. (The Redshift target's equivalents are in test_redshift_target.py.)"""

from __future__ import annotations

from pathlib import Path

import psycopg2
from dagster import DagsterInstance
from dagster._core.remote_representation.external_data import RepositorySnap
from dagster._serdes import serialize_value

from sparkify_assets.definitions import build_definitions
from sparkify_assets.warehouse.embedded import embedded_postgres_dsn

PASSWORD = "Local-S3cret-pw7"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_the_embedded_postgresql_listens_on_its_unix_socket_only(postgres_home: Path):
    with psycopg2.connect(embedded_postgres_dsn(postgres_home)) as connection:
        cursor = connection.cursor()
        cursor.execute("SHOW listen_addresses")
        assert cursor.fetchone() == ("",)
        cursor.execute("SELECT inet_server_addr()")
        assert cursor.fetchone() == (None,)  # this very connection came through the socket


def test_a_runs_event_log_and_the_definitions_the_ui_reads_never_hold_a_secret(
    settings, sample, postgres_home: Path, monkeypatch
):
    # The embedded server trusts its socket, so any password is accepted: a real one to hide.
    url = f"postgresql://postgres:{PASSWORD}@/postgres?host={(postgres_home / 'pgdata').resolve()}"
    monkeypatch.setenv("SPARKIFY_WAREHOUSE_URL", url)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    defs = build_definitions(settings(SPARKIFY_SOURCE=str(sample[0]), SPARKIFY_WAREHOUSE_URL=url))
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("sparkify_etl").execute_in_process(instance=instance)
        assert result.success
        entries = instance.all_logs(result.run_id)
        logged = [entry.message + str(entry.dagster_event) for entry in entries]
    assert any("files, " in text for text in logged)  # the progress lines are among them

    shown = [
        str(result.dagster_run.run_config),
        *logged,
        serialize_value(RepositorySnap.from_def(defs.get_repository_def())),
    ]
    for text in shown:
        assert PASSWORD not in text
        assert AWS_SECRET not in text
    assert "SPARKIFY_WAREHOUSE_URL" in shown[-1]  # the UI shows which variable, not its value
