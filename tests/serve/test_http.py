#!/usr/bin/env python3
"""test_http.py - flowsim serve against hostile HTTP, over raw sockets: ambiguous or malformed
heads (two Host headers, a Host with a bad port, two Content-Lengths, Content-Length with
Transfer-Encoding, a negative length, an unknown transfer coding, %00 in the path) each get
exactly one clean 400; a cancel from another site (text/plain, no preflight) does nothing;
hundreds of slow connections (slowloris: heads never finished, bodies one byte short) do not
stop /api/progress answering within a second, and a client that trickles its head or body is
cut off after --request-timeout; the work a request asks for is estimated and refused before it
runs; no answer shows the server's directories or what its files hold; a JSON number is read
as the same text on the command line would be.
Usage: test_http.py FLOWSIM SOURCE_ROOT"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

FLOWSIM, ROOT = sys.argv[1], sys.argv[2]
passed = failed = 0


def check(cond, what, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: %s %s" % (what, detail))


class Server:
    def __init__(self, *args):
        self.err = tempfile.TemporaryFile()
        self.p = subprocess.Popen([FLOWSIM, "serve", *args, "--port", "0"], stdout=subprocess.PIPE,
                                  stderr=self.err, text=True)
        line = self.p.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.err.seek(0)
            sys.exit("the server did not start: %r %r" % (line, self.err.read()))
        self.port = int(m.group(1))

    def stop(self):
        self.p.send_signal(2)
        try:
            code = self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            code = "hung"
        check(code == 0, "the server stops cleanly on SIGINT", "(exit %s)" % code)


def raw(port, data, timeout=30):
    """Sends data, reads until the server closes; returns the bytes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        out += b"<<no end>>"
    s.close()
    return out


def request(port, method, path, body=None, ctype="application/json", host="127.0.0.1", timeout=60):
    head = "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n" % (method, path, host)
    data = b""
    if body is not None:
        data = body.encode()
        head += "Content-Type: %s\r\nContent-Length: %d\r\n" % (ctype, len(data))
    out = raw(port, head.encode() + b"\r\n" + data, timeout)
    status = int(out.split(b" ", 2)[1]) if out.startswith(b"HTTP/1.1 ") else 0
    body_out = out.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in out else b""
    return status, body_out.decode(errors="replace"), out


def status_lines(out):
    return len(re.findall(rb"HTTP/1\.[01] \d\d\d ", out))


# ---- strict HTTP: one clean 400 each ---------------------------------------------------------
srv = Server(os.path.join(ROOT, "tests/data/serve/hospital.yaml"), "--request-timeout", "3")
P = srv.port
J = "Content-Type: application/json\r\n"
heads = {
    "two Host headers": "GET /api/progress HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n",
    "a Host with a port that is not a number": "GET /api/progress HTTP/1.1\r\nHost: 127.0.0.1:abc\r\n\r\n",
    "a Host with two ports": "GET /api/progress HTTP/1.1\r\nHost: localhost:8642:1\r\n\r\n",
    "a Host with a port past 65535": "GET /api/progress HTTP/1.1\r\nHost: localhost:99999\r\n\r\n",
    "two different Content-Lengths": "POST /api/overlay HTTP/1.1\r\nHost: 127.0.0.1\r\n" + J +
        "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    "two equal Content-Lengths": "POST /api/overlay HTTP/1.1\r\nHost: 127.0.0.1\r\n" + J +
        "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
    "Content-Length with Transfer-Encoding": "POST /api/overlay HTTP/1.1\r\nHost: 127.0.0.1\r\n" + J +
        "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "Content-Length: -1": "POST /api/overlay HTTP/1.1\r\nHost: 127.0.0.1\r\n" + J + "Content-Length: -1\r\n\r\n{}",
    "Content-Length: +2": "POST /api/overlay HTTP/1.1\r\nHost: 127.0.0.1\r\n" + J + "Content-Length: +2\r\n\r\n{}",
    "Transfer-Encoding: gzip, chunked": "POST /api/overlay HTTP/1.1\r\nHost: 127.0.0.1\r\n" + J +
        "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "%00 in the path": "GET /api/scenario%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "a folded header": "GET /api/progress HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\n  2\r\n\r\n",
    "a request line of two words": "GET /api/progress\r\nHost: 127.0.0.1\r\n\r\n",
}
for what, head in heads.items():
    out = raw(P, head.encode())
    check(out.startswith(b"HTTP/1.1 400 "), what + ": 400", repr(out[:80]))
    check(status_lines(out) == 1, what + ": exactly one status line", repr(out[:300]))
    check(b'"error"' in out, what + ": a JSON error")
