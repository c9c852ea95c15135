#!/usr/bin/env python3
"""Opens N loopback TCP connections (2 sockets each) so that this machine's /proc/net/tcp and tcp6 are large,
prints "ready", and holds them until its standard input closes; then closes them with RST (no TIME_WAIT left
behind). Every other connection is IPv6 (::1), so both files grow, as on a dual-stack node. The sockets are
spread over child processes of at most 9,000 connections each (a process may not hold more descriptors than its
hard limit, which an unprivileged container cannot raise), each with its own listeners (the ephemeral port range
has ~28,000 ports per destination).

The connections live in these processes, not in the benchmark's JVM: a process holding 18,000 descriptors makes
every child it starts pay for them (the JDK's launcher closes each inherited descriptor in the child), which
would inflate the time of `cat` started from the benchmark and flatter the monitor.

  hold_connections.py <n>
"""
import os
import resource
import socket
import struct
import sys

PER_PROCESS = 9000


def hold(count, ready_w, release_r):
    """In a child: open count connections, say so on ready_w, hold them until release_r closes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    v4 = socket.socket(socket.AF_INET)
    v4.bind(("127.0.0.1", 0))
    v6 = socket.socket(socket.AF_INET6)
    v6.bind(("::1", 0))
    held = [v4, v6]
    for s in (v4, v6):
        s.listen(4096)
    for i in range(count):
        server = v6 if i % 2 else v4
        c = socket.create_connection(server.getsockname()[:2])
        s, _ = server.accept()
        held += [c, s]
    os.write(ready_w, b"r")
    os.read(release_r, 1)  # returns when the parent closes its end
    for s in held:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    os._exit(0)


n = int(sys.argv[1])
ready_r, ready_w = os.pipe()
release_r, release_w = os.pipe()
children = []
left = n
while left > 0:
    count = min(PER_PROCESS, left)
    left -= count
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        os.close(release_w)
        hold(count, ready_w, release_r)
    children.append(pid)
os.close(ready_w)
os.close(release_r)
got = 0
while got < len(children):
    b = os.read(ready_r, 64)
    if not b:
        sys.exit("a holder failed")
    got += len(b)
print("ready", flush=True)
sys.stdin.read()
os.close(release_w)
failed = sum(1 for pid in children if os.waitpid(pid, 0)[1] != 0)
sys.exit(1 if failed else 0)
