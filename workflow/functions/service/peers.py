"""Which process opened a loopback TCP connection: Linux /proc only.

``owned_by_session(port, sid)`` is True when the socket bound to 127.0.0.1:``port`` (the
client end of a Runtime API connection) belongs to a process of session ``sid`` (every
instance is started in a session of its own, so its children share it). Where /proc does not
tell (another OS), the check passes: isolation then rests on each instance having its own port.
"""
from __future__ import annotations

import os

_TCP_TABLES = ("/proc/net/tcp", "/proc/net/tcp6")


def socket_inodes(port: int) -> list[str]:
    """Inodes of the live sockets whose local end is loopback:``port`` (a TIME_WAIT leftover
    of an earlier connection on the same port has inode 0 and is skipped)."""
    suffix, found = f":{port:04X}", []
    for table in _TCP_TABLES:
        try:
            with open(table, encoding="ascii") as handle:
                next(handle, None)
                for line in handle:
                    fields = line.split()
                    if (len(fields) > 9 and fields[1].endswith(suffix) and fields[9] != "0"
                            and _loopback(fields[1])):
                        found.append(fields[9])
        except OSError:
            continue
    return found


def _loopback(address: str) -> bool:
    host = address.split(":")[0]
    return host == "0100007F" or host.endswith("0100007F") or host == "0" * 31 + "1"


def _holds(pid: int, targets: set[str]) -> bool:
    base = f"/proc/{pid}/fd"
    try:
        names = os.listdir(base)
    except OSError:
        return False
    for name in names:
        try:
            if os.readlink(f"{base}/{name}") in targets:
                return True
        except OSError:
            continue
    return False


def _session_members(sid: int) -> list[int]:
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == sid:
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if len(fields) > 3 and fields[3] == str(sid):
            members.append(int(entry))
    return members


def owned_by_session(port: int, sid: int | None) -> bool:
    if sid is None:
        return False
    if not os.path.exists("/proc/net/tcp"):
        return True
    targets = {f"socket:[{inode}]" for inode in socket_inodes(port)}
    if not targets:
        return False
    if _holds(sid, targets):
        return True
    return any(_holds(pid, targets) for pid in _session_members(sid))
