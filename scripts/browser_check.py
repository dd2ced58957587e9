#!/usr/bin/env python3
"""A real browser on a running `cartero serve`: headless Chromium driven through the
DevTools protocol (a minimal WebSocket client from the standard library, so that the
test needs nothing but chromium and python3).

  browser_check.py BASE_URL CHECKS.json OUT_DIR

CHECKS.json: {"agent": {"login", "password", "cases": [ids], "others": [ids]},
              "coordinator": {"login", "password", "campaign": id, "max_letters": n, "expected": n}}
Prints "ok <check>" per check passed; exits 1 at the first failure. Screenshots go to OUT_DIR.
"""
import base64, json, os, random, shutil, socket, subprocess, sys, tempfile, time, urllib.request

class DevTools:
    """One page of a headless Chromium, over its debugging WebSocket."""

    def __init__(self, chromium, profile):
        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--window-size=1280,1600",
             "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        port = None
        while time.time() < deadline and port is None:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                raise SystemExit("error: chromium exited before it listened")
            if "DevTools listening on ws://" in line:
                port = int(line.split("ws://")[1].split("/")[0].split(":")[1])
        if port is None:
            raise SystemExit("error: chromium did not open its debugging port within 60 s")
        pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        url = next(p["webSocketDebuggerUrl"] for p in pages if p["type"] == "page")
        path = "/" + url.split("/", 3)[3]
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += self.sock.recv(4096)
        if b" 101 " not in reply.split(b"\r\n")[0]:
            raise SystemExit("error: the DevTools WebSocket refused the handshake")
        self.buffer = reply.split(b"\r\n\r\n", 1)[1]
        self.next_id = 0

    def _send(self, text):
        data = text.encode()
        header = bytearray([0x81])
        if len(data) < 126:
            header.append(0x80 | len(data))
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + len(data).to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + len(data).to_bytes(8, "big")
        mask = os.urandom(4)
        self.sock.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise SystemExit("error: the DevTools WebSocket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = int.from_bytes(self._read(2), "big")
            elif length == 127:
                length = int.from_bytes(self._read(8), "big")
            payload = self._read(length)
            if first & 0x0F in (0x1, 0x0):
                message += payload
            if first & 0x80 and first & 0x0F in (0x1, 0x0):
                return json.loads(message)

    def call(self, method, **params):
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise SystemExit(f"error: {method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, expression, what, seconds=20):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                if self.evaluate(f"document.readyState === 'complete' && ({expression})"):
                    return
            except SystemExit:
                pass
            time.sleep(0.1)
        raise SystemExit(f"error: waited {seconds} s for {what}; the page is {self.evaluate('location.href')}")

    def open(self, url):
        self.call("Page.navigate", url=url)
        self.wait_for(f"location.href === {json.dumps(url)}", url)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def main():
    base, checks_file, out = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    checks = json.load(open(checks_file))
    os.makedirs(out, exist_ok=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("error: chromium is not installed")
    profile = tempfile.mkdtemp(prefix="cartero-chromium.")
    browser = DevTools(chromium, profile)
    passed = 0

    def check(condition, what):
        nonlocal passed
        if not condition:
            browser.screenshot(os.path.join(out, "failure.png"))
            raise SystemExit(f"error: browser check failed: {what} (screenshot in {out}/failure.png)")
        passed += 1
        print(f"ok {what}", flush=True)

    def sign_in(login, password, landing):
        browser.open(f"{base}/login")
        browser.evaluate(f"""(() => {{
            document.querySelector('#login').value = {json.dumps(login)};
            document.querySelector('#password').value = {json.dumps(password)};
            document.querySelector('form[action="/login"]').submit(); }})()""")
        browser.wait_for(f"location.pathname === {json.dumps(landing)}", f"{login} to land on {landing}")

    def sign_out():
        browser.evaluate("document.querySelector('form[action=\"/logout\"]').submit()")
        browser.wait_for("location.pathname === '/login'", "the sign-out")

    try:
        agent = checks["agent"]
        sign_in(agent["login"], agent["password"], "/casos")
        shown = browser.evaluate("Array.from(document.querySelectorAll('div.caso')).map(d => d.id)")
        browser.screenshot(os.path.join(out, "mis-casos.png"))
        check(sorted(shown) == sorted(f"caso-{n}" for n in agent["cases"]),
              f"{agent['login']}'s Mis casos lists his {len(agent['cases'])} cases")
        check(not set(shown) & {f"caso-{n}" for n in agent["others"]},
              f"and none of the {len(agent['others'])} cases of another agent")
        sign_out()

        coordinator = checks["coordinator"]
        sign_in(coordinator["login"], coordinator["password"], "/campanas")
        page = f"{base}/campanas/{coordinator['campaign']}"
        browser.open(page)
        check(browser.evaluate("document.querySelector('#evaluacion svg') !== null"), "the campaign's funnel is drawn as SVG")
        browser.evaluate(f"""(() => {{
            document.querySelector('#max_cartas').value = {json.dumps(str(coordinator['max_letters']))};
            document.querySelector('#simular').submit(); }})()""")
        browser.wait_for("location.search.includes('simular=1')", "the what-if funnel")
        browser.screenshot(os.path.join(out, "que-pasaria.png"))
        selected = browser.evaluate("document.querySelector('#simulacion .seleccionadas')?.textContent")
        check(selected == f"{coordinator['expected']:,}".replace(",", "."),
              f"the what-if form with at most {coordinator['max_letters']} letters shows {coordinator['expected']} selected (read {selected})")
        stored = browser.evaluate("document.querySelector('#evaluacion .seleccionadas')?.textContent")
        check(stored != selected, f"and the stored funnel is unchanged ({stored})")
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"browser: {passed} passed, 0 failed")


if __name__ == "__main__":
    main()
