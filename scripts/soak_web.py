#!/usr/bin/env python3
"""The web side of scripts/soak: office clerks and field agents of every regional at once.

    soak_web.py PORT WORK REGIONAL... (runs until WORK/stop exists)

Per regional, two threads through `cartero serve`, each signed in as a member of it:
  - the clerk (ofi.<regional>, password clave-soak) registers as DIR_INEXISTENTE each
    consecutivo the regional's loop appends to WORK/<REGIONAL>.unanswered (letters the
    courier's file left out);
  - the field agent (ter.<regional>) opens Mis casos and resolves his cases one by one
    as direccion_correcta.
Every answer must be a redirect to the page that says it was done; a 500, a 503 or any
other answer is counted as an error. Writes WORK/web.json with the counts.
"""
import json
import os
import re
import sys
import threading
import time
import urllib.parse

import web_client

port, work, regionals = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
counts = {"registered": 0, "resolved": 0, "pages": 0, "errors": []}
lock = threading.Lock()


def request(method, path, cookie=None, form=None):
    status, location, set_cookie, text, _ = web_client.request(port, method, path, cookie, form)
    return status, location, set_cookie, text


def note(key, what=None):
    with lock:
        if key == "errors":
            counts["errors"].append(what)
        else:
            counts[key] += 1


def sign_in(login):
    return web_client.sign_in(port, login, "clave-soak")


token = web_client.csrf


def stopping():
    return os.path.exists(os.path.join(work, "stop"))


def clerk(regional):
    cookie = sign_in(f"ofi.{regional.lower()}")
    queue = os.path.join(work, f"{regional}.unanswered")
    done = 0
    while True:
        lines = open(queue).read().split() if os.path.exists(queue) else []
        if done >= len(lines):
            if stopping():
                return
            time.sleep(0.2)
            continue
        consecutivo = lines[done]
        done += 1
        status, _, _, page = request("GET", "/registro?carta=" + urllib.parse.quote(consecutivo), cookie)
        note("pages")
        status, location, _, _ = request("POST", "/registro", cookie, {
            "csrf": token(page), "consecutivo": consecutivo, "causal": "DIR_INEXISTENTE", "observacion": "soak"})
        if status == 303 and f"hecho={consecutivo}" in location:
            note("registered")
        else:
            note("errors", f"register {consecutivo}: {status} {location}")


def agent(regional):
    cookie = sign_in(f"ter.{regional.lower()}")
    while not stopping():
        status, _, _, page = request("GET", "/casos", cookie)
        note("pages")
        if status != 200:
            note("errors", f"/casos: {status}")
            time.sleep(0.5)
            continue
        ids = sorted(set(re.findall(r'href="/casos/(\d+)"', page)), key=int)
        if not ids:
            time.sleep(0.3)
            continue
        case = ids[0]
        status, _, _, case_page = request("GET", f"/casos/{case}", cookie)
        note("pages")
        status, location, _, _ = request("POST", f"/casos/{case}/resolver", cookie, {
            "csrf": token(case_page), "outcome": "direccion_correcta", "note": "soak"})
        if status == 303 and location == f"/casos?hecho={case}":
            note("resolved")
        else:
            note("errors", f"resolve {case}: {status} {location}")


def guarded(role, regional):
    try:
        role(regional)
    except Exception as error:  # a thread that dies must still be counted
        note("errors", f"{role.__name__} of {regional} stopped: {error!r}")


threads = [threading.Thread(target=guarded, args=(role, regional)) for regional in regionals for role in (clerk, agent)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with open(os.path.join(work, "web.json"), "w") as out:
    json.dump(counts, out)
