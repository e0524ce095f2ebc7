#!/usr/bin/env python3
"""`make reliability`: the release tern-demo under hostile input, load, faults and fuzzing.

Every part starts its own server on 127.0.0.1 (a free port, a fresh data folder) and stops
it by its own PID. The figures are printed at the end and, after a run of every part,
written to Reliability/RESULTS.md with the machine and the date. SOAK_SECONDS (default 60) sets the soak; FUZZ_SECONDS
(default 40) the time per fuzz target.
"""
import base64, hashlib, json, os, random, resource, shutil, signal, socket, subprocess, sys, tempfile, threading, time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BINARY = os.path.join(ROOT, ".build", "release", "tern-demo")
CORPUS = os.path.join(ROOT, "Tests", "Corpus", "hostile")
SOAK_SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
FUZZ_SECONDS = int(os.environ.get("FUZZ_SECONDS", "40"))
FRAMING = {"400", "408", "413", "414", "417", "431", "501", "505"}
KEY = "Bearer demo-key"
figures = []  # (part, figure, value)
failures = []


def note(part, figure, value):
    figures.append((part, figure, value))
    print(f"  {part}: {figure} = {value}", flush=True)


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"  FAILED: {message}", flush=True)
    return condition


class Server:
    """tern-demo with `flags`, on a free port, in its own data folder unless given one."""

    def __init__(self, *flags, data=None, files=None, nofile=None, expect_ready=True):
        self.data = data or tempfile.mkdtemp(prefix="tern-reliability-")
        self.files = files or os.path.join(self.data, "files")
        os.makedirs(self.files, exist_ok=True)
        sample = os.path.join(self.files, "sample-64mib.bin")
        if not os.path.exists(sample):
            with open(sample, "wb") as f:  # sparse: the right size, nothing written
                f.truncate(64 * 1024 * 1024)
        self.log = os.path.join(tempfile.mkdtemp(prefix="tern-log-"), "stderr.log")
        self.stderr = open(self.log, "ab")
        def limits():
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        self.process = subprocess.Popen(
            [BINARY, "--port", "0", "--data-dir", self.data, "--files-dir", self.files, "--log-level", "warning", *flags],
            stdout=subprocess.PIPE, stderr=self.stderr, preexec_fn=limits)
        self.port = None
        if expect_ready:
            line = self.process.stdout.readline().decode()
            if not line.startswith("listening on "):
                raise RuntimeError(f"tern-demo did not start: {line!r}")
            self.port = int(line.rsplit(":", 1)[1])

    @property
    def pid(self):
        return self.process.pid

    def rss_kib(self):
        for line in open(f"/proc/{self.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def fds(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def connect(port, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_response(sock, buffer=b"", head_only=False):
    """One response from `sock` (after `buffer`): (status, headers, body, rest); None at EOF."""
    data = buffer
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if head_only or status in (204, 304) or 100 <= status < 200:
        return status, headers, b"", rest
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                chunk = sock.recv(65536)
                if not chunk:
                    return None
                rest += chunk
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                chunk = sock.recv(65536)
                if not chunk:
                    return None
                rest += chunk
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                return status, headers, body, rest
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def request(port, method, path, headers=None, body=b"", sock=None):
    """One exchange; on a new connection unless `sock` is given. (status, headers, body)."""
    own = sock is None
    sock = sock or connect(port)
    try:
        lines = [f"{method} {path} HTTP/1.1", "Host: t"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        result = read_response(sock, head_only=(method == "HEAD"))
        if result is None:
            raise ConnectionError("closed before a response")
        return result[:3]
    finally:
        if own:
            sock.close()


def healthy(port):
    try:
        return request(port, "GET", "/healthz")[0] == 200
    except OSError:
        return False


# ---------------------------------------------------------------------------------------
def hostile_corpus():
    print("hostile corpus (release tern-demo)", flush=True)
    server = Server("--rate-limit", "off")
    tried = passed = 0
    try:
        for name in sorted(f[:-5] for f in os.listdir(CORPUS) if f.endswith(".http")):
            data = open(os.path.join(CORPUS, name + ".http"), "rb").read()
            fields = dict(line.split("=", 1) for line in open(os.path.join(CORPUS, name + ".expect")).read().split())
            expected = fields.get("demo", fields["live"]).split(",")
            expected = [e for e in expected if e != "close"]
            tried += 1
            answers = []
            sock = connect(server.port, timeout=15)
            try:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
                rest = b""
                while True:
                    result = read_response(sock, rest, head_only=data.startswith(b"HEAD "))
                    if result is None:
                        break
                    status, _, _, rest = result
                    if status >= 200:
                        answers.append(str(status) if str(status) in FRAMING else "response")
            except (ConnectionResetError, socket.timeout):
                pass
            finally:
                sock.close()
            ok = check(answers == expected, f"corpus {name}: answered {answers}, expected {expected}")
            ok = check(healthy(server.port), f"corpus {name}: not serving afterwards") and ok
            passed += ok
    finally:
        server.stop()
    note("hostile corpus", "cases tried / passed", f"{tried} / {passed}")


def fuzz():
    print(f"fuzzing, {FUZZ_SECONDS} s per target", flush=True)
    fuzz_dir = os.path.join(ROOT, "Fuzz")
    for target in ["FuzzRequestParser", "FuzzConnection"]:
        # Into the run's working corpus (Fuzz/work, not in git), beside the committed seeds.
        seeds = os.path.join(fuzz_dir, "work", target)
        os.makedirs(seeds, exist_ok=True)
        for name in os.listdir(CORPUS):
            if name.endswith(".http"):
                shutil.copy(os.path.join(CORPUS, name), os.path.join(seeds, "hostile-" + name))
    result = subprocess.run(["make", "-C", fuzz_dir, "run", f"SECONDS={FUZZ_SECONDS}"], capture_output=True, text=True)
    check(result.returncode == 0, "fuzzing found a crash (inputs in Fuzz/crashes/)")
    for target in sorted(os.listdir(os.path.join(fuzz_dir, "work"))):
        log = os.path.join(fuzz_dir, "work", target)
        if target.endswith(".log"):
            text = open(log).read()
            runs = [line.split(":")[-1].strip() for line in text.splitlines() if line.startswith("stat::number_of_executed_units")]
            note("fuzzing", f"{target[:-4]} executions", runs[-1] if runs else "?")


def idle_connections():
    print("10,000 idle keep-alive connections plus normal traffic", flush=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20000), hard))
    server = Server("--rate-limit", "off", "--workers", "2", "--max-connections", "12000", nofile=min(hard, 20000))
    sockets = []
    try:
        base = server.rss_kib()
        for _ in range(10000):
            s = socket.socket()
            s.setblocking(True)
            s.connect(("127.0.0.1", server.port))
            sockets.append(s)
        for s in sockets:  # one request each, so each is a real keep-alive connection
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        answered_idle = 0
        for s in sockets:
            result = read_response(s)
            answered_idle += result is not None and result[0] == 200
        held = server.rss_kib()
        normal_ok = sum(healthy(server.port) for _ in range(500))
        note("idle connections", "connections held", len(sockets))
        note("idle connections", "their first requests answered", answered_idle)
        note("idle connections", "normal requests answered meanwhile", f"{normal_ok} / 500")
        note("idle connections", "RSS per idle connection", f"{(held - base) * 1024 / len(sockets):.0f} bytes")
        check(answered_idle == len(sockets) and normal_ok == 500, "idle connections: requests went unanswered")
    finally:
        for s in sockets:
            s.close()
        server.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def latency_sample(port, seconds, stop=None):
    """Sequential GET /healthz on one keep-alive connection for `seconds`: latencies in s."""
    latencies = []
    sock = connect(port)
    end = time.time() + seconds
    try:
        while time.time() < end and not (stop and stop.is_set()):
            started = time.perf_counter()
            request(port, "GET", "/healthz", sock=sock)
            latencies.append(time.perf_counter() - started)
    finally:
        sock.close()
    return latencies


