"""Model API calls over TLS go through the timestamping sockets (agents/socket_clock.py): the Anthropic client,
its connection pool given TimestampingBackend, talks HTTPS to a local server with a certificate made for the test."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import ssl
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anthropic
import pytest
from aiohttp import web

from jira_bench_tui.agents.socket_clock import TimestampingBackend, use_timestamps

REPLY: dict[str, Any] = {
    "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x",
    "content": [{"type": "text", "text": "hello over TLS"}], "stop_reason": "end_turn", "stop_sequence": None,
    "usage": {"input_tokens": 3, "output_tokens": 2},
}


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl, which the machine has): (cert, key)."""
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make the test's certificate"
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


@contextlib.asynccontextmanager
async def tls_api(cert: Path, key: Path) -> AsyncIterator[int]:
    """A local Messages API over HTTPS with `cert` (answers REPLY after 0.2 s); yields its port."""
    async def handler(_request: web.Request) -> web.Response:
        await asyncio.sleep(0.2)
        return web.json_response(REPLY)

    app = web.Application()
    app.router.add_post("/v1/messages", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(str(cert), str(key))
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_tls)
    await site.start()
    try:
        yield site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    finally:
        await runner.cleanup()


def client_trusting(trusted: Path, port: int) -> anthropic.AsyncAnthropic:
    """An Anthropic client on the timestamping sockets that trusts only the certificate `trusted`."""
    http_client = use_timestamps(anthropic.DefaultAsyncHttpxClient(verify=ssl.create_default_context(cafile=str(trusted))))
    return anthropic.AsyncAnthropic(api_key="test-key", base_url=f"https://127.0.0.1:{port}", max_retries=0,
                                    http_client=http_client)


async def ask(client: anthropic.AsyncAnthropic) -> str:
    message = await client.messages.create(model="claude-x", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    block = message.content[0]
    return block.text if block.type == "text" else ""


def test_a_model_call_over_tls_goes_through_the_timestamping_sockets(tmp_path: Path) -> None:
    cert, key = certificate(tmp_path)

    async def run() -> tuple[str, str, float]:
        async with tls_api(cert, key) as port:
            client = client_trusting(cert, port)
            try:
                started = time.monotonic()
                text = await ask(client)
                backend = type(client._client._transport._pool._network_backend).__name__  # type: ignore[attr-defined]
                return text, backend, time.monotonic() - started
            finally:
                await client.close()

    text, backend, took = asyncio.run(run())
    assert text == "hello over TLS"
    assert backend == TimestampingBackend.__name__
    assert took >= 0.2


def test_a_certificate_that_is_not_trusted_is_refused(tmp_path: Path) -> None:
    cert, key = certificate(tmp_path)
    (tmp_path / "other").mkdir()
    other, _ = certificate(tmp_path / "other")  # the client trusts another certificate than the server's

    async def run() -> None:
        async with tls_api(cert, key) as port:
            client = client_trusting(other, port)
            try:
                with pytest.raises(anthropic.APIConnectionError):
                    await ask(client)
            finally:
                await client.close()

    asyncio.run(run())
