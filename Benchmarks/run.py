#!/usr/bin/env python3
"""`make bench`: Tern against Hummingbird 2, Vapor 4, C evhttp and nginx, side by side.

Each server is pinned to CPU 0 with one thread/worker, wrk to CPU 1. Every round starts
all the servers (idle ones use no CPU) and checks every route of each with curl, then
measures route by route, each server in turn after a warm-up, the order rotating with the
round and the route: the servers compared on a route are measured within about a minute of
each other, so the machine's drift over a round (a fifth on this VM) does not fall on one
server. A measurement during which other processes used more than 15 % of a core is
repeated. Medians over the rounds, with Tern's ratio to each peer, are written to
Benchmarks/RESULTS.md, and a summary to the README; the raw figures to results/<date>.json.
"""
import gzip, hashlib, json, os, random, re, signal, socket, statistics, subprocess, sys, time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
FILES = os.path.join(WORK, "files")
RELEASE = os.path.join(HERE, ".build", "release")
QUICK = os.environ.get("QUICK", "") not in ("", "0")
ROUNDS = 1 if QUICK else 3
DURATION = 5 if QUICK else 10
WARMUP = 1 if QUICK else 2
OTHERS_LIMIT = 0.15
HERTZ = os.sysconf("SC_CLK_TCK")  # the unit of /proc's CPU times
USER_JSON = {"created_at": "2026-01-01T00:00:00Z", "email": "alice@example.com", "id": 1, "name": "Alice", "updated_at": "2026-01-01T00:00:00Z"}
FILE_BYTES = random.Random(42).randbytes(1024 * 1024)
# 64 KiB of CSV for the compressed download: what a text download looks like (gzip makes it
# about a third of its size).
CSV_BYTES = "".join(f"{i},{i * i},{i % 97},row {i:05d}\r\n" for i in range(3000)).encode()[:64 * 1024]

SERVERS = {
    "tern": lambda port: [os.path.join(RELEASE, "TernBench"), "--port", str(port), "--files", FILES],
    "hummingbird": lambda port: [os.path.join(RELEASE, "HummingbirdBench"), "--port", str(port), "--files", FILES],
    "vapor": lambda port: [os.path.join(RELEASE, "VaporBench"), "--port", str(port), "--files", FILES],
    "evhttp": lambda port: [os.path.join(WORK, "evhttp-bench"), str(port), FILES],
    "nginx": lambda port: ["nginx", "-p", WORK, "-c", nginx_config(port)],
}
# name, path, extra headers (ETAG is replaced by the server's own tag), connections, expected status
ROUTES = [
    ("GET /plaintext", "/plaintext", [], 64, 200),
    ("GET /users/1", "/users/1", [], 64, 200),
    ("GET /users/1 (304)", "/users/1", ["If-None-Match: ETAG"], 64, 304),
    ("GET 1 MiB file", "/files/1mb.bin", [], 16, 200),
    ("GET 1 KiB range", "/files/1mb.bin", ["Range: bytes=0-1023"], 16, 206),
    ("GET 64 KiB CSV, gzip", "/gzip/table.csv", ["Accept-Encoding: gzip"], 16, 200),
]
# Routes only some servers have: the compressed download against nginx's gzip_static, which
# serves the copy `prepare` made (Tern makes its own on the first request).
ROUTE_SERVERS = {"GET 64 KiB CSV, gzip": {"tern", "nginx"}}


def serves(server, route):
    return server in ROUTE_SERVERS.get(route[0], SERVERS)


def prepare():
    os.makedirs(FILES, exist_ok=True)
    with open(os.path.join(FILES, "1mb.bin"), "wb") as f:
        f.write(FILE_BYTES)
    with open(os.path.join(FILES, "table.csv"), "wb") as f:
        f.write(CSV_BYTES)
    subprocess.run(["gzip", "-6", "-k", "-f", "-n", os.path.join(FILES, "table.csv")], check=True)
    with open(os.path.join(WORK, "users-1.json"), "w") as f:
        f.write(json.dumps(USER_JSON, separators=(",", ":"), sort_keys=True))


