#!/usr/bin/env python3
"""vpnha e2e (issue 18): a multicast sender and receiver for the lab.

  mcast.py send GROUP PORT IFADDR SECONDS [TTL]   one datagram every 0.1 s
  mcast.py recv GROUP PORT IFADDR SECONDS         joins GROUP on the interface
                                                  with IFADDR (IGMP), prints
                                                  "joined", then, after SECONDS
                                                  or 2 s without a datagram once
                                                  some came, "received N from SRC..."
Plain sockets: the join is the kernel's IGMP report, the routing is the
gateways' pimd.  The receiver counts only datagrams carrying the sender's tag.
"""
import socket
import struct
import sys
import time

TAG = b"vpnha-mcast "


def send(group, port, ifaddr, seconds, ttl):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ifaddr))
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        s.sendto(TAG + str(n).encode(), (group, port))
        n += 1
        time.sleep(0.1)
    print(f"sent {n}")


def recv(group, port, ifaddr, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((group, port))
    mreq = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(ifaddr))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    print("joined", flush=True)
    end, n, srcs = time.monotonic() + seconds, 0, set()
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        s.settimeout(min(left, 2.0) if n else left)
        try:
            data, src = s.recvfrom(2048)
        except socket.timeout:
            break
        if data.startswith(TAG):
            n += 1
            srcs.add(src[0])
    print(f"received {n} from {' '.join(sorted(srcs)) or 'nobody'}")


def main(argv):
    if len(argv) >= 6 and argv[1] == "send":
        send(argv[2], int(argv[3]), argv[4], float(argv[5]), int(argv[6]) if len(argv) > 6 else 8)
    elif len(argv) == 6 and argv[1] == "recv":
        recv(argv[2], int(argv[3]), argv[4], float(argv[5]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
