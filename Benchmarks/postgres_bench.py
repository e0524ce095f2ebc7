"""`make bench`, PostgreSQL part: tern-demo on PostgreSQL beside Hummingbird 2 + PostgresNIO
doing the same work, beside pgbench running the same SQL transaction, then three tern-demo
instances behind HAProxy, with the CPU each tier (instances, HAProxy, PostgreSQL) spends per
request, and the capacity model those figures give.

PostgreSQL is Debian's, started by Cluster/cluster.sh in Benchmarks/work/cluster (fresh each
run, `synchronous_commit` on: a 201 follows a durable commit). Side by side, the HTTP server is
pinned to CPU 0 and PostgreSQL with wrk (or pgbench) to CPU 1; in the cluster nothing is
pinned, and only the CPU per request is read from it.
"""
import json, os, re, selectors, socket, statistics, subprocess, threading, time

import run as bench

CLUSTER = os.path.join(bench.ROOT, "Cluster", "cluster.sh")
DATA = os.path.join(bench.WORK, "cluster")
STATE = os.path.join(DATA, "cluster")
DEMO = os.path.join(bench.ROOT, ".build", "release", "tern-demo")
PEER = os.path.join(bench.RELEASE, "HummingbirdPostgresBench")
PGBENCH_SCRIPT = os.path.join(bench.HERE, "postgres", "transfer.sql")
HAPROXY_PORT = 18990
# The peer's pool: one connection per wrk connection, so no request waits for one (PostgresNIO
# runs one query at a time per connection; Tern pipelines its two per loop).
PEER_CONNECTIONS = 16
WRITE_CONNECTIONS = 16
# pgbench's client counts: as many as wrk's connections, and as many as tern-demo's one loop
# opens to PostgreSQL (PostgresConfiguration.connectionsPerLoop): with every transfer locking
# the same two rows, fewer clients wait less on each other, and give the higher ceiling.
PGBENCH_CLIENTS = (WRITE_CONNECTIONS, 2)
ROUTES = [
    # name, path, headers (ETAG: the server's tag), connections, wrk script
    ("GET /users/1", "/users/1", [], 64, None),
    ("GET /users/1 (304)", "/users/1", ["If-None-Match: ETAG"], 64, None),
    ("POST /transfers", "", [], WRITE_CONNECTIONS, bench.TRANSFERS_SCRIPT),
]
TRANSFER = ["-H", "Authorization: Bearer demo-key", "-H", "Content-Type: application/json",
            "-d", '{"from":"alice","to":"bob","amount":0.01}']


def cluster(*arguments, instances_flags=""):
    environment = dict(os.environ, CLUSTER_DATA=DATA, HAPROXY_PORT=str(HAPROXY_PORT), DEMO_FLAGS=instances_flags)
    subprocess.run([CLUSTER, *arguments], check=True, env=environment, stdout=subprocess.DEVNULL)


def pid_of(name):
    with open(os.path.join(STATE, f"{name}.pid")) as f:
        return int(f.read())


def database_url():
    with open(os.path.join(STATE, "postgres.port")) as f:
        return f"postgresql://tern@127.0.0.1:{f.read().strip()}/tern"


def family(root_pid):
    """`root_pid` and its children (PostgreSQL's backends)."""
    children = subprocess.run(["pgrep", "-P", str(root_pid)], capture_output=True, text=True).stdout.split()
    return [root_pid] + [int(child) for child in children]


def pin(root_pid, cpus):
    for pid in family(root_pid):
        subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def jiffies(pids):
    counts = {}
    for pid in pids:
        counts[pid] = bench.process_jiffies([pid])
    return counts


class Tiers:
    """CPU seconds each tier's processes (and their children, counted from when they appear)
    spend between `__init__` and `seconds()`."""

    def __init__(self, tiers):
        self.tiers = tiers  # name -> list of root pids
        self.before = {name: jiffies(self.pids(name)) for name in tiers}
        self.started = time.time()

    def pids(self, name):
        return [pid for root in self.tiers[name] for pid in family(root)]

    def seconds(self):
        elapsed = time.time() - self.started
        used = {}
        for name in self.tiers:
            after = jiffies(self.pids(name))
            used[name] = sum(count - self.before[name].get(pid, 0) for pid, count in after.items()) / bench.HERTZ
        return used, elapsed