def nginx_config(port):
    path = os.path.join(WORK, "nginx.conf")
    with open(path, "w") as f:
        f.write(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {WORK}/nginx.pid;
error_log {WORK}/nginx-error.log error;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush off;
    tcp_nodelay on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    client_body_temp_path {WORK}/nginx-body; proxy_temp_path {WORK}/nginx-proxy;
    fastcgi_temp_path {WORK}/nginx-fastcgi; uwsgi_temp_path {WORK}/nginx-uwsgi; scgi_temp_path {WORK}/nginx-scgi;
    server {{
        listen 127.0.0.1:{port} reuseport;
        location = /plaintext {{ default_type text/plain; return 200 "Hello, World!"; }}
        location = /users/1 {{ default_type application/json; alias {WORK}/users-1.json;
            add_header Cache-Control "private, max-age=0, must-revalidate"; }}
        location /files/ {{ alias {FILES}/; default_type application/octet-stream; }}
        location /gzip/ {{ alias {FILES}/; gzip_static on; types {{ text/csv csv; }} add_header Vary Accept-Encoding; }}
    }}
}}
""")
    return path


def wait_ready(port, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port} after {seconds} s")


def curl(port, path, headers, extra=()):
    """Status, fields (lower-case names) and body of one request; `extra`: more curl options."""
    body_path = os.path.join(WORK, "body")
    if os.path.exists(body_path):
        os.remove(body_path)  # curl writes no file for an empty body
    command = ["curl", "-s", "-D", "-", "-o", body_path, *extra, f"http://127.0.0.1:{port}{path}"]
    for header in headers:
        command += ["-H", header]
    head = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    status = int(head.split()[1])
    fields = {}
    for line in head.splitlines()[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            fields[name.strip().lower()] = value.strip()
    if not os.path.exists(body_path):
        return status, fields, b""
    with open(body_path, "rb") as f:
        return status, fields, f.read()


def check(server, port):
    """Every route answers correctly before anything is measured; returns the user's ETag."""
    status, fields, body = curl(port, "/plaintext", [])
    assert status == 200 and body == b"Hello, World!", f"{server} /plaintext: {status} {body[:60]!r}"
    status, fields, body = curl(port, "/users/1", [])
    assert status == 200 and json.loads(body) == USER_JSON, f"{server} /users/1: {status} {body[:80]!r}"
    for name in ("etag", "last-modified"):
        assert name in fields, f"{server} /users/1 has no {name}"
    etag = fields["etag"]
    status, _, body = curl(port, "/users/1", [f"If-None-Match: {etag}"])
    assert status == 304 and body == b"", f"{server} /users/1 304: {status}"
    status, _, body = curl(port, "/files/1mb.bin", [])
    assert status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(FILE_BYTES).digest(), f"{server} file: {status} {len(body)}"
    status, fields, body = curl(port, "/files/1mb.bin", ["Range: bytes=0-1023"])
    assert status == 206 and body == FILE_BYTES[:1024], f"{server} range: {status} {len(body)}"
    assert fields.get("content-range") == "bytes 0-1023/1048576", f"{server} Content-Range: {fields.get('content-range')}"
    if serves(server, ROUTES[-1]):
        status, fields, body = curl(port, "/gzip/table.csv", ["Accept-Encoding: gzip"])
        assert status == 200 and fields.get("content-encoding") == "gzip", f"{server} gzip: {status} {fields.get('content-encoding')}"
        assert gzip.decompress(body) == CSV_BYTES, f"{server} gzip: the body is not the file"
    return etag


def busy_jiffies():
    busy = 0
    with open("/proc/stat") as f:
        for line in f:
            if re.match(r"cpu\d", line):
                values = list(map(int, line.split()[1:]))
                busy += sum(values) - values[3] - values[4]  # all but idle and iowait
    return busy


def process_jiffies(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except FileNotFoundError:
            pass
    return total


def server_pids(root_pid):
    pids = [root_pid]
    children = subprocess.run(["pgrep", "-P", str(root_pid)], capture_output=True, text=True).stdout.split()
    return pids + [int(child) for child in children]


def memory_kib(pids, field):
    """The largest `field` (VmHWM: peak RSS; RssAnon: private memory now) among `pids`."""
    largest = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        largest = max(largest, int(line.split()[1]))
        except FileNotFoundError:
            pass
    return largest


def seconds(text, output):
    match = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if not match:
        raise RuntimeError(f"cannot read the latency {text!r} in wrk's output:\n{output}")
    number, unit = match.groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def warm_up(port, path, headers, connections):
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{WARMUP}s"]
    for header in headers:
        command += ["-H", header]
    # A failed warm-up (wrk exits 1 when a socket error ends its run early) is reported, not
    # fatal: the measured run that follows shows whether the server still answers.
    done = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"    warm-up of {path} ended with status {done.returncode}: {(done.stderr or done.stdout).strip()[-200:]}", flush=True)


def wrk(port, path, headers, connections, duration, script=None):
    process = start_wrk(port, path, headers, connections, duration, script)
    return wrk_result(process)


