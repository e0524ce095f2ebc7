#!/usr/bin/env python3
"""Sends COUNT requests for PATH over four keep-alive connections and reads each response
whole (Content-Length framing), one at a time: a fixed amount of work for callgrind."""
import socket, sys

port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
headers = "".join(f"{h}\r\n" for h in sys.argv[4:])
request = f"GET {path} HTTP/1.1\r\nHost: bench\r\n{headers}\r\n".encode()
connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
for index in range(count):
    connection = connections[index % 4]
    connection.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
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