def p99(values):
    values = sorted(values)
    return values[int(len(values) * 0.99) - 1] if values else float("nan")


def slowloris():
    print("slowloris: 1,000 connections dribbling a head", flush=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20000), hard))
    server = Server("--rate-limit", "off", "--workers", "2")
    attackers = []
    try:
        baseline = latency_sample(server.port, 3)
        for _ in range(1000):
            s = socket.create_connection(("127.0.0.1", server.port))
            s.sendall(b"GET /healthz HTTP/1.1\r\n")
            attackers.append(s)
        started = time.time()
        closed = set()
        stop = threading.Event()
        sample = []
        sampler = threading.Thread(target=lambda: sample.extend(latency_sample(server.port, 30, stop)))
        sampler.start()
        while len(closed) < len(attackers) and time.time() - started < 30:
            for i, s in enumerate(attackers):
                if i in closed:
                    continue
                try:
                    s.sendall(b"X")  # one byte a round: never a complete line
                except OSError:
                    closed.add(i)
            time.sleep(1)
        elapsed = time.time() - started
        stop.set()
        sampler.join()
        note("slowloris", "attack connections closed by the head deadline", f"{len(closed)} / {len(attackers)} in {elapsed:.1f} s")
        note("slowloris", "normal p99 before / during the attack", f"{p99(baseline) * 1e3:.2f} ms / {p99(sample) * 1e3:.2f} ms")
        check(len(closed) == len(attackers), "slowloris: some dribbling connections were never closed")
        check(healthy(server.port), "slowloris: not serving afterwards")
    finally:
        for s in attackers:
            s.close()
        server.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def connection_limit():
    print("connection limit", flush=True)
    server = Server("--rate-limit", "off", "--workers", "1", "--max-connections", "100")
    sockets = []
    try:
        for _ in range(100):
            sockets.append(connect(server.port))
        time.sleep(0.3)
        excess = connect(server.port)
        excess.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        result = read_response(excess)
        excess.close()
        status = result[0] if result else None
        note("connection limit", "answer past the limit", status)
        check(status == 503, f"connection limit: expected 503, got {status}")
        for s in sockets:
            s.close()
        sockets = []
        time.sleep(0.5)
        check(healthy(server.port), "connection limit: no recovery after the connections closed")
        note("connection limit", "served again after they closed", healthy(server.port))
    finally:
        for s in sockets:
            s.close()
        server.stop()


