"""The local endpoint's bearer token (shown once, rotatable, audited) and its request limits.

The model file is a real, tiny GGUF written with the gguf library (metadata and a chat template, no
weights): every check here happens before a model is loaded, which is the point of them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.console import endpoint_token
from engine.workspace import Workspace


def _tiny_gguf(path: Path) -> Path:
    import gguf

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_chat_template("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture
def endpoint(workspace: Workspace, tmp_path: Path) -> Iterator[Any]:
    from engine.console.server import LocalEndpoint

    art = workspace.models.add_artifact("tiny", "gguf", _tiny_gguf(tmp_path / "tiny.gguf"), None, None, None, None)
    with LocalEndpoint(workspace, art.id, port=0) as running:
        yield running


def _call(url: str, token: str | None, body: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    head = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        head["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=body, headers=head)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def test_the_first_start_issues_a_token_shown_once_and_every_request_needs_it(endpoint: Any,
                                                                             workspace: Workspace) -> None:
    token = endpoint.new_token
    assert token and token.startswith("airlock-")
    assert token not in (workspace.setting(endpoint_token.TOKEN_SETTING) or "")  # only its hash is stored
    assert token.encode() not in workspace.db_path.read_bytes()
    status, body = _call(f"{endpoint.url}/models", None)
    assert status == 401 and "bearer token" in body["error"]["message"]
    assert _call(f"{endpoint.url}/models", "airlock-wrong")[0] == 401
    status, body = _call(f"{endpoint.url}/models", token)
    assert status == 200 and body["data"][0]["id"] == "tiny"
    (issued,) = workspace.audit.entries(action="console.endpoint_token_issued")
    assert issued.details["name"] == "default" and token not in json.dumps(issued.details)


def test_request_size_and_max_tokens_are_limited(endpoint: Any) -> None:
    from engine.console.server import MAX_BODY_BYTES, MAX_TOKENS

    token = endpoint.new_token
    url = f"{endpoint.url}/chat/completions"
    import http.client

    # a body over the limit is refused from its Content-Length, before a byte of it is read
    conn = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=30)
    conn.putrequest("POST", "/v1/chat/completions")
    for key, value in (("Authorization", f"Bearer {token}"), ("Content-Type", "application/json"),
                       ("Content-Length", str(MAX_BODY_BYTES + 10))):
        conn.putheader(key, value)
    conn.endheaders()
    reply = conn.getresponse()
    assert reply.status == 413 and "limit" in json.loads(reply.read())["error"]["message"]
    conn.close()
    for bad in (MAX_TOKENS + 1, 0, -5, "many", 1.5, True):
        status, body = _call(url, token, json.dumps({"max_tokens": bad,
                                                     "messages": [{"role": "user", "content": "hi"}]}).encode())
        assert status == 400 and "max_tokens" in body["error"]["message"], bad
    assert _call(url, None, b"{}")[0] == 401  # the token is checked before anything else


def test_rotating_replaces_the_token_at_once_and_is_audited(endpoint: Any, workspace: Workspace,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    old = endpoint.new_token
    assert main(["token", "rotate", "--name", "erp-integration", "--workspace", str(workspace.root)]) == 0
    new = capsys.readouterr().out.splitlines()[0]
    assert new.startswith("airlock-") and new != old
    assert _call(f"{endpoint.url}/models", old)[0] == 401
    assert _call(f"{endpoint.url}/models", new)[0] == 200
    assert main(["token", "show", "--workspace", str(workspace.root)]) == 0
    shown = capsys.readouterr().out
    assert "erp-integration" in shown and new not in shown
    rotated = workspace.audit.entries(action="console.endpoint_token_issued")[0]
    assert rotated.details["replaces"] == "default" and rotated.details["name"] == "erp-integration"
    assert endpoint_token.holder(workspace, f"Bearer {new}") == "erp-integration"


def test_an_auditor_cannot_issue_a_token(workspace: Workspace, as_user: Any) -> None:
    from engine.errors import RoleRefused

    workspace.membership.add("audrey", "auditor")
    with as_user("audrey"), Workspace.open(workspace.root) as ws, pytest.raises(RoleRefused):
        endpoint_token.issue(ws)