def curl(port, path, extra=()):
    status, fields, _ = bench.curl(port, path, [], extra)
    return status, fields


def check(server, port):
    """GET /users/1 with its tag, its 304, and a transfer that replays: returns the tag."""
    status, fields = curl(port, "/users/1")
    assert status == 200 and "etag" in fields and "last-modified" in fields, f"{server} GET /users/1: {status} {fields}"
    etag = fields["etag"]
    status, _ = curl(port, "/users/1", ["-H", f"If-None-Match: {etag}"])
    assert status == 304, f"{server} GET /users/1 with its tag: {status}"
    key = f"check-{server}-{time.time_ns()}"
    first, _ = curl(port, "/transfers", ["-X", "POST", "-H", f"Idempotency-Key: {key}", *TRANSFER])
    again, _ = curl(port, "/transfers", ["-X", "POST", "-H", f"Idempotency-Key: {key}", *TRANSFER])
    assert first == 201 and again == 201, f"{server} POST /transfers and its replay: {first}, {again}"
    return etag


def measure(port, route, etag, tiers):
    name, path, headers, connections, script = route
    headers = [header.replace("ETAG", etag) for header in headers]
    if script:
        bench.wrk_result(bench.start_wrk(port, path, headers, connections, bench.WARMUP, script))
    else:
        bench.warm_up(port, path, headers, connections)
    meter = Tiers(tiers)
    result = bench.wrk(port, path, headers, connections, bench.DURATION, script)
    used, elapsed = meter.seconds()
    result["tiers"] = {tier: {"cores": seconds / elapsed, "us": seconds / max(result["requests"], 1) * 1e6}
                       for tier, seconds in used.items()}
    return result


def start_http(server, port):
    if server == "tern":
        command = [DEMO, "--port", str(port), "--workers", "1", "--rate-limit", "off", "--database-url", database_url(),
                   "--data-dir", os.path.join(bench.WORK, "demo-pg"), "--files-dir", bench.FILES]
    else:
        command = [PEER, "--port", str(port), "--database-url", database_url(), "--connections", str(PEER_CONNECTIONS)]
    return bench.launch(command, port, lambda: check(server, port))


def pgbench(clients):
    """The transfer's SQL from pgbench (pinned to CPU 0 in the HTTP server's place): the
    database's own ceiling for this transaction with `clients` connections."""
    port = database_url().rsplit(":", 1)[1].split("/")[0]
    command = ["taskset", "-c", "0", "pgbench", "-h", "127.0.0.1", "-p", port, "-U", "tern", "-n", "-M", "prepared",
               "-c", str(clients), "-j", "1", "-T", str(bench.DURATION), "-f", PGBENCH_SCRIPT, "tern"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", output).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", output).group(1))
    failed = int(m.group(1)) if (m := re.search(r"number of failed transactions: (\d+)", output)) else 0
    return {"rps": tps, "latency_ms": latency, "failed": failed}


