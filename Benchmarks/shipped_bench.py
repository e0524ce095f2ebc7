"""The "as shipped" part of `make bench`: each server the way its users run it.

`tern-demo` with its defaults (every default middleware, its access log; only the rate limit
raised so that nothing is refused) and with `--access-log off`; Hummingbird 2 with the
middleware a service ships with (`LogRequestsMiddleware`, `MetricsMiddleware` over
swift-prometheus, `CORSMiddleware`); nginx with its access log (`buffer=64k flush=1s`) and
without; and the C evhttp server as the reference. Pinned as the rest of `make bench`, medians
of five rounds (`ROUNDS`); every server's log lines go to a file of its own in Benchmarks/work.
Then the goals' ratios (tern-demo ÷ evhttp, each access log's share) again from short runs of
the two servers of a pair in turn (`paired`), with their spread.
"""
import os, statistics, subprocess

import run as bench

DEMO = os.path.join(bench.ROOT, ".build", "release", "tern-demo")
# More rounds than the framework's three: the access log's share is a difference of two
# medians, and a single 10-second measurement on this kind of machine moves by a fifth.
ROUNDS = 1 if bench.QUICK else 5


def demo(port, *flags):
    data = os.path.join(bench.WORK, f"shipped-data-{port}")
    subprocess.run(["rm", "-rf", data], check=True)
    return [DEMO, "--port", str(port), "--workers", "1", "--rate-limit", "100000000/1", "--data-dir", data,
            "--files-dir", bench.FILES, *flags]


def nginx_logging(port):
    """nginx's bench configuration with its access log on, buffered as busy sites run it."""
    path = bench.nginx_config(port)
    text = open(path).read().replace("access_log off;", f"access_log {bench.WORK}/nginx-access.log combined buffer=64k flush=1s;")
    logging_path = os.path.join(bench.WORK, "nginx-logging.conf")
    with open(logging_path, "w") as f:
        f.write(text)
    return logging_path


SERVERS = {
    "tern-demo": lambda port: demo(port),
    "tern-demo, access log off": lambda port: demo(port, "--access-log", "off"),
    "hummingbird+batteries": lambda port: [os.path.join(bench.RELEASE, "HummingbirdBench"), "--port", str(port), "--files", bench.FILES, "--batteries"],
    "evhttp": lambda port: [os.path.join(bench.WORK, "evhttp-bench"), str(port), bench.FILES],
    "nginx, access log": lambda port: ["nginx", "-p", bench.WORK, "-c", nginx_logging(port)],
    "nginx, no access log": lambda port: ["nginx", "-p", bench.WORK, "-c", bench.nginx_config(port)],
}
ROUTES = [route for route in bench.ROUTES if route[0] in ("GET /users/1", "GET /users/1 (304)")]


def check(server, port):
    """/users/1 is a JSON document with an ETag that answers 304; returns the ETag."""
    status, fields, body = bench.curl(port, "/users/1", [])
    assert status == 200 and body.startswith(b"{") and "etag" in fields, f"{server} /users/1: {status} {body[:80]!r}"
    status, _, body = bench.curl(port, "/users/1", [f"If-None-Match: {fields['etag']}"])
    assert status == 304 and body == b"", f"{server} /users/1 304: {status}"
    return fields["etag"]


def start(server, port):
    with open(os.path.join(bench.WORK, f"shipped-{port}.log"), "w") as log:
        return bench.launch(SERVERS[server](port), port, lambda: check(server, port), output=log)


def run(servers=None):
    """Rounds like the framework's: every server started, each route measured on each in
    turn, the order rotating by round and route. Returns {(server, route): [results]}."""
    servers = servers or list(SERVERS)
    results = {}
    for round_index in range(ROUNDS):
        order = bench.rotated(servers, round_index)
        print(f"as shipped, round {round_index + 1} of {ROUNDS}: {', '.join(order)}", flush=True)
        running = {}
        try:
            for offset, server in enumerate(order):
                port = 18281 + round_index * len(servers) + offset
                running[server] = (port,) + start(server, port)
            for route_index, route in enumerate(ROUTES):
                for server in bench.rotated(order, route_index):
                    port, process, etag = running[server]
                    result = bench.measure(server, process.pid, port, route, etag)
                    results.setdefault((server, route[0]), []).append(result)
                    print(f"  {server:26} {route[0]:20} {result['rps']:>10.0f} req/s  p99 {result['p99']*1e3:6.2f} ms  "
                          f"server {result['server_cpu']:.2f} others {result['others']:.2f} core  bad {result['bad']}", flush=True)
        finally:
            for _, process, _ in running.values():
                bench.stop_server(process)
    if set(SERVERS) <= set(servers):
        print(f"as shipped, paired: {SLICES} alternating runs of {SLICE_SECONDS} s per pair and route", flush=True)
        paired(results)
    return results


# The goals' ratios again, from short runs of two servers in turn (the order swapped each
# time, each server started once): this machine's speed drifts by a fifth within a minute,
# which two medians of runs taken minutes apart carry into their ratio.
PAIRS = [
    ("tern-demo ÷ evhttp", "tern-demo", "evhttp"),
    ("tern-demo ÷ its access log off", "tern-demo", "tern-demo, access log off"),
    ("nginx ÷ its access log off", "nginx, access log", "nginx, no access log"),
]
SLICES = 3 if bench.QUICK else 10
SLICE_SECONDS = 2