def soak():
    print(f"soak: {SOAK_SECONDS} s of mixed traffic", flush=True)
    server = Server("--rate-limit", "off", "--workers", "2")
    errors = []
    counts = {"users": 0, "304": 0, "downloads": 0, "transfers": 0}
    lock = threading.Lock()
    stop = threading.Event()

    def worker(kind, seed):
        rng = random.Random(seed)
        sock = None
        while not stop.is_set():
            try:
                sock = sock or connect(server.port)
                if kind == "users":
                    status = request(server.port, "GET", f"/users/{rng.choice([1, 2])}", sock=sock)[0]
                    ok = status == 200
                elif kind == "304":
                    status = request(server.port, "GET", "/users/1", {"If-None-Match": '"1-1"'}, sock=sock)[0]
                    ok = status == 304
                elif kind == "downloads":
                    first = rng.randrange(0, (1 << 26) - 65536)
                    status, headers, body = request(server.port, "GET", "/download/sample-64mib.bin", {"Range": f"bytes={first}-{first + 65535}"}, sock=sock)
                    ok = status == 206 and len(body) == int(headers["content-length"])
                else:
                    body = json.dumps({"from": "alice", "to": "bob", "amount": 0.01} if rng.random() < 0.5 else {"from": "bob", "to": "alice", "amount": 0.01}).encode()
                    status = request(server.port, "POST", "/transfers", {"Authorization": KEY, "Content-Type": "application/json", "Idempotency-Key": f"soak-{seed}-{rng.random()}"}, body, sock=sock)[0]
                    ok = status in (201, 409)
                with lock:
                    counts[kind] += 1
                    if not ok:
                        errors.append(f"{kind}: {status}")
            except OSError as error:
                with lock:
                    errors.append(f"{kind}: {error}")
                sock = None
        if sock:
            sock.close()

    try:
        threads = [threading.Thread(target=worker, args=(kind, i)) for i, kind in enumerate(["users", "users", "304", "downloads", "transfers", "transfers"])]
        for t in threads:
            t.start()
        # After a warm-up, so the database's reader pool and caches have reached their size.
        time.sleep(5)
        start_rss, start_fds = server.rss_kib(), server.fds()
        time.sleep(SOAK_SECONDS)
        stop.set()
        for t in threads:
            t.join()
        time.sleep(1)
        end_rss, end_fds = server.rss_kib(), server.fds()
        note("soak", "requests (users / 304 / ranges / transfers)", " / ".join(str(counts[k]) for k in ["users", "304", "downloads", "transfers"]))
        note("soak", "errors", len(errors))
        note("soak", "RSS start / end", f"{start_rss / 1024:.1f} MiB / {end_rss / 1024:.1f} MiB")
        note("soak", "open descriptors start / end", f"{start_fds} / {end_fds}")
        check(not errors, f"soak: {len(errors)} errors, e.g. {errors[:3]}")
        check(end_fds <= start_fds + 2, "soak: descriptors grew")
        check(end_rss < start_rss * 1.5 + 16 * 1024, "soak: RSS grew")
    finally:
        server.stop()


