#!/usr/bin/env python3
"""test_page.py - flowsim serve's page in a real browser: headless Chromium driven through the
DevTools protocol (over --remote-debugging-pipe: no network, no extra package). Loads the page,
types 32 into AMU's beds, clicks Run, waits for the results, and checks that the difference
table shows the change (AMU's admissions that waited rise, significantly), that the headline
names AMU, that no script error occurred, and saves a screenshot; then types a bad value and
checks that its message appears beside the input, and that Cancel stops a long run.
Usage: test_page.py FLOWSIM SOURCE_ROOT CHROMIUM OUTDIR"""
import base64
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

FLOWSIM, ROOT, CHROMIUM, OUT = sys.argv[1:5]
# Found at configure time, or now (installed since); without it the test is skipped, and says why.
CHROMIUM = CHROMIUM or shutil.which("chromium") or shutil.which("chromium-browser") or ""
if not CHROMIUM:
    print("SKIP: chromium is not installed (tools/test installs it)")
    sys.exit(77)
os.makedirs(OUT, exist_ok=True)
failures = []
passes = 0


def check(cond, what):
    global passes
    if cond:
        passes += 1
    else:
        failures.append(what)
        print("FAIL:", what, flush=True)


class Browser:
    """A headless Chromium spoken to over its DevTools pipe (fd 3 in, fd 4 out)."""

    def __init__(self, profile):
        cmd_r, self.cmd_w = os.pipe()
        self.res_r, res_w = os.pipe()
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--hide-scrollbars", "--remote-debugging-pipe", "--user-data-dir=" + profile,
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
        self.proc = subprocess.Popen(["bash", "-c", 'exec "$0" "$@" 3<&%d 4>&%d' % (cmd_r, res_w), CHROMIUM] + flags,
                                     pass_fds=(cmd_r, res_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(res_w)
        self.next_id = 0
        self.replies = {}
        self.events = queue.Queue()
        self.lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self.res_r, 1 << 16)
            if not chunk:
                return
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                m = json.loads(msg)
                if "id" in m:
                    with self.lock:
                        self.replies[m["id"]] = m
                        self.lock.notify_all()
                else:
                    self.events.put(m)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.cmd_w, json.dumps(msg).encode() + b"\0")
        end = time.time() + timeout
        with self.lock:
            while mid not in self.replies:
                left = end - time.time()
                if left <= 0:
                    raise TimeoutError(method)
                self.lock.wait(left)
            m = self.replies.pop(mid)
        if "error" in m:
            raise RuntimeError("%s: %s" % (method, m["error"]))
        return m["result"]

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Page:
    def __init__(self, browser):
        self.b = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.s = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(domain + ".enable")
        self.send("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 1500, "deviceScaleFactor": 1,
                                                          "mobile": False})

    def send(self, method, params=None, timeout=60):
        return self.b.send(method, params, self.s, timeout)

    def js(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("script: %s" % r["exceptionDetails"].get("text"))
        return r["result"].get("value")

    def wait(self, expr, timeout=120):
        end = time.time() + timeout
        while time.time() < end:
            v = self.js(expr)
            if v:
                return v
            time.sleep(0.1)
        return None

    def click(self, selector):
        """A real mouse click in the middle of the element."""
        box = self.js("(() => { const e = document.querySelector(%s); e.scrollIntoView({block: 'center'});"
                      " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
                      % json.dumps(selector))
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left",
                                                   "clickCount": 1})

    def type_into(self, selector, text):
        """Focuses the input, selects what it holds and types over it, as a user would."""
        self.js("(() => { const e = document.querySelector(%s);"
                " for (let p = e.parentElement; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;"
                " e.scrollIntoView({block: 'center'}); e.focus(); e.select(); })()" % json.dumps(selector))
        self.send("Input.insertText", {"text": text})

    def errors(self):
        """Script errors and console errors seen so far."""
        found = []
        while True:
            try:
                ev = self.b.events.get_nowait()
            except queue.Empty:
                return found
            if ev.get("sessionId") != self.s:
                continue
            if ev["method"] == "Runtime.exceptionThrown":
                found.append(ev["params"]["exceptionDetails"].get("text", "exception"))
            elif ev["method"] == "Runtime.consoleAPICalled" and ev["params"]["type"] == "error":
                found.append("console.error")
            elif ev["method"] == "Log.entryAdded" and ev["params"]["entry"]["level"] == "error":
                entry = ev["params"]["entry"]
                # The page's own failed requests (a 400 for a bad value) are expected; anything else is not.
                if not (entry.get("source") == "network" and re.search(r"/api/(compare|overlay|run)", entry.get("url", ""))):
                    found.append("log: " + entry.get("text", ""))


