"""Ports for the servers a test or a benchmark starts: picked below the kernel's ephemeral range. A port the kernel
hands to a socket bound to port 0 comes from that range, and could be handed to any other socket (an outgoing
connection, another test's on another worker) between the probe and the server's own bind."""

import random
import socket
from pathlib import Path


def ephemeral_start() -> int:
    """The first port the kernel hands out to a socket bound to port 0 (the start of its ephemeral range)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A port free now, from below the kernel's ephemeral range."""
    return free_port_range(1) + 1


def free_port_range(count: int) -> int:
    """A port ``base`` such that ``base + 1`` to ``base + count`` are free now, all below the ephemeral range."""
    for _ in range(50):
        base = random.randrange(10000, max(ephemeral_start(), 20000) - count - 1)
        try:
            for offset in range(1, count + 1):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        return base
    raise RuntimeError("no free range of ports")
