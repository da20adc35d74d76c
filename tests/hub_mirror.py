"""A local stand-in for the Hugging Face Hub: serves model folders over HTTP the way the Hub
API does, so `bitext models pull` (huggingface_hub's own `snapshot_download`) runs its real
code path (listing, dry run, resumable download into the cache) with no network.

    with HubMirror({"Helsinki-NLP/opus-mt-de-en": folder}) as mirror:
        hub.pull("de-en", cache, endpoint=mirror.url)

Only what snapshot_download asks for is served: model info, the file tree, and file
downloads (HEAD and GET, with Range for resumes). `mirror.requests` records every path.
"""
from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class HubMirror:
    def __init__(self, repos: dict[str, Path], commit: str = COMMIT, chunk_delay: float = 0.0):
        self.repos = {repo: Path(folder) for repo, folder in repos.items()}
        self.commit = commit
        self.chunk_delay = chunk_delay   # seconds between 64 KiB chunks: a slow download
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> "HubMirror":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def files(self, repo: str) -> dict[str, Path]:
        folder = self.repos[repo]
        return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*")) if p.is_file()}

    def _handler(self):
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, body, status=200, headers=None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def _not_found(self):
                self._json({"error": "Repository not found"}, 404,
                           {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"})

            def _route(self):
                path = unquote(urlparse(self.path).path)
                mirror.requests.append(f"{self.command} {path}")
                for repo in mirror.repos:
                    api = f"/api/models/{repo}"
                    if path.startswith(api + "/revision/") or path == api:
                        return self._json({"id": repo, "modelId": repo, "sha": mirror.commit,
                                           "siblings": [{"rfilename": f} for f in mirror.files(repo)]})
                    if path.startswith(api + "/tree/"):
                        return self._json([
                            {"type": "file", "path": name, "size": p.stat().st_size,
                             "oid": _oid(p)} for name, p in mirror.files(repo).items()])
                    prefix = f"/{repo}/resolve/"
                    if path.startswith(prefix):
                        _, _, name = path[len(prefix):].partition("/")
                        file = mirror.files(repo).get(name)
                        return self._file(file) if file else self._not_found()
                return self._not_found()

            def _file(self, file: Path):
                data = file.read_bytes()
                start = 0
                rng = self.headers.get("Range", "")
                if rng.startswith("bytes=") and self.command == "GET":
                    start = int(rng[6:].split("-")[0] or 0)
                body = data[start:]
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", f'"{_oid(file)}"')
                self.send_header("X-Repo-Commit", mirror.commit)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if self.command == "HEAD":
                    return
                for i in range(0, len(body), 1 << 16):
                    self.wfile.write(body[i:i + (1 << 16)])
                    if mirror.chunk_delay:
                        import time

                        time.sleep(mirror.chunk_delay)

            do_GET = do_HEAD = _route

        return Handler


def _oid(file: Path) -> str:
    return hashlib.sha1(file.read_bytes()).hexdigest()
