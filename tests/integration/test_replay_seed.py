"""The seed endpoint end to end, replayed from cassettes recorded against the sandbox.

``GET /cell_measurements/by-project/{project_id}`` over the real public battery-test metadata
(Severson 2019: 128 measurements; NASA PCoE: 34; Attia 2020: 233; TRI BEEP: 71; one empty
project). Re-record with ``nox -s record``. These tests take the packages from fixtures so that
``tests/vendoring/test_vendor.py`` can run them against a vendored copy.
"""

from __future__ import annotations

from types import ModuleType

import pytest

SEVERSON = "dad27f90-713a-5a2b-a976-e4a38e9951be"
NASA = "36c391ba-f0d6-5cbc-be8f-435c8275c5eb"
TRI = "cfe085f9-20ba-5273-8a4d-2c958cbf865e"
ATTIA = "f943ea75-cddb-5f36-9bba-0effaf54b444"
EMPTY = "8a81f47b-7411-5823-ba42-4b954f060318"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def make_toolkit(toolkit_package: ModuleType, api: tuple[str, str], **kwargs: object) -> object:
    url, key = api
    return toolkit_package.Toolkit(
        api_url=url, api_key=key, load_entry_points=False, environ={}, **kwargs
    )


def names(toolkit: object, project: str, **filters: object) -> list[str]:
    return [m.name for m in toolkit.iter_measurements_by_project(project, **filters)]  # type: ignore[attr-defined]


@pytest.mark.vcr
def test_first_page_has_25_typed_measurements(toolkit_package, api) -> None:
    with make_toolkit(toolkit_package, api) as toolkit:
        stats = toolkit_package.WalkStats()
        page = next(toolkit.iter_measurement_pages(SEVERSON, page_size=25, stats=stats))
    assert len(page) == 25
    assert stats.total == 128
    first = page[0]
    assert first.name == "FastCharge_000025_CH8"
    assert first.test_setup.to_dict() == {"cycler": "Arbin", "channel_number": 8}
    assert first.start_time.isoformat() == "2017-05-13T03:13:34+00:00"
    assert first.specification.name == "A123 APR18650M1A (Severson 2019 cells)"
    assert first.specification.ratings.capacity.value == 1.1
    assert first.specification.ratings.capacity.unit == "Ah"
    assert first.specification.cathode.material.name == "LFP"
    assert first.instance.name == "EL150800453116"


@pytest.mark.vcr
def test_full_walk_in_pages_of_50_gets_all_128(toolkit_package, api) -> None:
    with make_toolkit(toolkit_package, api) as toolkit:
        stats = toolkit_package.WalkStats()
        items = list(toolkit.iter_measurements_by_project(SEVERSON, page_size=50, stats=stats))
    assert len(items) == 128
    assert len({m.id for m in items}) == 128
    assert (stats.requests, stats.pages, stats.duplicates, stats.total) == (3, 3, 0, 128)


@pytest.mark.vcr
def test_project_by_name_resolves_through_projects_list(toolkit_package, api) -> None:
    with make_toolkit(toolkit_package, api) as toolkit:
        items = list(
            toolkit.iter_measurements_by_project("NASA PCoE Li-ion battery aging", page_size=1000)
        )
    assert len(items) == 34


@pytest.mark.vcr
@pytest.mark.parametrize(
    ("project", "filters", "count", "first"),
    [
        (SEVERSON, {"name": "ilike.%4.8C%"}, 5, "2017-06-30_4.8C(80%)-4.8C_EL150800460596"),
        (
            SEVERSON,
            {"instance_name": "EL150800460514"},
            1,
            "2017-05-12_3.6C(80%)-3.6C_EL150800460514",
        ),
        (SEVERSON, {"start_time_gt": "2017-01-01T00:00:00Z"}, 4, "FastCharge_000025_CH8"),
        (ATTIA, {"start_time_lt": "2019-01-01T00:00:00+02:00"}, 1, "2018-08-28_oed_0_CH1"),
        (ATTIA, {"created_at_gt": "2024-01-01T05:00:00Z"}, 60, "2019-01-24_batch9_CH43"),
        (TRI, {"spec_name": "ilike.%NCR%"}, 15, "Talos_001385_NCR18650618003_CH33"),
        (SEVERSON, {"spec_cathode": "ilike.%LFP%"}, 128, "FastCharge_000025_CH8"),
        (NASA, {"spec_cathode": "ilike.%LFP%"}, 0, None),
        (SEVERSON, {"measurement_type": "properties"}, 0, None),
        (NASA, {"order_by": "start_time", "order": "asc"}, 34, "B0018 aging test"),
        (SEVERSON, {"order_by": "name", "order": "asc"}, 128, "2017-05-09_test-TC-contact_CH33"),
    ],
    ids=[
        "name-ilike",
        "instance-name",
        "start-time-gt",
        "start-time-lt-offset",
        "created-at-gt",
        "spec-name",
        "spec-cathode",
        "spec-cathode-none",
        "measurement-type",
        "order-start-time",
        "order-name",
    ],
)
def test_filter_families(toolkit_package, api, project, filters, count, first) -> None:
    with make_toolkit(toolkit_package, api) as toolkit:
        found = names(toolkit, project, page_size=1000, **filters)
    assert len(found) == count
    assert (found[0] if found else None) == first