def crash_rounds(rounds=10):
    print(f"kill -9 during transfers, {rounds} rounds on one data folder", flush=True)
    data = tempfile.mkdtemp(prefix="tern-crash-")
    acknowledged = {}  # key -> (body, response body)
    sent = {}
    survived = 0
    for round_index in range(rounds):
        server = Server("--rate-limit", "off", "--workers", "2", data=data)
        ok = True
        # Every acknowledged transfer so far still replays byte for byte.
        for key, (body, response) in acknowledged.items():
            replay = request(server.port, "POST", "/transfers", {"Authorization": KEY, "Content-Type": "application/json", "Idempotency-Key": key}, body)
            ok = check(replay[0] == 201 and replay[2] == response and replay[1].get("idempotent-replayed") == "true", f"round {round_index}: {key} did not replay") and ok
        stop = threading.Event()
        lock = threading.Lock()

        def client(seed):
            rng = random.Random(seed)
            while not stop.is_set():
                key = f"crash-{round_index}-{seed}-{rng.random()}"
                body = json.dumps({"from": rng.choice(["alice", "bob"]), "to": "carol", "amount": 0.01}).encode()
                with lock:
                    sent[key] = body
                try:
                    status, _, response = request(server.port, "POST", "/transfers", {"Authorization": KEY, "Content-Type": "application/json", "Idempotency-Key": key}, body)
                except OSError:
                    return
                if status == 201:
                    with lock:
                        acknowledged[key] = (body, response)

        threads = [threading.Thread(target=client, args=(round_index * 100 + i,)) for i in range(4)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.3, 0.8))
        server.process.kill()  # kill -9
        server.process.wait()
        stop.set()
        for t in threads:
            t.join()
        survived += ok
    # A last start: every key sent once more applies the unapplied ones; totals hold.
    server = Server("--rate-limit", "off", data=data)
    try:
        for key, body in sent.items():
            status = request(server.port, "POST", "/transfers", {"Authorization": KEY, "Content-Type": "application/json", "Idempotency-Key": key}, body)[0]
            check(status in (201, 409), f"resend {key}: {status}")
        transfers, path = 0, "/transfers?limit=100"
        while path:
            status, headers, body = request(server.port, "GET", path)
            transfers += len(json.loads(body)["items"])
            link = headers.get("link")
            path = link[1:link.index(">")] if link else None
        accounts = json.loads(request(server.port, "GET", "/accounts")[2])["items"]
        total = round(sum(a["balance"] for a in accounts), 2)
        note("kill -9", "rounds survived", f"{survived} / {rounds}")
        note("kill -9", "transfers acknowledged / keys sent / transfers stored", f"{len(acknowledged)} / {len(sent)} / {transfers}")
        note("kill -9", "balances sum", total)
        check(survived == rounds, "kill -9: an acknowledged transfer was lost")
        check(transfers <= len(sent), "kill -9: a key was applied twice")
        check(total == 1500.0, f"kill -9: balances sum to {total}, not 1500")
    finally:
        server.stop()


