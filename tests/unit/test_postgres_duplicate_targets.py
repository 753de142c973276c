"""Two ``postgresql://`` sinks on one table are refused before any request (newcomer pass:
the duplicate-target check knew files only). The table is named by host, port, database,
schema and table, never by credentials."""

from __future__ import annotations

from typing import Any

import pytest
from ionworks_toolkit import ConfigurationError
from ionworks_toolkit.sinks._columns import projects_schema

pytest.importorskip("psycopg")

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"


@pytest.mark.parametrize(
    ("first", "second", "table"),
    [
        (
            "postgresql://lab@127.0.0.1:5432/cells",
            "postgresql://other@127.0.0.1/cells",
            "postgresql://127.0.0.1:5432/cells table public.measurements",
        ),
        (
            "postgresql://lab@db.example:6543/cells?table=m",
            "postgres://lab@db.example:6543/cells?table=m&sslmode=require",
            "postgresql://db.example:6543/cells table public.m",
        ),
        (
            "postgresql://lab@127.0.0.1/cells?service=lab",
            "postgresql://lab@127.0.0.1/cells?service=lab",
            "postgresql://service lab/cells table public.measurements",
        ),
        # Defaults spelt out are the same table (newcomer pass: `db` and
        # `db?table=measurements` were two keys).
        (
            "postgresql://lab@127.0.0.1:5432/cells",
            "postgresql://lab@127.0.0.1:5432/cells?table=measurements",
            "postgresql://127.0.0.1:5432/cells table public.measurements",
        ),
        (
            "postgresql://lab@127.0.0.1/cells?table=m",
            "postgresql://lab@127.0.0.1:5432/cells?table=m&schema=public",
            "postgresql://127.0.0.1:5432/cells table public.m",
        ),
        (
            "postgresql://lab@127.0.0.1:5432/lab",
            "postgresql://lab@127.0.0.1:5432",
            "postgresql://127.0.0.1:5432/lab table public.measurements",
        ),
    ],
)
def test_two_sinks_on_one_table_are_refused_before_any_request(
    make_toolkit: Any, paged_server: Any, first: str, second: str, table: str
) -> None:
    server = paged_server(2)
    toolkit = make_toolkit(server)
    with pytest.raises(ConfigurationError) as caught:
        toolkit.export(PROJECT_ID, [first, second])
    assert str(caught.value) == (
        f"sinks {first} and {second} both write to {table}; give each sink its own target"
    )
    assert server.requests == []


def test_libpq_environment_defaults_fill_the_key(
    make_toolkit: Any, paged_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a target leaves out comes from libpq's defaults (PGHOST, PGPORT, PGDATABASE)."""
    monkeypatch.setenv("PGHOST", "db.example")
    monkeypatch.setenv("PGPORT", "6543")
    monkeypatch.setenv("PGDATABASE", "cells")
    server = paged_server(2)
    first, second = "postgresql://", "postgresql://lab@db.example:6543/cells?table=measurements"
    with pytest.raises(ConfigurationError) as caught:
        make_toolkit(server).export(PROJECT_ID, [first, second])
    assert str(caught.value) == (
        f"sinks {first} and {second} both write to postgresql://db.example:6543/cells table "
        "public.measurements; give each sink its own target"
    )
    assert server.requests == []


def test_the_default_table_is_the_resources_when_keys_are_compared(
    make_toolkit: Any, paged_server: Any
) -> None:
    """``projects list`` writes ``projects``: the default table and ``?table=projects`` are
    one table there; ``?table=measurements`` is another."""
    server = paged_server(2)
    first, second = "postgresql://lab@h/cells", "postgresql://lab@h/cells?table=projects"
    with pytest.raises(ConfigurationError) as caught:
        make_toolkit(server).export_projects([first, second])
    assert str(caught.value) == (
        f"sinks {first} and {second} both write to postgresql://h:5432/cells table "
        "public.projects; give each sink its own target"
    )
    assert server.requests == []
    opened = make_toolkit().open_sinks([first, "postgresql://lab@h/cells?table=measurements"])
    keys = [sink.table_key for _, sink in opened]
    assert keys == [None, "postgresql://h:5432/cells table public.measurements"]
    for _, sink in opened:
        sink.bind_schema(projects_schema())
    assert [sink.table_key for _, sink in opened] == [
        "postgresql://h:5432/cells table public.projects",
        "postgresql://h:5432/cells table public.measurements",
    ]
    for _, sink in opened:
        sink.abort()


@pytest.mark.parametrize(
    "second",
    [
        "postgresql://lab@127.0.0.1:5432/cells?table=other",
        "postgresql://lab@127.0.0.1:5432/cells?schema=lab",
        "postgresql://lab@127.0.0.1:5433/cells",
        "postgresql://lab@127.0.0.1:5432/cells2",
    ],
)
def test_sinks_on_different_tables_may_run_together(make_toolkit: Any, second: str) -> None:
    opened = make_toolkit().open_sinks(["postgresql://lab@127.0.0.1:5432/cells", second])
    for _, sink in opened:
        sink.abort()
    assert len(opened) == 2