@pytest.mark.vcr
def test_empty_project_has_no_measurements(toolkit_package, api) -> None:
    with make_toolkit(toolkit_package, api) as toolkit:
        stats = toolkit_package.WalkStats()
        assert list(toolkit.iter_measurements_by_project(EMPTY, stats=stats)) == []
    assert (stats.requests, stats.total) == (1, 0)


@pytest.mark.vcr
def test_401_without_valid_key(toolkit_package, api) -> None:
    url, _ = api
    with (
        make_toolkit(toolkit_package, (url, "not-the-key")) as toolkit,
        pytest.raises(toolkit_package.AuthenticationError) as caught,
    ):
        list(toolkit.iter_measurements_by_project(SEVERSON))
    assert str(caught.value) == (
        f"GET /cell_measurements/by-project/{SEVERSON} -> 401: "
        "Invalid API key (request id sandbox-1)"
    )
    assert "not-the-key" not in repr(caught.value)


@pytest.mark.vcr
def test_404_unknown_project(toolkit_package, api) -> None:
    with (
        make_toolkit(toolkit_package, api) as toolkit,
        pytest.raises(toolkit_package.NotFoundError) as caught,
    ):
        list(toolkit.iter_measurements_by_project(UNKNOWN))
    assert caught.value.status == 404
    assert caught.value.detail == "Project not found"


@pytest.mark.vcr
def test_422_from_the_server_parses_into_http_validation_error(client_package, api) -> None:
    # The toolkit refuses limit=1001 before sending; the generated client lets it through.
    url, key = api
    operation = client_package.api.cell_measurements.list_cell_measurements_by_project
    client = client_package.Client(base_url=url, headers={"X-API-Key": key})
    response = operation.sync_detailed(SEVERSON, client=client, limit=1001)
    assert response.status_code == 422
    detail = response.parsed.detail[0]
    assert detail.loc == ["query", "limit"]
    assert detail.type_ == "less_than_equal"
    assert detail.msg == "Input should be less than or equal to 1000"


@pytest.mark.vcr
@pytest.mark.sandbox_options(rate_limit_every=2, retry_after_s=2)
def test_429_then_success_is_retried_after_retry_after(
    toolkit_package, api, no_retry_sleep
) -> None:
    with make_toolkit(toolkit_package, api) as toolkit:
        first = names(toolkit, NASA, page_size=1000)
        second = names(toolkit, NASA, page_size=1000)
    assert len(first) == len(second) == 34
    assert no_retry_sleep == [2.0]


@pytest.mark.vcr
@pytest.mark.sandbox_options(fail_500_on_request=1)
def test_500_then_success(toolkit_package, api) -> None:
    with make_toolkit(toolkit_package, api) as toolkit:
        with pytest.raises(toolkit_package.ServerError) as caught:
            names(toolkit, NASA, page_size=1000)
        assert caught.value.status == 500
        assert len(names(toolkit, NASA, page_size=1000)) == 34


@pytest.mark.vcr
def test_export_to_sqlite_upserts_by_id(toolkit_package, api, tmp_path) -> None:
    import sqlite3

    target = tmp_path / "measurements.db"
    with make_toolkit(toolkit_package, api) as toolkit:
        result = toolkit.export(SEVERSON, [f"sqlite:{target}"])
        again = toolkit.export(SEVERSON, [f"sqlite:{target}"])
    assert (result.records, again.records, result.total) == (128, 128, 128)
    with sqlite3.connect(target) as db:
        assert db.execute("select count(*) from measurements").fetchone() == (128,)
        assert db.execute(
            'select "instance.name" from measurements where name = ?',
            ("2017-05-12_3.6C(80%)-3.6C_EL150800460514",),
        ).fetchone() == ("EL150800460514",)