def disk_faults():
    print("disk faults", flush=True)
    if os.geteuid() != 0:
        note("disk", "skipped", "mounting a tmpfs needs root")
        return
    mount = tempfile.mkdtemp(prefix="tern-disk-")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount], check=True)
    try:
        # Read-only data folder at start: a clear error, a non-zero exit.
        readonly = tempfile.mkdtemp(prefix="tern-ro-")
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", readonly], check=True)
        try:
            server = Server(data=readonly, files=tempfile.mkdtemp(), expect_ready=False)
            code = server.process.wait(timeout=20)
            message = open(server.log).read().strip().splitlines()
            note("disk", "read-only data folder at start: exit status", code)
            last = message[-1] if message else ""
            note("disk", "its message", last[last.find("cannot start"):].replace("|", "/")[:150])
            check(code not in (0, None), "disk: started on a read-only data folder")
        finally:
            subprocess.run(["umount", readonly])
        # Disk full while writing: 503 problems, no corruption, recovery when space returns.
        data = os.path.join(mount, "data")
        os.makedirs(data)
        server = Server("--rate-limit", "off", data=data, files=tempfile.mkdtemp())
        try:
            filler = os.path.join(mount, "filler")
            with open(filler, "wb") as f:
                try:
                    while True:
                        f.write(b"\0" * 65536)
                        f.flush()
                except OSError:
                    pass
            statuses = []
            for i in range(20):
                status, _, body = request(server.port, "POST", "/transfers", {"Authorization": KEY, "Content-Type": "application/json", "Idempotency-Key": f"full-{i}-{'x' * 200}"}, json.dumps({"from": "alice", "to": "bob", "amount": 0.01}).encode())
                statuses.append(status)
            note("disk", "writes on a full disk", f"{statuses.count(503)} × 503, {statuses.count(201)} × 201 of 20")
            check(all(s in (201, 503) for s in statuses), f"disk full: unexpected statuses {set(statuses)}")
            check(healthy(server.port) and request(server.port, "GET", "/users/1")[0] == 200, "disk full: reads stopped")
            os.remove(filler)
            status = request(server.port, "POST", "/transfers", {"Authorization": KEY, "Content-Type": "application/json", "Idempotency-Key": "after-full"}, json.dumps({"from": "alice", "to": "bob", "amount": 0.01}).encode())[0]
            note("disk", "a write once space returns", status)
            check(status == 201, "disk full: no recovery")
            integrity = subprocess.run(["sqlite3", os.path.join(data, "tern-demo.sqlite"), "PRAGMA integrity_check"], capture_output=True, text=True).stdout.strip()
            note("disk", "SQLite integrity check", integrity or "?")
        finally:
            server.stop()
    finally:
        subprocess.run(["umount", mount])


def disconnects():
    print("clients leaving mid-download and mid-body", flush=True)
    server = Server("--rate-limit", "off", "--workers", "1")
    try:
        request(server.port, "GET", "/healthz")
        # The file responder keeps the file's descriptor open for later requests: counted in the baseline.
        request(server.port, "HEAD", "/download/sample-64mib.bin")
        time.sleep(0.3)
        baseline = server.fds()
        for _ in range(50):
            s = connect(server.port)
            s.sendall(b"GET /download/sample-64mib.bin HTTP/1.1\r\nHost: t\r\n\r\n")
            s.recv(4096)
            s.close()
            s = connect(server.port)
            s.sendall(b"POST /users HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"name\":")
            s.close()
        deadline = time.time() + 10
        while server.fds() > baseline and time.time() < deadline:
            time.sleep(0.1)
        note("disconnects", "descriptors baseline / after 100 abandoned exchanges", f"{baseline} / {server.fds()}")
        check(server.fds() <= baseline, "disconnects: descriptors leaked")
        check(healthy(server.port), "disconnects: not serving afterwards")
    finally:
        server.stop()


