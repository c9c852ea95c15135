#!/usr/bin/env python3
"""Writes /proc/net/tcp and /proc/net/tcp6 lines exactly as the kernel prints them
(net/ipv4/tcp_ipv4.c get_tcp4_sock / get_timewait4_sock, net/ipv6/tcp_ipv6.c get_tcp6_sock),
for the parser fixtures and for the benchmark's 100,000-socket table.

  procnet.py fixtures <dir>        the hand-picked fixture tables (src/test/resources/fixtures)
  procnet.py big <procRoot> <n>    a realistic table of n sockets under <procRoot>/net/
"""
import ipaddress
import os
import random
import sys

TCP4_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
TCP6_HEADER = ("  sl  local_address                         remote_address                        "
               "st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode")


def v4(addr):
    b = ipaddress.IPv4Address(addr).packed
    return "%08X" % int.from_bytes(b, "little")  # the __be32 as a little-endian host prints it


def v6(addr):
    b = ipaddress.IPv6Address(addr).packed
    return "".join("%08X" % int.from_bytes(b[i:i + 4], "little") for i in range(0, 16, 4))


def tcp4(sl, la, lp, ra, rp, st, uid=1000, inode=0, timewait=False):
    if timewait:  # get_timewait4_sock: no uid/inode, %pK printed as zeros
        line = "%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x" % (
            sl, v4(la), lp, v4(ra), rp, st, 0, 0, 3, 0x1234, 0, 0, 0, 0, 3, 0)
    else:
        line = "%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5u %8d %d %d %016x %d %d %d %d %d" % (
            sl, v4(la), lp, v4(ra), rp, st, 0, 0, 0, 0, 0, uid, 0, inode, 1, 0xFFFF8881_2345_6780, 20, 4, 30, 10, -1)
    return line.ljust(149)  # tcp4 lines are padded to TMPSZ - 1


def tcp6(sl, la, lp, ra, rp, st, uid=1000, inode=0, timewait=False):
    if timewait:
        return "%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x" % (
            sl, v6(la), lp, v6(ra), rp, st, 0, 0, 3, 0x1234, 0, 0, 0, 0, 3, 0)
    return "%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5u %8d %d %d %016x %d %d %d %d %d" % (
        sl, v6(la), lp, v6(ra), rp, st, 0, 0, 0, 0, 0, uid, 0, inode, 1, 0xFFFF8881_2345_6780, 20, 4, 30, 10, -1)


def write(root, lines4, lines6):
    os.makedirs(os.path.join(root, "net"), exist_ok=True)
    with open(os.path.join(root, "net", "tcp"), "w") as f:
        f.write(TCP4_HEADER.ljust(149) + "\n")
        for l in lines4:
            f.write(l + "\n")
    with open(os.path.join(root, "net", "tcp6"), "w") as f:
        f.write(TCP6_HEADER + "\n")
        for l in lines6:
            f.write(l + "\n")