def start_wrk(port, path, headers, connections, duration, script=None):
    command = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    command.append(f"http://127.0.0.1:{port}{path}")
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def wrk_result(process):
    output = process.stdout.read()
    _, _, usage = os.wait4(process.pid, 0)
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        # The latency distribution's own lines, not a "99%" in the thread statistics.
        "p50": seconds(re.search(r"^\s+50%\s+(\S+)\s*$", output, re.M).group(1), output),
        "p99": seconds(re.search(r"^\s+99%\s+(\S+)\s*$", output, re.M).group(1), output),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "bad": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0,
        "errors": sum(map(int, m.groups())) if (m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)) else 0,
        "wrk_cpu": usage.ru_utime + usage.ru_stime,
    }
    return result


def measure(server, pid, port, route, etag):
    name, path, headers, connections, _ = route
    headers = [h.replace("ETAG", etag) for h in headers]
    warm_up(port, path, headers, connections)
    for attempt in range(3):
        pids = server_pids(pid)
        busy_before, server_before, started = busy_jiffies(), process_jiffies(pids), time.time()
        result = wrk(port, path, headers, connections, DURATION)
        elapsed = time.time() - started
        server_cpu = (process_jiffies(pids) - server_before) / HERTZ
        total_cpu = (busy_jiffies() - busy_before) / HERTZ
        result["server_cpu"] = server_cpu / elapsed
        result["wrk_cpu"] = result["wrk_cpu"] / elapsed
        result["others"] = max(0.0, total_cpu / elapsed - result["server_cpu"] - result["wrk_cpu"])
        result["cpu_us_per_request"] = server_cpu / max(result["requests"], 1) * 1e6
        if result["others"] <= OTHERS_LIMIT:
            break
        print(f"    others used {result['others']:.2f} of a core; repeating", flush=True)
    return result


def launch(command, port, check_ready, output=subprocess.DEVNULL):
    """`command` pinned to CPU 0, listening on `port` and passing `check_ready()`; returns its
    process and what the check returned. Stopped again when it does not get that far."""
    process = subprocess.Popen(["taskset", "-c", "0"] + command, stdout=output, stderr=output)
    try:
        wait_ready(port)
        return process, check_ready()
    except BaseException:
        stop_server(process)
        raise


def start_server(server, port):
    """The server pinned to CPU 0, answering; returns its process and the ETag of /users/1."""
    return launch(SERVERS[server](port), port, lambda: check(server, port))


