#!/usr/bin/env python3
"""Sends COUNT requests over four keep-alive connections and reads each response whole
(Content-Length framing), one at a time: a fixed amount of work for callgrind.

    client.py PORT PATH COUNT [HEADER ...]            GET PATH
    client.py PORT POST:PATH:BODY COUNT [HEADER ...]  POST BODY to PATH, each request with
                                                      its own Idempotency-Key
"""
import socket, sys, time

port, target, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
headers = "".join(f"{h}\r\n" for h in sys.argv[4:])
run = time.time_ns()


def request(index):
    if not target.startswith("POST:"):
        return f"GET {target} HTTP/1.1\r\nHost: bench\r\n{headers}\r\n".encode()
    _, path, body = target.split(":", 2)
    return (f"POST {path} HTTP/1.1\r\nHost: bench\r\n{headers}Idempotency-Key: ik-{run}-{index}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n{body}").encode()


connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
for index in range(count):
    connection = connections[index % 4]
    connection.sendall(request(index))
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith((b"HTTP/1.1 2", b"HTTP/1.1 3")):
        sys.exit(f"request {index}: {head.split(b' ', 2)[1].decode()} from the server; the count is not valid")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if head.startswith(b"HTTP/1.1 304"):
        length = 0
    while len(body) < length:
        body += connection.recv(65536)
for connection in connections:
    connection.close()
