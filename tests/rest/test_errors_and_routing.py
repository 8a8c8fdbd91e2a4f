"""Bad input and routing: wrong method (405), malformed JSON (400), unknown issue (404), unknown host, proxy-style
absolute-form requests, per-host databases kept apart, reset and removal of a site, and `serve`'s host check."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx2 as httpx
import pytest

from jira_bench_tui.errors import UserError
from jira_bench_tui.jira.rest import RestServer, check_host, mcp_atlassian_env, site_host

from .conftest import Site


def test_wrong_method_is_405_with_allow(site: Site) -> None:
    before = site.snapshot()
    reply = site.client.delete("/rest/api/2/field")
    assert reply.status_code == 405 and reply.headers["allow"] == "GET"
    assert site.client.patch("/rest/api/2/issue/WEB-5", json={}).status_code == 405
    assert site.client.post("/rest/api/2/issue/WEB-5", json={}).status_code == 405
    assert site.snapshot() == before


def test_malformed_json_is_400_and_changes_nothing(site: Site) -> None:
    before = site.snapshot()
    for method, path in (("POST", "/rest/api/3/issue"), ("PUT", "/rest/api/2/issue/WEB-5"),
                         ("POST", "/rest/api/3/issue/WEB-5/comment"), ("POST", "/rest/api/3/search/jql"),
                         ("POST", "/rest/agile/1.0/sprint")):
        reply = site.client.request(method, path, content=b"{not json", headers={"Content-Type": "application/json"})
        assert reply.status_code == 400, (path, reply.text)
        assert reply.json()["errorMessages"] and reply.json()["errors"] == {}
    assert site.client.put("/rest/api/2/issue/WEB-5", json=["a", "list"]).status_code == 400
    assert site.snapshot() == before


def test_unknown_issue_is_404_with_jiras_body_everywhere(site: Site) -> None:
    before = site.snapshot()
    expected = {"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}}
    for method, path, body in (("GET", "/rest/api/2/issue/WEB-9999", None),
                               ("GET", "/rest/api/3/issue/99999", None),
                               ("PUT", "/rest/api/3/issue/WEB-9999", {"fields": {"summary": "x"}}),
                               ("DELETE", "/rest/api/2/issue/WEB-9999", None),
                               ("POST", "/rest/api/3/issue/WEB-9999/comment", {"body": {"type": "doc"}}),
                               ("POST", "/rest/api/3/issue/WEB-9999/transitions", {"transition": {"id": "21"}}),
                               ("GET", "/rest/api/2/issue/WEB-9999/watchers", None)):
        reply = site.client.request(method, path, json=body)
        assert (reply.status_code, reply.json()) == (404, expected), path
    assert site.client.get("/rest/api/2/nothing/here").status_code == 404
    assert site.snapshot() == before


def test_a_failure_after_a_write_rolls_the_write_back(site: Site) -> None:
    before = site.snapshot()
    reply = site.client.put("/rest/api/2/issue/WEB-5", json={"fields": {"summary": "Written first",
                                                                        "duedate": "not a date"}})
    assert reply.status_code == 400 and "duedate" in reply.json()["errors"]
    assert site.snapshot() == before


def test_any_basic_auth_and_no_auth_are_accepted(site: Site) -> None:
    other = httpx.Client(base_url=site.server.url, headers={"Host": site.host}, auth=("who", "ever"))
    assert other.get("/rest/api/2/myself").status_code == 200
    bare = httpx.Client(base_url=site.server.url, headers={"Host": site.host})
    assert bare.get("/rest/api/2/myself").status_code == 200


def _raw(server: RestServer, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data


def test_absolute_form_proxy_requests_route_by_their_host(site: Site) -> None:
    request = (f"GET http://{site.host}/rest/api/2/issue/WEB-5?fields=summary HTTP/1.1\r\n"
               f"Host: {site.host}\r\nConnection: close\r\n\r\n").encode()
    answer = _raw(site.server, request)
    assert answer.startswith(b"HTTP/1.1 200") and b'"key":"WEB-5"' in answer
    assert f"http://{site.host}/rest/api/2/issue/10004".encode() in answer


def test_each_host_has_its_own_database_and_can_be_reset(rest_server: RestServer, default_template: Path,
                                                         tmp_path: Path) -> None:
    first, second = site_host("trial a/1"), site_host("trial-b")
    assert first == "t-trial-a-1.atlassian.net"
    rest_server.registry.add(first, tmp_path / "a.sqlite", template=default_template)
    rest_server.registry.add(second, tmp_path / "b.sqlite", template=default_template)
    a = httpx.Client(base_url=rest_server.url, headers={"Host": first})
    b = httpx.Client(base_url=rest_server.url, headers={"Host": second + ":443"})
    assert a.put("/rest/api/2/issue/WEB-5", json={"fields": {"summary": "Only in A"}}).status_code == 204
    assert a.get("/rest/api/2/issue/WEB-5").json()["fields"]["summary"] == "Only in A"
    assert b.get("/rest/api/2/issue/WEB-5").json()["fields"]["summary"] != "Only in A"
    rest_server.registry.reset(first)
    assert a.get("/rest/api/2/issue/WEB-5").json()["fields"]["summary"] != "Only in A"
    rest_server.registry.remove(first)
    gone = a.get("/rest/api/2/issue/WEB-5")
    assert gone.status_code == 404 and "No Jira site" in gone.json()["errorMessages"][0]
    rest_server.registry.remove(second)
    with pytest.raises(KeyError):
        rest_server.registry.reset(first)


def test_host_check_and_mcp_atlassian_env() -> None:
    assert check_host("127.0.0.1", False) is None and check_host("localhost", False) is None
    assert check_host("::1", False) is None
    with pytest.raises(UserError):
        check_host("0.0.0.0", False)
    assert "no authentication" in (check_host("0.0.0.0", True) or "")
    env = mcp_atlassian_env("http://127.0.0.1:9", "t-1.atlassian.net")
    assert env["JIRA_URL"] == "http://t-1.atlassian.net" and env["JIRA_HTTP_PROXY"] == "http://127.0.0.1:9"
    assert env["TOOLSETS"] == "all"


def test_serve_builds_the_fixture_prints_the_url_and_stops() -> None:
    import threading

    from jira_bench_tui.jira.rest import serve

    lines: list[str] = []
    started: list[RestServer] = []
    ready = threading.Event()

    def on_ready(server: RestServer) -> None:
        started.append(server)
        ready.set()

    result: list[str] = []
    worker = threading.Thread(target=lambda: result.append(serve("builtin:example", empty=True, port=0,
                                                                 echo=lines.append, ready=on_ready)), daemon=True)
    worker.start()
    assert ready.wait(30)
    server = started[0]
    reply = httpx.get(f"{server.url}/rest/api/2/project")
    assert reply.status_code == 200 and reply.json()
    assert httpx.post(f"{server.url}/rest/api/3/search/jql", json={"jql": "project is not EMPTY"}).json()[
        "issues"] == []
    server.stop()
    worker.join(30)
    assert result == [server.url] and server.url in lines[0] and "JIRA_HTTP_PROXY" in lines[1]
    with pytest.raises(UserError):
        serve(port=0, host="0.0.0.0", echo=lines.append)


def test_concurrent_writes_to_several_sites_stay_apart(rest_server: RestServer, default_template: Path,
                                                       tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    hosts = [site_host(f"par-{i}") for i in range(4)]
    for index, host in enumerate(hosts):
        rest_server.registry.add(host, tmp_path / f"{index}.sqlite", template=default_template)

    def work(host: str) -> list[int]:
        with httpx.Client(base_url=rest_server.url, headers={"Host": host}) as client:
            return [client.post("/rest/api/2/issue/WEB-5/comment", json={"body": f"{host} {n}"}).status_code
                    for n in range(5)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(code == 201 for codes in pool.map(work, hosts) for code in codes)
    for host in hosts:
        with httpx.Client(base_url=rest_server.url, headers={"Host": host}) as client:
            bodies = [c["body"] for c in client.get("/rest/api/2/issue/WEB-5/comment").json()["comments"]]
        assert [b for b in bodies if "par-" in b] == [f"{host} {n}" for n in range(5)]
        rest_server.registry.remove(host)
