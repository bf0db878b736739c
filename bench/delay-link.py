#!/usr/bin/env python3
"""A point-to-point IP link between two network namespaces that delays every packet.

The latency benchmark needs a link with a known round-trip time. netem is the usual tool, but
kernels built without it (as in some VMs and sandboxes) reject it, so this does the same in user
space: it opens one TUN device per namespace and copies each IP packet from one to the other after
a fixed delay. Every packet is delayed, TCP's SYN and SYN-ACK included, so a round trip takes twice
the delay, as with netem on both ends of a veth pair.

    delay-link.py --delay-ms 10 NS_A ADDR_A NS_B ADDR_B

The namespaces must exist. It prints "ready" once both ends are up, and runs until killed; the
devices go away with it.
"""
import argparse
import fcntl
import heapq
import os
import select
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
MAX_PACKET = 65536
MAX_QUEUED = 100_000  # packets in flight; beyond this, drop as a full link would


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def ip(*args):
    subprocess.run(["ip", *args], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay-ms", type=float, default=10.0, help="one-way delay (default 10)")
    parser.add_argument("ns_a")
    parser.add_argument("addr_a")
    parser.add_argument("ns_b")
    parser.add_argument("addr_b")
    args = parser.parse_args()
    delay = args.delay_ms / 1000.0

    ends = [(args.ns_a, args.addr_a, args.addr_b), (args.ns_b, args.addr_b, args.addr_a)]
    fds = []
    for index, (ns, local, remote) in enumerate(ends):
        name = f"dl{os.getpid() % 100000}{'ab'[index]}"
        fd = open_tun(name)
        # The device moves into the namespace; this process keeps its file descriptor.
        ip("link", "set", name, "netns", ns)
        ip("-n", ns, "addr", "add", local, "peer", remote, "dev", name)
        ip("-n", ns, "link", "set", name, "up")
        ip("-n", ns, "link", "set", "lo", "up")
        fds.append(fd)
    other = {fds[0]: fds[1], fds[1]: fds[0]}
    print("ready", flush=True)

    queue = []  # (due time, sequence, destination fd, packet)
    sequence = 0
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        readable, _, _ = select.select(fds, [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            packet = os.read(fd, MAX_PACKET)
            if len(queue) < MAX_QUEUED:
                heapq.heappush(queue, (now + delay, sequence, other[fd], packet))
                sequence += 1
        while queue and queue[0][0] <= time.monotonic():
            _, _, destination, packet = heapq.heappop(queue)
            os.write(destination, packet)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
