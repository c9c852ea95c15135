#!/usr/bin/env python3
"""Opens N loopback TCP connections (2 sockets each) so that this machine's /proc/net/tcp is large, prints
"ready", and holds them until its standard input closes; then closes them with RST (no TIME_WAIT left behind).

The connections live in this process, not in the benchmark's JVM: a process holding 18,000 descriptors makes
every child it starts pay for them (the JDK's launcher closes each inherited descriptor in the child), which
would inflate the time of `cat` started from the benchmark and flatter the monitor.

  hold_connections.py <n>
"""
import resource
import socket
import struct
import sys

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
n = int(sys.argv[1])
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1024)
held = [server]
for _ in range(n):
    c = socket.create_connection(server.getsockname())
    s, _ = server.accept()
    held += [c, s]
print("ready", flush=True)
sys.stdin.read()
for s in held:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
