"""The uploads part of `make bench`: a 1 GiB request body over loopback, stored as a file.

`tern-demo` as shipped (`PUT /download/{file}`: streamed to a temporary file in the folder,
hashed with SHA-256 for its `Repr-Digest`, `fsync`ed, renamed into place, the folder synced;
its access log on); nginx with `dav_methods PUT` (the body to `client_body_temp_path`, then
renamed; no sync); Hummingbird 2 with a route that streams `request.body` to a file through
`FileIO.writeFile` (NIOFileSystem: a temporary file, renamed at close; no sync). The server
pinned to CPU 0, `curl -T` pinned to CPU 1; each round uploads once to each server in a rotated
order; medians of the rounds. Every stored file is checked for its size.
"""
import os, shutil, statistics, subprocess, time

import run as bench

SIZE = 1 << 30
SOURCE = os.path.join(bench.WORK, "upload-1gib.bin")
DEMO = os.path.join(bench.ROOT, ".build", "release", "tern-demo")


def folder(server):
    path = os.path.join(bench.WORK, "uploads-" + server.split()[0])
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def nginx_dav(port, uploads):
    """nginx storing PUT bodies under `uploads` with its DAV module."""
    path = os.path.join(bench.WORK, "nginx-dav.conf")
    text = open(bench.nginx_config(port)).read().replace(
        "location = /plaintext",
        f"location /upload/ {{ alias {uploads}/; dav_methods PUT; client_max_body_size 0; client_body_buffer_size 64k; }}\n"
        "        location = /plaintext")
    # The body's temporary file on the same file system as the folder, so the rename is one.
    text = text.replace(f"client_body_temp_path {bench.WORK}/nginx-body;", f"client_body_temp_path {uploads}/.nginx-body;")
    with open(path, "w") as f:
        f.write(text)
    return path


SERVERS = {
    "tern-demo": (lambda port, uploads: [DEMO, "--port", str(port), "--workers", "1", "--rate-limit", "100000000/1",
                                         "--data-dir", uploads + "-data", "--files-dir", uploads, "--max-upload", "2G"],
                  "/download/big.bin", ["Authorization: Bearer demo-key"]),
    "nginx (dav_methods PUT)": (lambda port, uploads: ["nginx", "-p", bench.WORK, "-c", nginx_dav(port, uploads)], "/upload/big.bin", []),
    "hummingbird": (lambda port, uploads: [os.path.join(bench.RELEASE, "HummingbirdBench"), "--port", str(port), "--files", bench.FILES,
                                           "--uploads", uploads], "/upload/big.bin", []),
}


def prepare():
    if os.path.exists(SOURCE) and os.path.getsize(SOURCE) == SIZE:
        return
    with open(SOURCE, "wb") as f:
        for _ in range(SIZE >> 26):
            f.write(os.urandom(1 << 26))


def upload(port, path, headers):
    """One PUT of SOURCE with curl pinned to CPU 1: (status, seconds)."""
    command = ["taskset", "-c", "1", "curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-T", SOURCE,
               "-H", "Expect:", f"http://127.0.0.1:{port}{path}"]
    for header in headers:
        command += ["-H", header]
    status, seconds = subprocess.run(command, capture_output=True, text=True, check=True).stdout.split()
    return int(status), float(seconds)


def run():
    """Returns {server: [{"mib_s", "cpu_s", "status", "stored"}]}."""
    prepare()
    results = {}
    servers = list(SERVERS)
    for round_index in range(bench.ROUNDS):
        order = bench.rotated(servers, round_index)
        print(f"uploads, round {round_index + 1} of {bench.ROUNDS}: {', '.join(order)}", flush=True)
        for offset, server in enumerate(order):
            command, path, headers = SERVERS[server]
            port = 18381 + round_index * len(servers) + offset
            uploads = folder(server)
            os.makedirs(uploads + "-data", exist_ok=True)
            process, _ = bench.launch(command(port, uploads), port, lambda: None)
            try:
                pids = bench.server_pids(process.pid)
                before = bench.process_jiffies(pids)
                status, seconds = upload(port, path, headers)
                cpu = (bench.process_jiffies(pids) - before) / os.sysconf("SC_CLK_TCK")
            finally:
                bench.stop_server(process)
            stored = os.path.join(uploads, os.path.basename(path))
            size = os.path.getsize(stored) if os.path.exists(stored) else -1
            result = {"mib_s": SIZE / (1 << 20) / seconds, "cpu_s": cpu, "status": status, "stored": size == SIZE}
            results.setdefault(server, []).append(result)
            print(f"  {server:26} {result['mib_s']:8.0f} MiB/s  server CPU {cpu:.2f} s  status {status}  stored whole {result['stored']}", flush=True)
            shutil.rmtree(uploads, ignore_errors=True)
            shutil.rmtree(uploads + "-data", ignore_errors=True)
            time.sleep(0.5)
    return results


def report(results):
    lines = ["## Uploads", "",
             "A 1 GiB body over loopback, stored as a file (Benchmarks/upload_bench.py): `tern-demo` `PUT /download/{file}` "
             "(as shipped: streamed to a temporary file, SHA-256 for `Repr-Digest`, `fsync`, rename, folder synced, access log on); "
             "nginx `dav_methods PUT`; Hummingbird 2 streaming `request.body` through `FileIO.writeFile`. "
             "Server pinned to CPU 0, `curl -T` to CPU 1; medians of the rounds.", "",
             "| server | MiB/s | server CPU s per GiB | stored whole | tern-demo ÷ server |", "| --- | ---: | ---: | --- | ---: |"]
    tern = statistics.median(r["mib_s"] for r in results["tern-demo"]) if results.get("tern-demo") else None
    for server in SERVERS:
        runs = results.get(server)
        if not runs:
            continue
        speed = statistics.median(r["mib_s"] for r in runs)
        cpu = statistics.median(r["cpu_s"] for r in runs)
        whole = all(r["stored"] and r["status"] in (200, 201, 204) for r in runs)
        ratio = "—" if server == "tern-demo" or tern is None else f"{tern / speed:.2f}×"
        lines.append(f"| {server} | {speed:,.0f} | {cpu:.2f} | {'yes' if whole else 'NO'} | {ratio} |")
    return "\n".join(lines)


def failures(results):
    return sum(1 for runs in results.values() for r in runs if not r["stored"] or r["status"] not in (200, 201, 204))
