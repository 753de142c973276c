"""Authentication, faults, latency, paging lies and scale, mostly over real loopback HTTP."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from ionworks_toolkit.sandbox import SandboxOptions, SandboxServer, create_app, run_in_thread
from ionworks_toolkit.sandbox.__main__ import build_parser, options_from_args
from sandbox_testlib import (
    API_KEY,
    SEVERSON,
    SEVERSON_SPEC,
    SPEC_PATH,
    TestClient,
    by_project,
    instance_id,
    make_client,
    measurement_id,
    names,
    project_id,
    spec_id,
)

pytestmark = pytest.mark.sandbox

SNAPSHOT = SPEC_PATH

SEVERSON_URL = f"/cell_measurements/by-project/{project_id(SEVERSON)}"


# ---------------------------------------------------------------------------- auth


def test_missing_credentials_are_401(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.base_url) as c:
        response = c.get(SEVERSON_URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("headers", "status", "detail"),
    [
        ({"X-API-Key": "sandbox"}, 200, None),
        ({"X-API-Key": "wrong"}, 401, "Invalid API key"),
        ({"Authorization": "Bearer sandbox-token"}, 200, None),
        ({"Authorization": "bearer sandbox-token"}, 200, None),
        ({"Authorization": "Bearer wrong"}, 401, "Invalid token"),
        ({"Authorization": "Bearer wrong", "X-API-Key": "sandbox"}, 401, "Invalid token"),
        ({"Authorization": "Basic c2FuZGJveA=="}, 401, "Not authenticated"),
        ({"Authorization": "Basic c2FuZGJveA==", "X-API-Key": "sandbox"}, 200, None),
    ],
)
def test_credentials(headers: dict[str, str], status: int, detail: str | None) -> None:
    with make_client(None, **headers) as c:
        for path in ("/projects", SEVERSON_URL, "/cell_specifications", "/no/such/route"):
            response = c.get(path)
            expected = 404 if status == 200 and path == "/no/such/route" else status
            assert response.status_code == expected, path
            if detail is not None:
                assert response.json() == {"detail": detail}


def test_configured_key_and_tokens() -> None:
    options = SandboxOptions(api_key="k-123", bearer_tokens=("t1", "t2"))
    with make_client(options, **{"X-API-Key": "k-123"}) as c:
        assert c.get("/projects").status_code == 200
        assert c.get("/projects", headers={"X-API-Key": "sandbox"}).status_code == 401
        assert c.get("/projects", headers={"Authorization": "Bearer t2"}).status_code == 200
    with make_client(SandboxOptions(api_key=None), **API_KEY) as c:
        assert c.get("/projects").json() == {"detail": "Invalid API key"}


def test_openapi_document_is_public_and_uncounted() -> None:
    app = create_app()
    with TestClient(app) as c:
        spec = c.get("/openapi.json").json()
    assert app.state.request_counter.count == 0
    op = spec["paths"]["/cell_measurements/by-project/{project_id}"]["get"]
    assert op["operationId"] == (
        "list_cell_measurements_by_project_cell_measurements_by_project__project_id__get"
    )
    params = {p["name"]: p["schema"] for p in op["parameters"]}
    assert params["limit"] == {
        "type": "integer",
        "maximum": 1000,
        "minimum": 1,
        "default": 25,
        "title": "Limit",
    }
    assert params["order_by"]["enum"] == [
        "name",
        "created_at",
        "updated_at",
        "start_time",
        "cell_instance_id",
        "step_labels_validated",
        "cycler",
        "notes",
    ]
    assert params["order"]["default"] == "desc"
    snapshot = json.loads(SNAPSHOT.read_text())
    documented = snapshot["paths"]["/cell_measurements/by-project/{project_id}"]["get"]
    assert list(params) == [p["name"] for p in documented["parameters"]]
    assert all(params[p["name"]]["title"] == p["schema"]["title"] for p in documented["parameters"])


def test_token_expiry_and_refresh() -> None:
    options = SandboxOptions(
        bearer_tokens=("sandbox-token", "sandbox-token-2"), expire_token_after_requests=3
    )
    first = {"Authorization": "Bearer sandbox-token"}
    second = {"Authorization": "Bearer sandbox-token-2"}
    with run_in_thread(options) as server, httpx.Client(base_url=server.base_url) as c:
        assert [c.get("/projects", headers=first).status_code for _ in range(3)] == [200] * 3
        expired = c.get("/projects", headers=first)
        assert expired.status_code == 401
        assert expired.json() == {"detail": "Token expired"}
        assert expired.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        assert c.get("/projects", headers=second).status_code == 200
        assert c.get("/projects", headers=first).status_code == 401
        assert c.get("/projects", headers=API_KEY).status_code == 200


# ---------------------------------------------------------------------------- faults


def test_rate_limit_every_kth_request() -> None:
    options = SandboxOptions(rate_limit_every=3, retry_after_s=7)
    with (
        run_in_thread(options) as server,
        httpx.Client(base_url=server.base_url, headers=API_KEY) as c,
    ):
        responses = [c.get(SEVERSON_URL, params={"limit": 1}) for _ in range(7)]
    assert [r.status_code for r in responses] == [200, 200, 429, 200, 200, 429, 200]
    limited = responses[2]
    assert limited.headers["retry-after"] == "7"
    assert limited.json() == {"detail": "Rate limit exceeded"}
    assert [r.headers["x-request-id"] for r in responses] == [f"sandbox-{n}" for n in range(1, 8)]


def test_fail_500_once() -> None:
    with (
        run_in_thread(SandboxOptions(fail_500_on_request=2)) as server,
        httpx.Client(base_url=server.base_url, headers=API_KEY) as c,
    ):
        statuses = []
        for _ in range(4):
            response = c.get(SEVERSON_URL)
            statuses.append(response.status_code)
            if response.status_code == 500:
                body = response.json()
    assert statuses == [200, 500, 200, 200]
    assert body["error_code"] == "INTERNAL_ERROR"
    assert set(body) == {"error_code", "message", "detail"}


def test_drop_connection_surfaces_as_transport_error() -> None:
    with (
        run_in_thread(SandboxOptions(drop_connection_on_request=2)) as server,
        httpx.Client(base_url=server.base_url, headers=API_KEY) as c,
    ):
        assert c.get(SEVERSON_URL).status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            c.get(SEVERSON_URL)
        after = c.get(SEVERSON_URL)
    assert after.status_code == 200
    assert after.json()["total"] == 128


def test_latency_overlaps_for_concurrent_requests() -> None:
    # Four requests with 1 s of latency each: sequential handling needs at least 4 s. The margin
    # (3.5 s) is wide so that a loaded machine does not fail the test; speed lives in the bench.
    with (
        run_in_thread(SandboxOptions(latency_ms=1000)) as server,
        httpx.Client(base_url=server.base_url, headers=API_KEY, timeout=10) as c,
    ):

        def one(_: int) -> float:
            started = time.perf_counter()
            response = c.get("/projects")
            assert response.status_code == 200
            return time.perf_counter() - started

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            each = list(pool.map(one, range(4)))
        elapsed = time.perf_counter() - started
    assert min(each) >= 1.0
    assert elapsed < 3.5  # four sequential requests would take at least 4 s


def test_request_counting_is_per_app_and_thread_safe() -> None:
    with run_in_thread() as server, httpx.Client(base_url=server.base_url, headers=API_KEY) as c:
        with ThreadPoolExecutor(max_workers=8) as pool:
            ids = list(pool.map(lambda _: c.get("/projects").headers["x-request-id"], range(40)))
        assert sorted(ids) == sorted(f"sandbox-{n}" for n in range(1, 41))
        assert server.app.state.request_counter.count == 40
    with run_in_thread() as other:
        assert (
            httpx.get(other.base_url + "/projects", headers=API_KEY).headers["x-request-id"]
            == "sandbox-1"
        )


@pytest.mark.parametrize(("offset", "reported"), [(5, 133), (-10, 118), (-500, 0)])
def test_total_offset_lies_about_total(offset: int, reported: int) -> None:
    with make_client(SandboxOptions(total_offset=offset)) as c:
        body = by_project(c, SEVERSON, limit=10)
        assert body["total"] == reported
        assert body["count"] == 10
        assert c.get("/cell_specifications").json()["total"] == max(0, 11 + offset)


def test_ignore_offset_always_serves_the_first_page() -> None:
    with make_client(SandboxOptions(ignore_offset=True)) as c:
        first = by_project(c, SEVERSON, limit=10)
        again = by_project(c, SEVERSON, limit=10, offset=10)
        assert names(first) == names(again)
        assert again["total"] == 128
        assert len(c.get("/projects", params={"offset": 3}).json()) == 5


def test_options_validation() -> None:
    with pytest.raises(ValueError, match="rate_limit_every"):
        SandboxOptions(rate_limit_every=0)
    with pytest.raises(ValueError, match="scale"):
        SandboxOptions(scale=-1)
    with pytest.raises(ValueError, match="latency_ms"):
        SandboxOptions(latency_ms=-1)
    with pytest.raises(ValueError, match="bearer_tokens"):
        SandboxOptions(bearer_tokens=("",))


# ---------------------------------------------------------------------------- scale


def test_scale_adds_a_synthetic_project_with_exactly_n_measurements() -> None:
    name = "Synthetic scale project (1000 measurements)"
    with make_client(SandboxOptions(scale=1000)) as c:
        projects = c.get("/projects").json()
        assert projects[0]["name"] == name
        body = by_project(c, name, limit=1000, order="asc")
        assert body["total"] == body["count"] == 1000
        got = names(body)
        assert len(set(got)) == 1000
        assert got[0] == "2017-05-12_3.6C(80%)-3.6C_EL150800460514#0"
        assert got[-1] == "2017-06-30_4.9C(61%)-4.5C_EL150800460610#2"
        assert sum(n.endswith("#0") for n in got) == 466
        assert sum(n.endswith("#2") for n in got) == 68
        specs = c.get("/cell_specifications", params={"project_id": project_id(name)}).json()
        assert specs["total"] == 23
        assert sum(len(s["instance_ids"]) for s in specs["items"]) == 991
        sid = spec_id(name, f"{SEVERSON_SPEC}#0")
        iid = instance_id(sid, "EL150800460514#0")
        first = body["items"][0]
        assert first["id"] == measurement_id(iid, got[0])
        assert first["specification"]["project_id"] == project_id(name)
        assert first["created_at"] == "2024-01-01T07:46:00Z"  # after the 466 real ones
        assert by_project(c, name, name="ilike.%#1")["total"] == 466
        assert by_project(c, SEVERSON, limit=1)["total"] == 128  # real projects untouched


def test_scale_100k_serves_1000_item_pages() -> None:
    # Start-up and page times are measured by scripts/bench.py, not asserted here.
    app = create_app(SandboxOptions(scale=100_000))
    name = "Synthetic scale project (100000 measurements)"
    with TestClient(app, headers=API_KEY) as c:
        for offset in (0, 50_000, 99_000):
            body = by_project(c, name, limit=1000, offset=offset)
            assert body["count"] == 1000 and body["total"] == 100_000
        last = by_project(c, name, limit=1000, offset=99_500)
        assert last["count"] == 500


# ---------------------------------------------------------------------------- running


def test_run_in_thread_stops_cleanly() -> None:
    before = threading.active_count()
    with run_in_thread() as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        port = server.port
        assert httpx.get(server.base_url + "/projects", headers=API_KEY).status_code == 200
        assert threading.active_count() == before + 1
    assert threading.active_count() == before
    assert port is not None
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_cli_arguments_map_to_options() -> None:
    args = build_parser().parse_args(
        [
            "--port",
            "9001",
            "--scale",
            "5000",
            "--latency-ms",
            "20",
            "--bearer-token",
            "a",
            "--bearer-token",
            "b",
            "--expire-token-after-requests",
            "10",
            "--rate-limit-every",
            "4",
            "--retry-after-s",
            "3",
            "--fail-500-on-request",
            "2",
            "--drop-connection-on-request",
            "5",
            "--total-offset",
            "-3",
            "--ignore-offset",
        ]
    )
    assert args.port == 9001
    assert options_from_args(args) == SandboxOptions(
        api_key="sandbox",
        bearer_tokens=("a", "b"),
        expire_token_after_requests=10,
        scale=5000,
        latency_ms=20.0,
        rate_limit_every=4,
        retry_after_s=3,
        fail_500_on_request=2,
        drop_connection_on_request=5,
        total_offset=-3,
        ignore_offset=True,
    )
    assert options_from_args(build_parser().parse_args([])) == SandboxOptions()


def test_python_dash_m_serves() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    extensions = str(Path(__file__).resolve().parents[2] / "extensions")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ionworks_toolkit.sandbox",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env={"PYTHONPATH": extensions, "PATH": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/projects", headers=API_KEY)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert response.status_code == 200
        assert len(response.json()) == 5
    finally:
        process.terminate()
        process.wait(timeout=10)