def main():
    tmp = tempfile.mkdtemp()
    server = subprocess.Popen([FLOWSIM, "serve", os.path.join(ROOT, "scenarios/example.yaml"), "--port", "0",
                               # room for a run that cannot finish before Cancel, however fast the machine
                               "--max-work", "1e13"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    browser = None
    try:
        line = server.stdout.readline()
        m = re.search(r"http://[^ ]+", line)
        check(m is not None, "the server prints its address")
        url = m.group(0)
        browser = Browser(os.path.join(tmp, "profile"))
        page = Page(browser)
        page.send("Page.navigate", {"url": url})
        check(page.wait("document.body && document.body.dataset.state === 'ready'", 60), "the page loads the scenario")
        check(page.js("document.getElementById('name').textContent") == "Example district general hospital",
              "the page shows the scenario's name")
        n = page.js("document.querySelectorAll('input[data-path]').length")
        check(n >= 10, "the page offers the scenario's settings (%s inputs)" % n)
        check(page.js("document.querySelector('input[data-path=\"wards.AMU.beds\"]').value") == "36",
              "AMU's beds show today's value")

        # A what-if: AMU with 32 beds.
        page.type_into('input[data-path="wards.AMU.beds"]', "32")
        check(page.js("document.querySelector('input[data-path=\"wards.AMU.beds\"]').classList.contains('changed')"),
              "a changed input is marked")
        page.click("#run")
        state = page.wait("['done', 'error'].includes(document.body.dataset.state) && document.body.dataset.state", 120)
        check(state == "done", "the run finishes (state %s, status: %s)" % (state, page.js("document.getElementById('status').textContent")))
        row = page.js("(() => { const r = document.querySelector('tr[data-metric=\"wards.AMU.p_wait\"]');"
                      " return r && [r.className, r.querySelector('.diff').textContent, r.querySelector('.base').textContent,"
                      " r.querySelector('.whatif').textContent]; })()")
        check(row is not None, "the difference table has AMU's admissions that waited")
        if row:
            check("sig" in row[0] and row[1].startswith("+"), "fewer AMU beds: more admissions wait, significantly (%s)" % row)
            check(row[2] != row[3], "the what-if differs from the scenario (%s)" % row)
        headline = page.js("document.getElementById('headline').textContent")
        check("ward AMU" in (headline or ""), "the headline names AMU")
        check(page.js("document.querySelector('#chart') && !!Chart.getChart(document.querySelector('#chart'))"),
              "the chart is drawn")
        check(page.wait("(() => { const f = document.getElementById('report'); return f.contentDocument &&"
                        " f.contentDocument.body && f.contentDocument.body.dataset.done === 'yes'; })()", 60),
              "the full report draws in the page")
        check(not page.js("document.getElementById('download-report').disabled"), "the report can be downloaded")
        check(page.js("document.body.dataset.errors") == "0", "no script error on the page")
        errors = page.errors()
        check(not errors, "no script or console error: %s" % errors)
        shot = page.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                    "clip": {"x": 0, "y": 0, "width": 1280, "height": 1500, "scale": 1}})
        with open(os.path.join(OUT, "serve.png"), "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        check(os.path.getsize(os.path.join(OUT, "serve.png")) > 10000, "the screenshot is saved")

        # The overlay downloads as YAML (fetched as the page does).
        overlay = page.js("fetch('/api/overlay', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                          " body: JSON.stringify({set: {'wards.AMU.beds': '32'}})}).then(r => r.text())")
        check("extends: example.yaml" in overlay and "beds: 32" in overlay, "the what-if downloads as an overlay")

        # A bad value: its message beside the input.
        page.type_into('input[data-path="wards.AMU.beds"]', "abc")
        page.click("#run")
        state = page.wait("['done', 'error'].includes(document.body.dataset.state) && document.body.dataset.state", 60)
        check(state == "error", "a bad value stops the run (state %s)" % state)
        msg = page.js("document.querySelector('[data-err=\"wards.AMU.beds\"]').textContent")
        check("whole number" in (msg or ""), "the bad value's message is shown beside it: %r" % msg)

        # Cancel: a long run stops. The run asked for (1,000 replications of 100 years) takes
        # many minutes on any machine, so only Cancel can end it within the wait below.
        page.type_into('input[data-path="wards.AMU.beds"]', "32")
        page.type_into('input[data-path="horizon"]', "36500d")
        page.type_into("#replications", "1000")
        page.click("#run")
        check(page.wait("document.getElementById('cancel').disabled === false", 20), "Cancel is offered while running")
        page.click("#cancel")
        state = page.wait("['done', 'error'].includes(document.body.dataset.state) && document.body.dataset.state", 120)
        status = page.js("document.getElementById('status').textContent")
        check(state == "error" and "cancelled" in status, "Cancel stops the run (%s: %s)" % (state, status))
        check(page.js("document.body.dataset.errors") == "0", "no script error after the bad value and the cancel")
        errors = page.errors()
        check(not errors, "no script or console error at the end: %s" % errors)
    except Exception as e:      # a broken protocol exchange is a failure, not a crash of the suite
        check(False, "browser session: %r" % e)
    finally:
        if browser:
            browser.close()
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            check(False, "the server stops on SIGTERM")
        shutil.rmtree(tmp, ignore_errors=True)
    print("page: %d passed, %d failed" % (passes, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