def upload(port, name, size, block, results, index):
    """PUTs `size` bytes (`block` repeated) as `name`; stores (status, Repr-Digest, sha-256 sent)."""
    digest = hashlib.sha256()
    try:
        s = connect(port, timeout=120)
        s.sendall(f"PUT /download/{name} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Length: {size}\r\n\r\n".encode())
        sent = 0
        while sent < size:
            piece = block[:min(len(block), size - sent)]
            s.sendall(piece)
            digest.update(piece)
            sent += len(piece)
        result = read_response(s)
        s.close()
        headers = result[1] if result else {}
        results[index] = (result[0] if result else None, headers.get("repr-digest"), digest.digest())
    except OSError as error:
        results[index] = (None, str(error), digest.digest())


def intact(result):
    status, repr_digest, sent = result
    return status in (201, 204) and repr_digest == "sha-256=:" + base64.b64encode(sent).decode() + ":"


def peak_rss(server, stop, peaks):
    while not stop.is_set():
        peaks.append(server.rss_kib())
        time.sleep(0.05)


def uploads():
    print("uploads: 100 concurrent of 64 MiB, one of 1 GiB, 1,000 stalled", flush=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20000), hard))
    block = os.urandom(1 << 20)
    server = Server("--rate-limit", "off", "--workers", "2", "--max-upload", "2G")
    try:
        request(server.port, "GET", "/healthz")
        base = server.rss_kib()
        stop, peaks = threading.Event(), []
        sampler = threading.Thread(target=peak_rss, args=(server, stop, peaks))
        sampler.start()
        results = [None] * 100
        started = time.time()
        threads = [threading.Thread(target=upload, args=(server.port, f"up-{i}.bin", 64 << 20, block, results, i)) for i in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
        stop.set()
        sampler.join()
        good = sum(1 for r in results if r and intact(r))
        sizes = sum(1 for i in range(100) if os.path.getsize(os.path.join(server.files, f"up-{i}.bin")) == 64 << 20) if good else 0
        growth = (max(peaks) - base) / 1024
        note("uploads", "100 concurrent uploads of 64 MiB: intact (Repr-Digest = sha-256 sent, size) / time",
             f"{good} / {sizes} of 100 in {elapsed:.1f} s ({100 * 64 / elapsed:.0f} MiB/s)")
        note("uploads", "RSS growth during the 100 uploads (peak)", f"{growth:.1f} MiB")
        check(good == 100 and sizes == 100, "uploads: not every concurrent upload was stored intact")
        check(growth < 64, "uploads: RSS grew by 64 MiB or more during the concurrent uploads")
        for i in range(100):
            os.remove(os.path.join(server.files, f"up-{i}.bin"))

        base = server.rss_kib()
        stop, peaks = threading.Event(), []
        sampler = threading.Thread(target=peak_rss, args=(server, stop, peaks))
        sampler.start()
        results = [None]
        started = time.time()
        upload(server.port, "one-gib.bin", 1 << 30, block, results, 0)
        elapsed = time.time() - started
        stop.set()
        sampler.join()
        growth = (max(peaks) - base) / 1024
        note("uploads", "1 GiB upload: intact / time / RSS growth (peak)",
             f"{intact(results[0])} / {elapsed:.1f} s ({1024 / elapsed:.0f} MiB/s) / {growth:.1f} MiB")
        check(intact(results[0]), "uploads: the 1 GiB upload was not stored intact")
        check(growth < 16, "uploads: RSS grew by 16 MiB or more during the 1 GiB upload")
        os.remove(os.path.join(server.files, "one-gib.bin"))
    finally:
        server.stop()
    # Stalled uploads, with the body timeout shortened so the part takes seconds, not 30.
    server = Server("--rate-limit", "off", "--workers", "2", "--body-timeout", "3")
    stalled = []
    try:
        request(server.port, "GET", "/healthz")
        time.sleep(0.3)
        baseline = server.fds()
        for i in range(1000):
            s = connect(server.port)
            s.sendall(f"PUT /download/stall-{i}.bin HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer demo-key\r\nContent-Length: 1000000\r\n\r\n".encode() + block[:1000])
            stalled.append(s)
        started = time.time()
        answered = 0
        for s in stalled:
            s.settimeout(max(1, 30 - (time.time() - started)))
            try:
                result = read_response(s)
                answered += result is not None and result[0] == 408
            except OSError:
                pass
        for s in stalled:
            s.close()
        stalled = []
        deadline = time.time() + 10
        while server.fds() > baseline and time.time() < deadline:
            time.sleep(0.1)
        leftovers = [f for f in os.listdir(server.files) if f.startswith(".upload-") or f.startswith("stall-")]
        note("uploads", "1,000 stalled uploads: answered 408 / descriptors baseline, after / files left",
             f"{answered} / {baseline}, {server.fds()} / {len(leftovers)}")
        check(answered == 1000, "uploads: not every stalled upload was ended by the body timeout with 408")
        check(server.fds() <= baseline, "uploads: descriptors leaked by stalled uploads")
        check(not leftovers, "uploads: stalled uploads left files behind")
        check(healthy(server.port), "uploads: not serving afterwards")
    finally:
        for s in stalled:
            s.close()
        server.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def report():
    now = datetime.now(timezone.utc)
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown CPU")
    machine = f"{os.cpu_count()} cores ({model}), Linux {os.uname().release}"
    result = "PASS" if not failures else "FAIL: " + "; ".join(failures[:10])
    lines = ["# Reliability results", "",
             "Written by `make reliability` (Reliability/run.py, which says how each part is run).", "",
             f"Measured {now.strftime('%Y-%m-%d %H:%M UTC')} on {machine}; soak {SOAK_SECONDS} s; fuzzing {FUZZ_SECONDS} s per target.", "",
             "| part | figure | value |", "| --- | --- | --- |"]
    lines += [f"| {part} | {figure} | {value} |" for part, figure, value in figures]
    lines += ["", f"Result: {result}"]
    print("\n" + "\n".join(lines))
    if len(sys.argv) > 1:  # only a full run rewrites the results
        print("\n(some parts only: Reliability/RESULTS.md and the README are left as they were)")
        return
    open(os.path.join(HERE, "RESULTS.md"), "w").write("\n".join(lines) + "\n")
    readme = os.path.join(ROOT, "README.md")
    text = open(readme).read()
    start, end = "<!-- reliability:start -->", "<!-- reliability:end -->"
    if start in text and end in text:
        line = f"  The last full run, {now.strftime('%Y-%m-%d')} on {os.cpu_count()} cores: {'every part passed' if not failures else 'FAILED'}."
        text = text[:text.index(start) + len(start)] + "\n" + line + "\n  " + text[text.index(end):]
        open(readme, "w").write(text)
    print("\nwritten to Reliability/RESULTS.md")


PARTS = {"corpus": hostile_corpus, "limit": connection_limit, "disconnects": disconnects, "slowloris": slowloris, "uploads": uploads,
         "idle": idle_connections, "soak": soak, "crash": crash_rounds, "disk": disk_faults, "fuzz": fuzz}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(PARTS)
    for name in chosen:
        try:
            PARTS[name]()
        except Exception as error:  # a part that breaks is a failure, and the others still run
            check(False, f"{name}: {type(error).__name__}: {error}")
    report()
    sys.exit(1 if failures else 0)
