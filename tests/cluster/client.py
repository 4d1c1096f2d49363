"""A browser for the cluster: cookies kept across whichever node answers, the CSRF token of the
last page, forms posted url-encoded or as multipart (files), and a slow upload that sends its
body in pieces, so a test can kill the node half way through."""

from __future__ import annotations

import http.client
import re
import secrets
import time
import urllib.parse
from dataclasses import dataclass

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION_RE = re.compile(r'name="version"[^>]*value="(\d*)"')


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def request_id(self) -> str:
        return self.headers.get("x-request-id", "")


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body (fields, then ``(field, file name, bytes)`` files)."""
    boundary = "tekser-" + secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, filename, data in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One person's browser. ``base`` is nginx's address or a node's own (``at``)."""

    def __init__(self, base: str, host: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.host = host
        self.cookies: dict[str, str] = {}

    def at(self, base: str) -> Browser:
        """The same browser (the same cookies, shared) talking to another address."""
        other = Browser(base, self.host)
        other.cookies = self.cookies
        return other

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Host": self.host, "Accept-Language": "en", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**headers, **(extra or {})}

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]

    def request(self, method: str, path: str, body: bytes | None = None, **headers) -> Reply:
        connection = http.client.HTTPConnection(*self.address, timeout=60)
        try:
            connection.request(method, path, body=body, headers=self._headers(headers))
            response = connection.getresponse()
            data = response.read()
            self._keep_cookies(response)
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            connection.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def token(self, path: str) -> str:
        page = self.get(path)
        found = CSRF_RE.search(page.text)
        assert found, f"no CSRF token on {path} ({page.status})"
        return found.group(1)

    def post(self, path: str, form: dict[str, str], token: str | None = None) -> Reply:
        """Post a form with ``token``, or the token of the form's own page (one more GET)."""
        form = {**form, "csrf_token": token or self.token(path)}
        body = urllib.parse.urlencode(form).encode()
        return self.request(
            "POST", path, body, **{"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_files(self, path: str, form: dict[str, str], files) -> Reply:
        body, content_type = multipart({**form, "csrf_token": self.token(path)}, files)
        return self.request("POST", path, body, **{"Content-Type": content_type})

    def log_in(self, email: str, password: str) -> Reply:
        reply = self.post("/login", {"email": email, "password": password, "next": ""})
        assert reply.status == 302, f"login of {email}: {reply.status}"
        return reply

    def slow_upload(self, path: str, form: dict[str, str], files, pieces: int = 20):
        """Start a multipart POST and send its body piece by piece, a tenth of a second apart:
        a generator that yields how many bytes went out after each piece (the caller kills the
        node in between), and raises OSError when the node is gone."""
        body, content_type = multipart({**form, "csrf_token": self.token(path)}, files)
        connection = http.client.HTTPConnection(*self.address, timeout=30)
        headers = self._headers({"Content-Type": content_type, "Content-Length": str(len(body))})
        connection.putrequest("POST", path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        step = -(-len(body) // pieces)
        try:
            for start in range(0, len(body), step):
                connection.send(body[start : start + step])
                yield start + step
                time.sleep(0.1)
            connection.getresponse().read()
        finally:
            connection.close()