def stop_server(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def rotated(items, places):
    """`items` turned left by `places`: the order of a round, or of a route within it."""
    places %= len(items)
    return items[places:] + items[:places]


def run_round(order, first_port, results):
    """One round: every server started, then each route measured on each server in turn,
    the order rotated by one more place for each route; peak and private memory read from
    each server once all its routes have run."""
    running = {}
    try:
        for offset, server in enumerate(order):
            port = first_port + offset
            running[server] = (port,) + start_server(server, port)
        for route_index, route in enumerate(ROUTES):
            for server in rotated(order, route_index):
                if not serves(server, route):
                    continue
                port, process, etag = running[server]
                if process.poll() is not None:
                    raise RuntimeError(f"{server} exited (status {process.returncode}) before {route[0]}")
                result = measure(server, process.pid, port, route, etag)
                results.setdefault((server, route[0]), []).append(result)
                print(f"  {server:12} {route[0]:20} {result['rps']:>10.0f} req/s  p50 {result['p50']*1e3:6.2f} ms  "
                      f"p99 {result['p99']*1e3:6.2f} ms  server {result['server_cpu']:.2f} wrk {result['wrk_cpu']:.2f} "
                      f"others {result['others']:.2f} core  bad {result['bad']}", flush=True)
        for server, (_, process, _) in running.items():
            pids = server_pids(process.pid)
            rss, private = memory_kib(pids, "VmHWM"), memory_kib(pids, "RssAnon")
            for route in (route for route in ROUTES if serves(server, route)):
                results[(server, route[0])][-1]["rss_kib"] = rss
                results[(server, route[0])][-1]["private_kib"] = private
    finally:
        for _, process, _ in running.values():
            stop_server(process)


TRANSFERS_SCRIPT = os.path.join(HERE, "wrk", "transfers.lua")


def with_server_cpu(pid, run):
    """`run()`'s wrk results, each given the cores the server (all its threads) used
    meanwhile, and, when it is the only load, the server's CPU time per request."""
    pids = server_pids(pid)
    before, started = process_jiffies(pids), time.time()
    results = run()
    cores = (process_jiffies(pids) - before) / HERTZ / (time.time() - started)
    for result in results:
        result["server_cores"] = cores
        result["cpu_us_per_request"] = cores * 1e6 / result["rps"] if len(results) == 1 else None
    return results


def demo_writes():
    """tern-demo's POST /transfers with unique keys (wrk Lua), alone and together with
    GET /users/1, pinned like the rest: writes go through SQLite (WAL, synchronous=FULL)."""
    data = os.path.join(WORK, "demo-data")
    subprocess.run(["rm", "-rf", data], check=True)
    port = 18999
    command = ["taskset", "-c", "0", os.path.join(ROOT, ".build", "release", "tern-demo"), "--port", str(port),
               "--workers", "1", "--rate-limit", "off", "--data-dir", data, "--files-dir", FILES]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    try:
        wait_ready(port)
        warm_up_process = start_wrk(port, "", [], 16, WARMUP, TRANSFERS_SCRIPT)
        wrk_result(warm_up_process)
        alone = with_server_cpu(process.pid, lambda: [wrk(port, "", [], 16, DURATION, TRANSFERS_SCRIPT)])
        rows.append(("POST /transfers, unique keys", "alone", alone[0]))

        def together():
            writes = start_wrk(port, "", [], 16, DURATION, TRANSFERS_SCRIPT)
            reads = wrk(port, "/users/1", [], 16, DURATION)
            return [wrk_result(writes), reads]
        writes, reads = with_server_cpu(process.pid, together)
        rows.append(("POST /transfers, unique keys", "with reads", writes))
        rows.append(("GET /users/1", "during the writes", reads))
        rows.append(("GET /users/1", "alone", with_server_cpu(process.pid, lambda: [wrk(port, "/users/1", [], 16, DURATION)])[0]))
    finally:
        stop_server(process)
    for name, when, result in rows:
        print(f"  tern-demo    {name:30} {when:18} {result['rps']:>8.0f} req/s  p99 {result['p99']*1e3:6.2f} ms  "
              f"server {result['server_cores']:.2f} core  bad {result['bad']}", flush=True)
    return rows


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown CPU")
    return f"{os.cpu_count()} cores ({model}), Linux {os.uname().release}"


def report(results, servers, writes, postgres, shipped, uploads):
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    lines = [f"Measured {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} on {machine()}; "
             f"{ROUNDS} round(s), medians; server pinned to CPU 0 (one thread or worker), "
             f"`wrk -t1 --latency` pinned to CPU 1 for {DURATION} s after a {WARMUP} s warm-up, "
             f"64 connections (16 for files). The Swift servers are built with "
             f"`--static-swift-stdlib`. Peak RSS is VmHWM (the binary's and shared libraries' pages included); private is RssAnon after the run; CPU µs/req is the "
             f"server's CPU time per request.", ""]
    lines.append("| route | server | req/s | p50 | p99 | peak RSS | private | CPU µs/req | cores: server/wrk/others | non-2xx/3xx | Tern ÷ server |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for route in ROUTES:
        tern_runs = results.get(("tern", route[0]))
        tern = statistics.median(r["rps"] for r in tern_runs) if tern_runs else None
        for server in servers:
            runs = results.get((server, route[0]))
            if not runs:
                continue
            rps = statistics.median(r["rps"] for r in runs)
            p50 = statistics.median(r["p50"] for r in runs) * 1e3
            p99 = statistics.median(r["p99"] for r in runs) * 1e3
            rss = max(r.get("rss_kib", 0) for r in runs) / 1024
            private = max(r.get("private_kib", 0) for r in runs) / 1024
            cpu = statistics.median(r["cpu_us_per_request"] for r in runs)
            cores = "/".join(f"{statistics.median(r[key] for r in runs):.2f}" for key in ("server_cpu", "wrk_cpu", "others"))
            bad = sum(r["bad"] + r["errors"] for r in runs)
            ratio = "—" if server == "tern" or tern is None else f"{tern / rps:.2f}×"
            lines.append(f"| {route[0]} | {server} | {rps:,.0f} | {p50:.2f} ms | {p99:.2f} ms | {rss:.1f} MiB | {private:.1f} MiB | {cpu:.1f} | {cores} | {bad} | {ratio} |")
    if writes:
        lines += ["", "Writes: `tern-demo` (SQLite in WAL mode, `synchronous=FULL`: each 201 follows a durable commit), "
                  "`--workers 1`, pinned as above, 16 connections per wrk; `POST /transfers` from "
                  "`Benchmarks/wrk/transfers.lua` (a new `Idempotency-Key` per request). Server cores: the CPU all the server's "
                  "threads (GRDB's included) used during the run; CPU µs/req: that over the requests, where the route was the only load.", "",
                  "| route | when | req/s | p50 | p99 | server cores | CPU µs/req | non-2xx/3xx |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for name, when, result in writes:
            cpu = "—" if result["cpu_us_per_request"] is None else f"{result['cpu_us_per_request']:.1f}"
            lines.append(f"| {name} | {when} | {result['rps']:,.0f} | {result['p50']*1e3:.2f} ms | {result['p99']*1e3:.2f} ms | "
                         f"{result['server_cores']:.2f} | {cpu} | {result['bad'] + result['errors']} |")
    raw = [{"server": server, "route": route, "runs": runs} for (server, route), runs in results.items()]
    if shipped:
        import shipped_bench
        lines += ["", shipped_bench.report(shipped)]
        raw += [{"server": server, "route": route, "runs": runs, "part": "shipped"} for (server, route), runs in shipped.items()]
    if uploads:
        import upload_bench
        lines += ["", upload_bench.report(uploads)]
        raw += [{"server": server, "runs": runs, "part": "uploads"} for server, runs in uploads.items()]
    if postgres:
        import postgres_bench
        lines += ["", postgres_bench.report(postgres)]
        raw += [dict(entry, part="postgres") for entry in postgres_bench.raw(postgres)]
    table = "\n".join(lines)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", f"{date}{'-quick' if QUICK else ''}.json"), "w") as f:
        json.dump(raw, f, indent=1)
    if QUICK:
        print("\n" + table + "\n\n(QUICK: Benchmarks/RESULTS.md and the README are left as they were)")
        return
    with open(os.path.join(HERE, "RESULTS.md"), "w") as f:
        f.write("# Benchmark results\n\nWritten by `make bench` (Benchmarks/run.py), which says how each figure is "
                "taken; the raw figures of each run are in `Benchmarks/results/`.\n\n" + table + "\n")
    readme = os.path.join(ROOT, "README.md")
    text = open(readme).read()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        text = text[:text.index(start) + len(start)] + "\n" + summary(results, servers, date) + "\n" + text[text.index(end):]
        open(readme, "w").write(text)
    print("\n" + table + "\n\nwritten to Benchmarks/RESULTS.md and the README")


def summary(results, servers, date):
    """The README's table: Tern's requests per second on each route and its ratio to each peer."""
    peers = [server for server in servers if server != "tern"]
    lines = [f"| route ({date}) | Tern req/s | " + " | ".join(f"÷ {peer}" for peer in peers) + " |",
             "| --- | ---: | " + " | ".join("---:" for _ in peers) + " |"]
    for route in ROUTES:
        tern_runs = results.get(("tern", route[0]))
        if not tern_runs:
            continue
        tern = statistics.median(r["rps"] for r in tern_runs)
        ratios = []
        for peer in peers:
            runs = results.get((peer, route[0]))
            ratios.append(f"{tern / statistics.median(r['rps'] for r in runs):.2f}×" if runs else "—")
        lines.append(f"| {route[0]} | {tern:,.0f} | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


def main():
    if "--prepare" in sys.argv:  # the sample files only, for Benchmarks/instructions
        prepare()
        return
    servers = [s for s in SERVERS if s in (os.environ.get("SERVERS") or " ".join(SERVERS)).split()]
    prepare()
    results = {}
    for round_index in range(ROUNDS if servers else 0):
        order = rotated(servers, round_index)
        print(f"round {round_index + 1} of {ROUNDS}: {', '.join(order)}, each route's turn rotated one further", flush=True)
        run_round(order, 18081 + round_index * len(servers), results)
    shipped = {}
    if "shipped" in (os.environ.get("SERVERS") or "shipped").split():
        import shipped_bench
        shipped = shipped_bench.run()
    uploads = {}
    if "uploads" in (os.environ.get("SERVERS") or "uploads").split():
        import upload_bench
        uploads = upload_bench.run()
    writes = [] if QUICK or "tern" not in servers else demo_writes()
    postgres = {}
    if "postgres" in (os.environ.get("SERVERS") or "postgres").split():
        import postgres_bench
        postgres = postgres_bench.run()
    report(results, servers, writes, postgres, shipped, uploads)
    bad = (sum(r["bad"] + r["errors"] for runs in results.values() for r in runs) + sum(r["bad"] + r["errors"] for _, _, r in writes)
           + (postgres_bench.failures(postgres) if postgres else 0) + (shipped_bench.failures(shipped) if shipped else 0)
           + (upload_bench.failures(uploads) if uploads else 0))
    if bad:
        print(f"{bad} non-2xx/3xx responses or socket errors: the figures are not valid", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