def paired(results):
    """Adds each pair's slices to `results` under (pair, route): both servers' req/s and
    their ratio."""
    servers = [server for server in SERVERS if any(server in pair[1:] for pair in PAIRS)]
    running = {}
    try:
        for offset, server in enumerate(servers):
            port = 18381 + offset
            running[server] = (port,) + start(server, port)
        for name, path, headers, connections, _ in ROUTES:
            # Each server's request headers, its own ETag in the 304's.
            sent = {server: [h.replace("ETAG", etag) for h in headers] for server, (_, _, etag) in running.items()}
            for label, first, second in PAIRS:
                for server in (first, second):
                    bench.warm_up(running[server][0], path, sent[server], connections)
                for index in range(SLICES):
                    rps, bad = {}, 0
                    for server in ((first, second) if index % 2 == 0 else (second, first)):
                        result = bench.wrk(running[server][0], path, sent[server], connections, SLICE_SECONDS)
                        rps[server] = result["rps"]
                        bad += result["bad"] + result["errors"]
                    ratio = rps[first] / rps[second]
                    results.setdefault((label, name), []).append(
                        {"first": rps[first], "second": rps[second], "ratio": ratio, "bad": bad, "errors": 0})
                print(f"  {label:40} {name:20} median {median(results, label, name, 'ratio'):.3f}", flush=True)
    finally:
        for _, process, _ in running.values():
            bench.stop_server(process)


def median(results, server, route, key="rps"):
    runs = results.get((server, route))
    return statistics.median(r[key] for r in runs) if runs else None


def report(results):
    lines = ["## As shipped", "",
             "Each server the way its users run it (Benchmarks/shipped_bench.py): `tern-demo` with its defaults "
             "(`--workers 1`, every default middleware, its access log, the rate limit raised so that nothing is refused), "
             "and with `--access-log off`; Hummingbird 2 with `LogRequestsMiddleware`, `MetricsMiddleware` (swift-prometheus) "
             "and `CORSMiddleware`; nginx with `access_log ... buffer=64k flush=1s` and with `access_log off`; the C evhttp server "
             f"as the reference. Pinned and measured as above, medians of {ROUNDS} rounds, 64 connections; log lines go to a file per server.", "",
             "| route | server | req/s | p50 | p99 | CPU µs/req | non-2xx/3xx | ÷ evhttp | tern-demo ÷ server |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for route in ROUTES:
        name = route[0]
        evhttp = median(results, "evhttp", name)
        shipped = median(results, "tern-demo", name)
        for server in SERVERS:
            rps = median(results, server, name)
            if rps is None:
                continue
            runs = results[(server, name)]
            bad = sum(r["bad"] + r["errors"] for r in runs)
            versus_evhttp = f"{rps / evhttp:.2f}×" if evhttp else "—"
            versus = "—" if server == "tern-demo" or shipped is None else f"{shipped / rps:.2f}×"
            lines.append(f"| {name} | {server} | {rps:,.0f} | {median(results, server, name, 'p50') * 1e3:.2f} ms | "
                         f"{median(results, server, name, 'p99') * 1e3:.2f} ms | {median(results, server, name, 'cpu_us_per_request'):.1f} | "
                         f"{bad} | {versus_evhttp} | {versus} |")
    lines += ["", "What the access log costs, as a share of the throughput without it:", "",
              "| route | Tern | nginx |", "| --- | ---: | ---: |"]
    for route in ROUTES:
        name = route[0]
        shares = []
        for on, off in (("tern-demo", "tern-demo, access log off"), ("nginx, access log", "nginx, no access log")):
            with_log, without = median(results, on, name), median(results, off, name)
            shares.append(f"{(1 - with_log / without) * 100:.1f} %" if with_log and without else "—")
        lines.append(f"| {name} | {shares[0]} | {shares[1]} |")
    if any((PAIRS[0][0], route[0]) in results for route in ROUTES):
        lines += ["", f"The same, paired: {SLICES} runs of {SLICE_SECONDS} s of each server of a pair in turn, the order swapped "
                  "each time, each server started once; the median of the ratios, and the lowest and highest:", "",
                  "| route | tern-demo ÷ evhttp | Tern's access log share | nginx's access log share |", "| --- | ---: | ---: | ---: |"]
        for route in ROUTES:
            name = route[0]
            cells = []
            for index, (label, _, _) in enumerate(PAIRS):
                ratios = [r["ratio"] for r in results.get((label, name), [])]
                if not ratios:
                    cells.append("—")
                elif index == 0:
                    cells.append(f"{statistics.median(ratios):.2f}× ({min(ratios):.2f}–{max(ratios):.2f})")
                else:
                    # A log's share: what the server with it loses against itself without it.
                    cells.append(f"{(1 - statistics.median(ratios)) * 100:.1f} % "
                                 f"({(1 - max(ratios)) * 100:.1f} to {(1 - min(ratios)) * 100:.1f})")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def failures(results):
    return sum(r["bad"] + r["errors"] for runs in results.values() for r in runs)
