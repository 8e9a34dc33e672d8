"""A small HTTP client for the scripts in bench/ (standard library only): cookies, CSRF, multipart."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    body: str
    headers: dict
    seconds: float
    url: str
    size: int = 0  # bytes received (compressed, if the server compressed them)
    content: bytes = b""  # the body as received, for binary answers (a downloaded document)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base_url, timeout=10):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def request(self, method, path, *, data=None, headers=None):
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers or {})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=self.timeout) as raw:
                body, status, response_headers = raw.read(), raw.status, dict(raw.headers)
        except urllib.error.HTTPError as error:
            body, status, response_headers = error.read(), error.code, dict(error.headers)
        return Response(
            status=status,
            body=body.decode("utf-8", "replace"),
            headers=response_headers,
            seconds=time.perf_counter() - started,
            url=path,
            size=len(body),
            content=body,
        )

    def get(self, path):
        return self.request("GET", path)

    def csrf_token(self, path):
        page = self.get(path)
        match = CSRF_INPUT.search(page.body)
        if not match:
            raise RuntimeError(f"No CSRF token on {path} (HTTP {page.status})")
        return match.group(1)

    def post_form(self, path, fields, files=None, *, csrf_from=None):
        """POST `fields` (and `files`: {name: (filename, bytes, content type)}) with a fresh CSRF token."""
        fields = {"csrfmiddlewaretoken": self.csrf_token(csrf_from or path), **fields}
        if not files:
            data = urllib.parse.urlencode(fields, doseq=True).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
        else:
            data, content_type = _multipart(fields, files)
            headers = {"Content-Type": content_type}
        headers["Referer"] = self.base_url + path
        return self.request("POST", path, data=data, headers=headers)


def _multipart(fields, files):
    boundary = f"----nmt{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
