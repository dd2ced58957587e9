"""A small HTTP client for the scripts that drive `cartero serve` (restart_check.py, soak_web.py)."""
import http.client
import re
import time
import urllib.parse


def request(port, method, path, cookie=None, form=None, timeout=30):
    """(status, location, set-cookie, body text, seconds) of one request, on a connection of its own."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=timeout)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(form)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return (response.status, response.getheader("Location") or "", response.getheader("Set-Cookie") or "",
                text, time.monotonic() - started)
    finally:
        connection.close()


def sign_in(port, login, password):
    """The session cookie of the member, or RuntimeError."""
    status, _, cookie, _, _ = request(port, "POST", "/login", form={"login": login, "password": password})
    if status != 303 or not cookie:
        raise RuntimeError(f"{login} could not sign in: {status}")
    return cookie.split(";")[0]


def csrf(page):
    """The CSRF token of the page's forms ('' when none)."""
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    return match.group(1) if match else ""