def side_by_side(results):
    """One instance (tern-demo, one loop) and the Hummingbird peer, round after round, the
    order rotating; pgbench after each round's transfers."""
    cluster("postgres")
    postgres = pid_of("postgres")
    pin(postgres, "1")
    servers = ["tern", "hummingbird+postgresnio"]
    events_cost(results)
    for round_index in range(bench.ROUNDS):
        order = bench.rotated(servers, round_index)
        print(f"PostgreSQL round {round_index + 1} of {bench.ROUNDS}: {', '.join(order)}", flush=True)
        running = {}
        try:
            for offset, server in enumerate(order):  # tern-demo first in every round: it migrates
                port = 18970 + offset
                running[server] = (port,) + start_http(server, port)
            for route_index, route in enumerate(ROUTES):
                for server in bench.rotated(order, route_index):
                    port, process, etag = running[server]
                    result = measure(port, route, etag, {"server": [process.pid], "postgres": [postgres]})
                    results.setdefault((server, route[0]), []).append(result)
                    print(f"  {server:24} {route[0]:20} {result['rps']:>9.0f} req/s  p99 {result['p99']*1e3:6.2f} ms  "
                          f"server {result['tiers']['server']['us']:7.1f} µs  postgres {result['tiers']['postgres']['us']:7.1f} µs/req  "
                          f"bad {result['bad'] + result['errors']}", flush=True)
        finally:
            for _, process, _ in running.values():
                bench.stop_server(process)
        for clients in PGBENCH_CLIENTS:
            result = pgbench(clients)
            results.setdefault((f"pgbench, {clients} clients", "POST /transfers"), []).append(result)
            print(f"  {f'pgbench, {clients} clients':24} {'transfer SQL':20} {result['rps']:>9.0f} tx/s   "
                  f"latency {result['latency_ms']:.2f} ms  failed {result['failed']}", flush=True)
    pin(postgres, "0-1")


class Subscribers:
    """`count` clients of GET /transfers/events, read by one thread that keeps up with them;
    `events` counts the transfer events they received."""

    def __init__(self, port, count):
        self.sockets = []
        for _ in range(count):
            connection = socket.create_connection(("127.0.0.1", port))
            connection.sendall(b"GET /transfers/events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n")
            connection.setblocking(False)
            self.sockets.append(connection)
        self.events = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.read)
        self.thread.start()

    def read(self):
        selector = selectors.DefaultSelector()
        for connection in self.sockets:
            selector.register(connection, selectors.EVENT_READ)
        while not self.stopping.is_set():
            for key, _ in selector.select(timeout=0.1):
                try:
                    data = key.fileobj.recv(1 << 16)
                except BlockingIOError:
                    continue
                self.events += data.count(b"event: transfer")
                if not data:
                    selector.unregister(key.fileobj)

    def close(self):
        self.stopping.set()
        self.thread.join()
        for connection in self.sockets:
            connection.close()


def events_cost(results):
    """What GET /transfers/events costs: one instance's poll of new transfer ids while one
    client subscribes and nothing is written, and transfers with and without 100 subscribers."""
    postgres = pid_of("postgres")
    process, _ = start_http("tern", 18979)
    tiers = {"server": [process.pid], "postgres": [postgres]}
    try:
        def idle(subscribers):
            clients = Subscribers(18979, subscribers)
            time.sleep(1)
            meter = Tiers(tiers)
            time.sleep(bench.DURATION)
            used, elapsed = meter.seconds()
            clients.close()
            return {"rps": 0.0, "events": 0.0, "tiers": {tier: {"cores": seconds / elapsed} for tier, seconds in used.items()}}

        def writes(subscribers):
            clients = Subscribers(18979, subscribers)
            bench.wrk_result(bench.start_wrk(18979, "", [], WRITE_CONNECTIONS, bench.WARMUP, bench.TRANSFERS_SCRIPT))
            before, meter = clients.events, Tiers(tiers)
            result = bench.wrk(18979, "", [], WRITE_CONNECTIONS, bench.DURATION, bench.TRANSFERS_SCRIPT)
            used, elapsed = meter.seconds()
            result["events"] = (clients.events - before) / elapsed
            result["tiers"] = {tier: {"cores": seconds / elapsed} for tier, seconds in used.items()}
            clients.close()
            return result

        for case, run in (("idle, no subscriber", lambda: idle(0)), ("idle, 1 subscriber", lambda: idle(1)),
                          ("POST /transfers, no subscriber", lambda: writes(0)),
                          ("POST /transfers, 100 subscribers", lambda: writes(100))):
            result = run()
            results.setdefault(("events", case), []).append(result)
            print(f"  events: {case:34} {result['rps']:>7.0f} transfers/s  server {result['tiers']['server']['cores']:.3f} core  "
                  f"postgres {result['tiers']['postgres']['cores']:.3f} core  {result['events']:,.0f} events/s", flush=True)
    finally:
        bench.stop_server(process)