out = raw(P, b"GET /api/progress HTTP/1.1\r\nHost: evil.example:8642\r\n\r\n")
check(out.startswith(b"HTTP/1.1 403 "), "a foreign Host: 403", repr(out[:60]))
out = raw(P, b"GET /api/progress HTTP/1.1\r\nHost: localhost:%d\r\n\r\n" % P)
check(out.startswith(b"HTTP/1.1 200 ") and status_lines(out) == 1, "Host localhost:PORT: 200", repr(out[:60]))
out = raw(P, b"POST /api/overlay HTTP/1.1\r\nHost: 127.0.0.1\r\n" + J.encode() +
          b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
check(out.startswith(b"HTTP/1.1 200 "), "a chunked body is still taken", repr(out[:60]))
out = raw(P, b"POST /api/overlay HTTP/1.1\r\nHost: 127.0.0.1\r\n" + J.encode() +
          b"Content-Length: 999999999\r\n\r\n{}")
check(out.startswith(b"HTTP/1.1 413 ") and status_lines(out) == 1, "a Content-Length over the limit: 413")
out = raw(P, b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
check(out.startswith(b"HTTP/1.1 431 ") and status_lines(out) == 1, "a head over 16 KiB: 431", repr(out[:60]))

# ---- errors say nothing about the machine ------------------------------------------------------
for sets in ({"start": "2024-01-01", "groups.emergency_medical.arrivals": "{series: stays.csv}"},
             {"start": "2024-01-01", "initial": "[{file: stays.csv}]"}):
    st, body, _ = request(P, "POST", "/api/run", json.dumps({"set": sets}))
    check(st == 400, "a start-up file read as another kind: 400", "(%d)" % st)
    check(ROOT not in body and "/tests/" not in body, "no directory in the answer", body)
    check("'stay'" not in body and "found" not in body, "nothing the file holds in the answer", body)
    check("stays.csv" in body, "the answer names the file", body)

# ---- a JSON number is what the same text on the command line is ---------------------------------
cli = subprocess.run([FLOWSIM, "run", "--set", "wards.AMU.beds=32.0", "--replications", "1"],
                     capture_output=True, text=True)
st, body, _ = request(P, "POST", "/api/run", '{"set": {"wards.AMU.beds": 32.0}}')
check(st == 400 and cli.returncode != 0, "beds 32.0: refused by both", "(%d, %d)" % (st, cli.returncode))
check("found '32.0'" in body and "found '32.0'" in cli.stderr, "beds 32.0: the same message", body)
st, body, _ = request(P, "POST", "/api/overlay", '{"set": {"groups.emergency_medical.route.1.p": 0.1}}')
check(st == 200 and re.search(r"p: 0\.1\b", body), "a real 0.1 stays 0.1", body[-300:])
st, body, _ = request(P, "POST", "/api/overlay", '{"set": {"wards.AMU.beds": 32}}')
check(st == 200 and re.search(r"beds: 32\b", body), "a whole number 32 stays 32", body)

# ---- the work a request asks for ---------------------------------------------------------------
attack = {"set": {"groups.emergency_medical.arrivals.rate": "1000000/d", "horizon": "1900d"}, "replications": 40}
t0 = time.monotonic()
st, body, _ = request(P, "POST", "/api/run", json.dumps(attack))
check(st == 422 and "--max-work" in body and "events" in body, "the issue's 7.6e10 arrivals: refused", body)
m = re.search(r"about ([0-9.e+]+) events", body)
check(m is not None and 7e10 <= float(m.group(1)) <= 3e11, "the estimate is near 7.6e10 arrivals' events", body)
st, body, _ = request(P, "POST", "/api/compare", json.dumps(
    {"set": {"wards.AMU.beds": "20", "groups.emergency_medical.arrivals.rate": "300000/d", "horizon": "1900d"},
     "replications": 1}))
check(st == 422 and "both sides" in body, "a comparison counts both sides", body)
st, body, _ = request(P, "GET", "/api/progress")
check(st == 200 and json.loads(body)["running"] is False, "nothing ran for a refused request")

# ---- cross-site cancel does nothing --------------------------------------------------------------
long_run = {"set": {"horizon": "3650d"}, "replications": 1000}
answer = {}


def run_long():
    answer["st"], answer["body"], _ = request(P, "POST", "/api/run", json.dumps(long_run), timeout=600)


th = threading.Thread(target=run_long)
th.start()
running = False
for _ in range(200):
    st, body, _ = request(P, "GET", "/api/progress")
    if st == 200 and json.loads(body)["running"]:
        running = True
        break
    time.sleep(0.05)
check(running, "a long run is in progress")
for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
    st, body, _ = request(P, "POST", "/api/cancel", "{}", ctype=ctype)
    check(st == 415, "cancel as %s: 415" % ctype, "(%d) %s" % (st, body))
st, body, _ = request(P, "GET", "/api/progress")
check(json.loads(body)["running"] and not json.loads(body)["cancelling"], "the run goes on after those", body)

# ---- slowloris: hundreds of slow connections, and progress still answers within a second --------
slow = []
for i in range(300):
    s = socket.create_connection(("127.0.0.1", P))
    s.sendall(b"POST /api/run HTTP/1.1\r\nHost: 127.0.0.1\r\n")           # a head never finished
    slow.append(s)
for i in range(100):
    s = socket.create_connection(("127.0.0.1", P))
    s.sendall(b"POST /api/overlay HTTP/1.1\r\nHost: 127.0.0.1\r\n" + J.encode() + b"Content-Length: 100\r\n\r\n{")
    slow.append(s)
worst = 0
for i in range(5):
    t0 = time.monotonic()
    st, body, _ = request(P, "GET", "/api/progress", timeout=10)
    worst = max(worst, time.monotonic() - t0)
    check(st == 200, "progress during 400 slow connections", "(%d)" % st)
check(worst < 1.0, "progress answers within a second with 400 slow connections", "(%.2f s)" % worst)
st, body, _ = request(P, "POST", "/api/cancel", "{}")
check(st == 200 and json.loads(body)["cancelled"] is True, "cancel as JSON cancels", body)
th.join(60)
check(not th.is_alive() and answer.get("st") == 409, "the cancelled run answers 409", str(answer.get("st")))


def closed_within(s, seconds):
    s.settimeout(seconds)
    try:
        while s.recv(4096):
            pass
        return True
    except (socket.timeout, ConnectionResetError):
        return False
    except OSError:
        return True


# a client trickling a byte at a time is cut off after --request-timeout (3 s here)
def trickle(prefix, seconds):
    s = socket.create_connection(("127.0.0.1", P))
    s.sendall(prefix)
    t0 = time.monotonic()
    cut = False
    while time.monotonic() - t0 < seconds:
        try:
            s.sendall(b"x")
        except OSError:
            cut = True
            break
        s.settimeout(0.3)
        try:
            if s.recv(4096) == b"":
                cut = True
                break
            cut = True          # an answer (408) then the end
            break
        except socket.timeout:
            pass
        except OSError:
            cut = True
            break
    s.close()
    return cut, time.monotonic() - t0


cut, took = trickle(b"GET /api/progress HTTP/1.1\r\nX-Slow: ", 20)
check(cut, "a head trickled a byte at a time is cut off", "(%.1f s)" % took); print("head trickle cut after %.1f s" % took)
cut, took = trickle(b"POST /api/overlay HTTP/1.1\r\nHost: 127.0.0.1\r\n" + J.encode() +
                    b"Content-Length: 60000\r\n\r\n{", 40)
check(cut, "a body trickled a byte at a time is cut off", "(%.1f s)" % took); print("body trickle cut after %.1f s" % took)
check(all(closed_within(s, 30) for s in slow), "the slow connections are closed after the timeout")
for s in slow:
    s.close()
st, body, _ = request(P, "GET", "/api/progress")
check(st == 200, "the server still serves after all that")
srv.stop()

print("serve-http: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
