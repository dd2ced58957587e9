#!/usr/bin/env python3
"""PostgreSQL restarted under a running `cartero serve` (called by scripts/restart-test).

    restart_check.py PORT LOGIN PASSWORD RESTART-COMMAND QUERY-COMMAND

Signs in as an administrator, then for about 12 seconds two clients keep going: one
reads /admin, the other adds a regional per request (a write, with a code of its own).
After 3 seconds RESTART-COMMAND stops PostgreSQL, waits, and starts it again. Checks:
  - no request takes 2 s or more (the outage is answered at once, not waited out);
  - every answer is a success, or a 503 page saying the database does not answer;
  - some requests got the 503 (the outage was seen) and, after the restart, every request
    succeeds again, without restarting the service;
  - every write the service reported as done is in the database (QUERY-COMMAND prints
    the regionals' codes).
Prints "ok ..." per check, "FAIL ..." and exits 1 on the first that fails.
"""
import subprocess
import sys
import threading
import time

import web_client

port, login, password, restart_command, query_command = sys.argv[1:6]
LIMIT = 2.0


def request(method, path, body=None, cookie=None):
    """(status, location, set-cookie, body text, seconds) of one request."""
    return web_client.request(port, method, path, cookie, body, timeout=10)


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


cookie = web_client.sign_in(port, login, password)
_, _, _, page, _ = request("GET", "/admin", cookie=cookie)
token = web_client.csrf(page)
if not token:
    fail("no CSRF token on /admin")

results = []  # (kind, code or None, status, seconds, finished at)
lock = threading.Lock()
stop = threading.Event()


def code_of(n):
    """RA..., a regional code of capital letters only (2 to 8)."""
    letters = ""
    for _ in range(4):
        letters = chr(ord("A") + n % 26) + letters
        n //= 26
    return "R" + letters


def reader():
    while not stop.is_set():
        try:
            status, _, _, text, seconds = request("GET", "/admin", cookie=cookie)
        except Exception as error:  # a refused or cut connection is a failure too
            status, text, seconds = f"error {error}", "", LIMIT
        with lock:
            results.append(("read", None, status, seconds, time.monotonic(), "La base de datos no responde" in text))
        time.sleep(0.05)


def writer():
    n = 0
    while not stop.is_set():
        code = code_of(n)
        n += 1
        try:
            status, location, _, text, seconds = request(
                "POST", "/admin/regionales", {"csrf": token, "codigo": code, "nombre": "Regional " + code}, cookie=cookie)
        except Exception as error:
            status, location, text, seconds = f"error {error}", None, "", LIMIT
        ok = status == 303 and location == "/admin?hecho=nueva-regional"
        with lock:
            results.append(("write", code, 303 if ok else status, seconds, time.monotonic(), "La base de datos no responde" in text))
        time.sleep(0.05)


threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
for thread in threads:
    thread.start()
time.sleep(3)
restart_started = time.monotonic()
subprocess.run(restart_command, shell=True, check=True)
restart_ended = time.monotonic()
time.sleep(4)
stop.set()
for thread in threads:
    thread.join()

slow = [r for r in results if r[3] >= LIMIT]
if slow:
    fail(f"{len(slow)} requests took {LIMIT} s or more, the slowest {max(r[3] for r in slow):.2f} s")
print(f"ok every one of {len(results)} requests answered within {LIMIT} s "
      f"(slowest {max(r[3] for r in results):.2f} s) across a restart of {restart_ended - restart_started:.1f} s")
strange = [r for r in results if r[2] not in (200, 303) and not (r[2] == 503 and r[5])]
if strange:
    fail(f"answers other than a success or the 503 page: {sorted(set(str(r[2]) for r in strange))}")
unavailable = [r for r in results if r[2] == 503]
if not unavailable:
    fail("no request saw the outage: the restart was not noticed")
print(f"ok {len(unavailable)} requests during the outage got the 503 page, the rest succeeded")
after = [r for r in results if r[4] > restart_ended + 1.0]
if not after or any(r[2] not in (200, 303) for r in after):
    fail(f"after the restart, {sum(r[2] not in (200, 303) for r in after)} of {len(after)} requests still failed")
print(f"ok the {len(after)} requests from a second after the restart all succeeded, the service not restarted")

stored = set(subprocess.run(query_command, shell=True, check=True, capture_output=True, text=True).stdout.split())
reported = {r[1] for r in results if r[0] == "write" and r[2] == 303}
lost = reported - stored
if lost:
    fail(f"{len(lost)} writes reported done are not in the database: {sorted(lost)[:5]}")
refused = {r[1] for r in results if r[0] == "write" and r[2] != 303}
print(f"ok every one of the {len(reported)} writes reported done is stored; "
      f"{len(refused & stored)} of the {len(refused)} refused ones were committed before their connection broke")