def three_instances(results):
    """Three tern-demo instances (one loop each) behind HAProxy: CPU per request by tier."""
    cluster("start", "3", instances_flags="--workers 1 --rate-limit off")
    try:
        tiers = {"instances": [pid_of(f"instance-{index}") for index in (1, 2, 3)],
                 "haproxy": [pid_of("haproxy")], "postgres": [pid_of("postgres")]}
        _, fields = curl(HAPROXY_PORT, "/users/1")
        for route in ROUTES:
            result = measure(HAPROXY_PORT, route, fields["etag"], tiers)
            results.setdefault(("3 instances + HAProxy", route[0]), []).append(result)
            print(f"  3 instances + HAProxy   {route[0]:20} {result['rps']:>9.0f} req/s  "
                  + "  ".join(f"{tier} {figures['us']:.1f} µs" for tier, figures in result["tiers"].items()), flush=True)
    finally:
        cluster("stop")


def run():
    subprocess.run(["rm", "-rf", DATA, os.path.join(bench.WORK, "demo-pg")], check=True)
    results = {}
    try:
        side_by_side(results)
        three_instances(results)
    finally:
        cluster("stop")
    return results


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def tier_us(runs, tier):
    return statistics.median(run["tiers"][tier]["us"] for run in runs)


def report(results):
    """The PostgreSQL section of Benchmarks/RESULTS.md."""
    lines = ["## On PostgreSQL", "",
             f"One instance: `tern-demo --workers 1 --rate-limit off --database-url ...` (its access log on, as shipped) "
             f"beside `HummingbirdPostgresBench` (Hummingbird 2 + PostgresNIO, one event-loop thread, a pool of "
             f"{PEER_CONNECTIONS} connections; the same queries and transaction), the HTTP server pinned to CPU 0, "
             f"PostgreSQL 15 (Debian, `synchronous_commit` on) and wrk pinned to CPU 1; {bench.ROUNDS} round(s), medians. "
             f"`POST /transfers` alternates alice → bob and bob → alice with a new `Idempotency-Key` each, "
             f"{WRITE_CONNECTIONS} connections: every transfer locks the same two rows, so they commit one after another. "
             f"pgbench runs the same SQL transaction (`Benchmarks/postgres/transfer.sql`, prepared) with as many "
             f"clients as wrk has connections, and with as many as tern-demo's loop has connections to PostgreSQL "
             f"(2), pinned in the HTTP server's place: the database's ceiling for it here, the higher of the two. "
             f"CPU µs/req: CPU time of each tier over the requests.", "",
             "| route | server | req/s | p50 | p99 | server µs/req | PostgreSQL µs/req | non-2xx/3xx | Tern ÷ server |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for route in ROUTES:
        tern = median(results[("tern", route[0])], "rps")
        for server in ("tern", "hummingbird+postgresnio"):
            runs = results[(server, route[0])]
            rps = median(runs, "rps")
            ratio = "—" if server == "tern" else f"{tern / rps:.2f}×"
            bad = sum(run["bad"] + run["errors"] for run in runs)
            lines.append(f"| {route[0]} | {server} | {rps:,.0f} | {median(runs, 'p50')*1e3:.2f} ms | {median(runs, 'p99')*1e3:.2f} ms | "
                         f"{tier_us(runs, 'server'):.1f} | {tier_us(runs, 'postgres'):.1f} | {bad} | {ratio} |")
        if route[0] == "POST /transfers":
            for clients in PGBENCH_CLIENTS:
                runs = results[(f"pgbench, {clients} clients", route[0])]
                rps = median(runs, "rps")
                lines.append(f"| {route[0]} | pgbench, same SQL, {clients} clients | {rps:,.0f} | {median(runs, 'latency_ms'):.2f} ms (mean) | — | — | — | "
                             f"{sum(run['failed'] for run in runs)} | {tern / rps:.2f}× |")
    lines += ["", "### Transfer events", "",
              "What `GET /transfers/events` costs on PostgreSQL: while anyone subscribes, each instance polls for new "
              "transfer ids every 200 ms (one statement; the write path sends nothing). One instance as above; "
              "the subscribers read every event.", "",
              "| case | transfers/s | instance cores | PostgreSQL cores | events delivered/s |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for case in ("idle, no subscriber", "idle, 1 subscriber", "POST /transfers, no subscriber", "POST /transfers, 100 subscribers"):
        runs = results[("events", case)]
        lines.append(f"| {case} | {median(runs, 'rps'):,.0f} | {statistics.median(run['tiers']['server']['cores'] for run in runs):.3f} | "
                     f"{statistics.median(run['tiers']['postgres']['cores'] for run in runs):.3f} | {median(runs, 'events'):,.0f} |")
    lines += ["", "Three instances (one loop each) behind HAProxy (`make cluster`'s configuration), nothing pinned: "
              "the 2 cores are shared by every process, so the rate says little; the CPU each tier spends per request "
              "is what the capacity model uses.", "",
              "| route | req/s | instances µs/req | HAProxy µs/req | PostgreSQL µs/req | non-2xx/3xx |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for route in ROUTES:
        runs = results[("3 instances + HAProxy", route[0])]
        lines.append(f"| {route[0]} | {median(runs, 'rps'):,.0f} | {tier_us(runs, 'instances'):.1f} | {tier_us(runs, 'haproxy'):.1f} | "
                     f"{tier_us(runs, 'postgres'):.1f} | {sum(run['bad'] + run['errors'] for run in runs)} |")
    lines += ["", "### Capacity model", "",
              "An instance is one loop: one core at most. For a route whose instance, HAProxy and PostgreSQL tiers spend "
              "*a*, *h* and *p* CPU µs per request (three instances, above), a PostgreSQL of N cores serves N/*p* requests "
              "per second if its work spreads over its cores (reads do), which keeps N·*a*/*p* busy instances fed; "
              "an HAProxy of N cores, N·*a*/*h*. Transfers between the same two accounts do not spread: their row locks "
              "commit them one at a time, so pgbench's rate above is their ceiling whatever N, and "
              "ceiling × *a* (µs → s) instances reach it.", "",
              "| route | instances per PostgreSQL core | instances per HAProxy core | N = 8: PostgreSQL limits at | N = 8: HAProxy limits at |",
              "| --- | ---: | ---: | ---: | ---: |"]
    ceiling = max(median(results[(f"pgbench, {clients} clients", "POST /transfers")], "rps") for clients in PGBENCH_CLIENTS)
    for route in ROUTES:
        runs = results[("3 instances + HAProxy", route[0])]
        a, h, p = tier_us(runs, "instances"), tier_us(runs, "haproxy"), tier_us(runs, "postgres")
        if route[0] == "POST /transfers":
            per_pg = f"— (ceiling {ceiling:,.0f}/s: {ceiling * a / 1e6:.2f} instances)"
            at_pg = f"{ceiling * a / 1e6:.2f} instances ({ceiling:,.0f}/s)"
        else:
            per_pg = f"{a / p:.2f}"
            at_pg = f"{8 * a / p:.1f} instances ({8e6 / p:,.0f}/s)"
        lines.append(f"| {route[0]} | {per_pg} | {a / h:.2f} | {at_pg} | {8 * a / h:.1f} instances ({8e6 / h:,.0f}/s) |")
    return "\n".join(lines)


def failures(results):
    return sum(run.get("bad", 0) + run.get("errors", 0) + run.get("failed", 0) for runs in results.values() for run in runs)


def raw(results):
    return [{"server": server, "route": route, "runs": runs} for (server, route), runs in results.items()]


if __name__ == "__main__":
    # The PostgreSQL part alone (after make bench has built everything): prints its section.
    results = run()
    print("\n" + report(results))
