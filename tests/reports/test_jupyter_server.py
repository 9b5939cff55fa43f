"""A real Jupyter server on loopback runs the explore tour with the ``parlib`` kernel."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from parlib.pipeline import clean_all

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("kernels")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_parlib_kernel() -> None:
    """Register the project's kernel as `make install` does (idempotent)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ipykernel",
            "install",
            "--sys-prefix",
            "--name",
            "parlib",
            "--display-name",
            "parlib (.venv)",
        ],
        check=True,
        capture_output=True,
    )


class Server:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                str(BIN / "jupyter"),
                "server",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={self.port}",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={root}",
                "--ServerApp.port_retries=0",
                "--allow-root",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/api/status")
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode()) from None
                time.sleep(0.3)
        raise TimeoutError("the Jupyter server did not start within 60 s")

    def _request(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read().decode()
        return json.loads(text) if text else {}

    def get(self, path: str) -> dict:
        return self._request("GET", path)

    def post(self, path: str, body: dict) -> dict:
        return self._request("POST", path, body)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def _run_cells(server: Server, kernel_id: str, sources: list[str]) -> list[dict]:
    from tornado.websocket import websocket_connect

    url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?token={server.token}"
    conn = await websocket_connect(url)
    session = uuid.uuid4().hex
    results = []
    try:
        for source in sources:
            msg_id = uuid.uuid4().hex
            await conn.write_message(
                json.dumps(
                    {
                        "header": {
                            "msg_id": msg_id,
                            "msg_type": "execute_request",
                            "session": session,
                            "username": "test",
                            "version": "5.3",
                            "date": "",
                        },
                        "parent_header": {},
                        "metadata": {},
                        "channel": "shell",
                        "content": {
                            "code": source,
                            "silent": False,
                            "store_history": True,
                            "user_expressions": {},
                            "allow_stdin": False,
                            "stop_on_error": True,
                        },
                    }
                )
            )
            outputs, reply = [], None
            while reply is None or not any(o.get("idle") for o in outputs):
                raw = await asyncio.wait_for(conn.read_message(), timeout=180)
                if raw is None:
                    raise RuntimeError("the kernel channel closed")
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind == "execute_reply":
                    reply = msg["content"]
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    outputs.append({"idle": True})
                elif kind in ("display_data", "execute_result", "error", "stream"):
                    outputs.append({"type": kind, **msg["content"]})
            results.append({"source": source, "reply": reply, "outputs": outputs})
            if reply["status"] != "ok":
                break
    finally:
        conn.close()
    return results


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    clean_all(ROOT / "data" / "raw", out, datasets=["demo-synthetic"], progress=False)
    return out


def test_explore_tour_runs_in_a_parlib_kernel_through_the_rest_api(clean_dir, tmp_path):
    _ensure_parlib_kernel()
    env = {
        **os.environ,
        "PARLIB_CLEAN_DIR": str(clean_dir),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    env.pop("JUPYTER_PLATFORM_DIRS", None)
    server = Server(ROOT, env)
    try:
        specs = server.get("/api/kernelspecs")
        assert "parlib" in specs["kernelspecs"]
        session = server.post(
            "/api/sessions",
            {
                "path": "notebooks/explore.ipynb",
                "type": "notebook",
                "name": "explore.ipynb",
                "kernel": {"name": "parlib"},
            },
        )
        assert session["kernel"]["name"] == "parlib"
        nb = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "parlib"
        sources = [c.source for c in nb.cells if c.cell_type == "code"]
        results = asyncio.run(_run_cells(server, session["kernel"]["id"], sources))
    finally:
        server.stop()
    failed = [
        (r["source"][:60], r["reply"].get("ename"), r["reply"].get("evalue"))
        for r in results
        if r["reply"]["status"] != "ok"
    ]
    assert failed == []
    assert len(results) == len(sources)
    plot_cells = [r for r in results if re.search(r"= plot_\w+\(", r["source"])]
    assert len(plot_cells) == 7
    for cell in plot_cells:  # every plot is drawn in the notebook
        assert any("image/png" in o.get("data", {}) for o in cell["outputs"]), cell["source"]


def test_every_notebook_records_the_parlib_kernel():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "parlib", path.name
        assert not any(
            c.get("outputs") or c.get("execution_count") for c in nb.cells if c.cell_type == "code"
        ), f"{path.name} has outputs"


def test_make_lab_target_uses_the_project_kernel():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "ipykernel install --sys-prefix --name parlib" in makefile
    assert shutil.which("jupyter", path=str(BIN)) is not None
    assert "\nlab:" in makefile and "jupyter lab" in makefile
