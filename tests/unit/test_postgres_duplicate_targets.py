"""Two ``postgresql://`` sinks on one table are refused before any request (newcomer pass:
the duplicate-target check knew files only). The table is named by host, port, database,
schema and table, never by credentials."""

from __future__ import annotations

from typing import Any

import pytest
from ionworks_toolkit import ConfigurationError

pytest.importorskip("psycopg")

PROJECT_ID = "00000000-0000-0000-0000-000000abcdef"


@pytest.mark.parametrize(
    ("first", "second", "table"),
    [
        (
            "postgresql://lab@127.0.0.1:5432/cells",
            "postgresql://other@127.0.0.1/cells",
            "postgresql://127.0.0.1:5432/cells table public.(default)",
        ),
        (
            "postgresql://lab@db.example:6543/cells?table=m",
            "postgres://lab@db.example:6543/cells?table=m&sslmode=require",
            "postgresql://db.example:6543/cells table public.m",
        ),
        (
            "postgresql://lab@127.0.0.1/cells?service=lab",
            "postgresql://lab@127.0.0.1/cells?service=lab",
            "postgresql://service lab/cells table public.(default)",
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