def fixtures(d):
    # Every state code once on IPv4; expectations are written by hand in ProcNetTcpParserTest.
    l4 = [
        tcp4(0, "0.0.0.0", 8080, "0.0.0.0", 0, 0x0A, 1000, 1001),
        tcp4(1, "127.0.0.1", 8080, "10.1.2.3", 50000, 0x01, 1000, 1002),
        tcp4(2, "192.168.7.20", 41000, "10.1.2.3", 5432, 0x02, 1000, 1003),
        tcp4(3, "127.0.0.1", 8080, "10.1.2.4", 50001, 0x03, 1000, 0),
        tcp4(4, "127.0.0.1", 8080, "10.1.2.4", 50002, 0x04, 1000, 1005),
        tcp4(5, "127.0.0.1", 8080, "10.1.2.5", 50003, 0x05, 1000, 0),
        tcp4(6, "127.0.0.1", 8080, "10.1.2.5", 50004, 0x06, timewait=True),
        tcp4(7, "0.0.0.0", 9999, "0.0.0.0", 0, 0x07, 1000, 1008),
        tcp4(8, "127.0.0.1", 8080, "255.254.253.252", 65535, 0x08, 1000, 1009),
        tcp4(9, "127.0.0.1", 8080, "10.1.2.6", 50006, 0x09, 1000, 1010),
        tcp4(10, "127.0.0.1", 8080, "10.1.2.6", 50007, 0x0B, 1000, 1011),
        tcp4(11, "127.0.0.1", 8080, "10.1.2.6", 50008, 0x0C, 1000, 0),
    ]
    l6 = [
        tcp6(0, "::", 5432, "::", 0, 0x0A, 106, 2001),
        tcp6(1, "::1", 5432, "::1", 40000, 0x01, 106, 2002),
        tcp6(2, "2001:db8::1", 443, "2001:db8:0:1::abcd", 61000, 0x08, 0, 2003),
        tcp6(3, "::ffff:127.0.0.1", 5432, "::ffff:10.1.2.3", 50010, 0x05, 106, 0),
        tcp6(4, "fe80::1:2:3:4", 22, "fe80::aaaa:bbbb:cccc:dddd", 1, 0x06, timewait=True),
    ]
    write(os.path.join(d, "basic"), l4, l6)
    # Odd widths: sl past 9,999 (the %4d column widens), lower-case hex, tabs in no place,
    # a blank line, a broken line (counted as rejected), unpadded tcp4 lines, a huge inode and uid.
    wide = [
        tcp4(9998, "10.0.0.1", 80, "10.9.9.9", 1024, 0x01, 1000, 3001),
        tcp4(9999, "10.0.0.1", 80, "10.9.9.9", 1025, 0x01, 1000, 3002),
        tcp4(10000, "10.0.0.1", 80, "10.9.9.9", 1026, 0x01, 1000, 3003).rstrip(),
        tcp4(123456, "10.0.0.1", 80, "10.9.9.8", 1027, 0x08, 4294967294, 18446744073709551).lower(),
        "",
        "  12: 0100007F:1F90 garbage",
    ]
    write(os.path.join(d, "odd"), wide, [])


def big(root, n):
    """A realistic busy node: a few listeners, ~2,000 client peers (a few heavy ones), states in the
    proportions a leaking server shows (mostly ESTABLISHED and TIME_WAIT, hundreds stuck closing).
    Two thirds IPv4, one third IPv6 (half of those v4-mapped)."""
    rnd = random.Random(42)
    states = [0x01] * 60 + [0x06] * 25 + [0x08] * 6 + [0x05] * 5 + [0x04] * 2 + [0x09] + [0x03]
    peers4 = ["10.%d.%d.%d" % (rnd.randrange(256), rnd.randrange(256), rnd.randrange(1, 255)) for _ in range(2000)]
    peers6 = ["2001:db8:%x::%x" % (rnd.randrange(65536), rnd.randrange(1, 65536)) for _ in range(500)]
    listeners = [22, 80, 443, 5432, 8080, 8084, 9092]
    l4, l6 = [], []
    for p in listeners:
        l4.append(tcp4(len(l4), "0.0.0.0", p, "0.0.0.0", 0, 0x0A, 0, 10000 + p))
        l6.append(tcp6(len(l6), "::", p, "::", 0, 0x0A, 0, 20000 + p))
    inode = 100000
    while len(l4) + len(l6) < n:
        st = rnd.choice(states)
        heavy = rnd.random() < 0.3
        inbound = rnd.random() < 0.7
        lport = rnd.choice(listeners) if inbound else rnd.randrange(32768, 61000)
        rport = rnd.randrange(32768, 61000) if inbound else rnd.choice(listeners)
        inode += 1
        owned = st not in (0x06, 0x03) and not (st == 0x05 and rnd.random() < 0.5)
        kind = rnd.random()
        if kind < 0.66:
            peer = peers4[rnd.randrange(20) if heavy else rnd.randrange(len(peers4))]
            l4.append(tcp4(len(l4), "10.0.0.1", lport, peer, rport, st, 1000, inode if owned else 0,
                           timewait=st == 0x06))
        elif kind < 0.83:
            peer = "::ffff:" + peers4[rnd.randrange(len(peers4))]
            l6.append(tcp6(len(l6), "::ffff:10.0.0.1", lport, peer, rport, st, 1000, inode if owned else 0,
                           timewait=st == 0x06))
        else:
            peer = peers6[rnd.randrange(len(peers6))]
            l6.append(tcp6(len(l6), "2001:db8::1", lport, peer, rport, st, 1000, inode if owned else 0,
                           timewait=st == 0x06))
    write(root, l4, l6)


if __name__ == "__main__":
    if sys.argv[1] == "fixtures":
        fixtures(sys.argv[2])
    else:
        big(sys.argv[2], int(sys.argv[3]))
