#!/usr/bin/env python3
"""poolsim's measurement lab: a real PostgreSQL 15 and PgBouncer measured with pgbench.

Run by `cargo xtask lab [--quick]`; see bench/lab/README.md. Python 3 standard library only.

It installs what is missing (Debian packages), starts a throwaway cluster and a PgBouncer in a
temporary directory, runs four pgbench sweeps, writes CSVs and MACHINE.md to bench/lab/results/
(bench/lab/results/quick/ for --quick) and tears everything down, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import math
import os
import platform
import pwd
import re
import resource
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
PG_BIN = "/usr/lib/postgresql/15/bin"
PGBOUNCER = "/usr/sbin/pgbouncer"
PERF = "perf"
DB = "bench"
DB_USER = "postgres"
IDLE_APP = "poolsim-lab-idle"
CLK_TCK = os.sysconf("SC_CLK_TCK")
CORES = len(os.sched_getaffinity(0))
NOFILE_WANTED = 8192

# Client counts per sweep (for `idle_connections`: idle connections beside IDLE_BUSY_CLIENTS).
FULL_GRID = {
    "select_only": [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000],
    "connect_per_txn": [1, 4, 16, 64, 256],
    "idle_connections": [0, 250, 500, 1000],
    "read_write": [1, 4, 16, 64, 256],
}
QUICK_GRID = {
    "select_only": [1, 32, 1000],
    "connect_per_txn": [1, 16],
    "idle_connections": [0, 1000],
    "read_write": [1, 16],
}
SWEEPS = list(FULL_GRID)
ROUTES = ("direct", "pgbouncer")
IDLE_BUSY_CLIENTS = 2
SWEEP_TEXT = {
    "select_only": "pgbench -S (one primary-key SELECT per transaction), persistent connections",
    "connect_per_txn": "pgbench -S -C (a new connection for every transaction)",
    "idle_connections": f"{IDLE_BUSY_CLIENTS} busy pgbench -S clients beside N idle connections "
    "(opened by the lab script, each ran one SELECT 1, then held open without traffic)",
    "read_write": "pgbench's built-in TPC-B-like script (5 statements in BEGIN/END: 3 UPDATEs, "
    "1 SELECT, 1 INSERT), persistent connections",
}

SUMMARY_METRICS = [
    "tps",
    "lat_avg_ms",
    "lat_log_mean_ms",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "conn_ms",
    "cs_per_s",
    "migrations_per_s",
    "pgbench_cpu_s_per_s",
    "postgres_cpu_s_per_s",
    "pgbouncer_cpu_s_per_s",
    "system_busy_cpu_s_per_s",
    "window_s",
]
RAW_FIELDS = [
    "sweep",
    "route",
    "transport",
    "clients",
    "threads",
    "idle_conns",
    "rep",
    "seconds",
    "pgbench_T_s",
    "wall_s",
    "window_s",
    "window",
    "exit_code",
    "txns",
    "failed_txns",
    "tps",
    "lat_avg_ms",
    "lat_log_mean_ms",
    "conn_ms",
    "initial_conn_ms",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "latency_samples",
    "sampling_rate",
    "cs_per_s",
    "perf_cs_per_s",
    "migrations_per_s",
    "pgbench_cpu_s_per_s",
    "postgres_cpu_s_per_s",
    "pgbouncer_cpu_s_per_s",
    "system_busy_cpu_s_per_s",
    "pgbench_cpu_total_s",
    "loadavg_1m_before",
    "error",
]
# Seconds per connection pgbench is given on top of -T to open its persistent connections
# (pgbench's -T clock includes them); generous for a busy 2-core machine.
CONNECT_ALLOWANCE_S = {"direct": 0.008, "pgbouncer": 0.001}
# The steady-state window starts this long after pgbench has all its connections open and ends
# this long before its -T runs out.
SETTLE_S = 0.2
END_MARGIN_S = 0.25
PERF_INTERVAL_MS = 250


class LabError(Exception):
    """A failure explained in one line."""


def log(msg: str) -> None:
    print(f"lab: {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# Options


@dataclass
class Config:
    quick: bool
    seconds: int
    reps: int
    scale: int
    pool_size: int
    transport: str
    pg_port: int
    bouncer_port: int
    sampling: float
    sweeps: list
    out: str
    perf: bool
    install: bool
    keep: bool
    pause: float
    grid: dict


def env_default(name: str, fallback):
    value = os.environ.get(name)
    return fallback if value in (None, "") else value


def parse_args(argv: list) -> tuple[Config, bool]:
    p = argparse.ArgumentParser(
        prog="bench/lab/lab.py",
        description="Measure PostgreSQL 15 + PgBouncer with pgbench (see bench/lab/README.md). "
        "Every option also reads the environment variable named in its help.",
    )
    p.add_argument("--quick", action="store_true", help="smoke test: 2 s, 1 rep, few points")
    p.add_argument("--seconds", type=int, help="seconds per point (LAB_SECONDS; 10, quick 2)")
    p.add_argument("--reps", type=int, help="repetitions per point (LAB_REPS; 3, quick 1)")
    p.add_argument("--scale", type=int, help="pgbench -i scale (LAB_SCALE; 10)")
    p.add_argument(
        "--pool-size", type=int, help="PgBouncer default_pool_size (LAB_POOL_SIZE; 2 x cores)"
    )
    p.add_argument(
        "--transport", choices=["tcp", "unix"], help="how pgbench connects (LAB_TRANSPORT; tcp)"
    )
    p.add_argument("--pg-port", type=int, help="PostgreSQL port (LAB_PG_PORT; 5499)")
    p.add_argument("--bouncer-port", type=int, help="PgBouncer port (LAB_BOUNCER_PORT; 6499)")
    p.add_argument(
        "--sampling",
        type=float,
        help="pgbench --sampling-rate for the select-only and idle sweeps (LAB_SAMPLING; 0.1)",
    )
    p.add_argument(
        "--sweeps", help=f"comma-separated subset of {','.join(SWEEPS)} (LAB_SWEEPS; all)"
    )
    p.add_argument(
        "--out", help="results directory (LAB_OUT; bench/lab/results, quick: results/quick)"
    )
    p.add_argument("--no-perf", action="store_true", help="do not use perf (LAB_PERF=0)")
    p.add_argument("--no-install", action="store_true", help="never run apt-get (LAB_INSTALL=0)")
    p.add_argument(
        "--keep", action="store_true", help="keep the temporary cluster directory (LAB_KEEP=1)"
    )
    p.add_argument("--self-test", action="store_true", help="check the parsers, run nothing")
    a = p.parse_args(argv)
    if a.self_test:
        return None, True
    quick = a.quick or env_default("LAB_QUICK", "0") == "1"
    seconds = a.seconds or int(env_default("LAB_SECONDS", 2 if quick else 10))
    reps = a.reps or int(env_default("LAB_REPS", 1 if quick else 3))
    sweeps_text = a.sweeps or env_default("LAB_SWEEPS", ",".join(SWEEPS))
    sweeps = [s.strip() for s in sweeps_text.split(",") if s.strip()]
    for s in sweeps:
        if s not in SWEEPS:
            p.error(f"unknown sweep `{s}` (known: {', '.join(SWEEPS)})")
    out = a.out or env_default(
        "LAB_OUT",
        os.path.join(HERE, "results", "quick") if quick else os.path.join(HERE, "results"),
    )
    cfg = Config(
        quick=quick,
        seconds=seconds,
        reps=reps,
        scale=a.scale or int(env_default("LAB_SCALE", 10)),
        pool_size=a.pool_size or int(env_default("LAB_POOL_SIZE", 2 * CORES)),
        transport=a.transport or env_default("LAB_TRANSPORT", "tcp"),
        pg_port=a.pg_port or int(env_default("LAB_PG_PORT", 5499)),
        bouncer_port=a.bouncer_port or int(env_default("LAB_BOUNCER_PORT", 6499)),
        sampling=a.sampling or float(env_default("LAB_SAMPLING", 0.1)),
        sweeps=sweeps,
        out=os.path.abspath(out),
        perf=not a.no_perf and env_default("LAB_PERF", "1") != "0",
        install=not a.no_install and env_default("LAB_INSTALL", "1") != "0",
        keep=a.keep or env_default("LAB_KEEP", "0") == "1",
        pause=float(env_default("LAB_PAUSE", 1.0)),
        grid=QUICK_GRID if quick else FULL_GRID,
    )
    if cfg.transport not in ("tcp", "unix"):
        p.error("LAB_TRANSPORT must be tcp or unix")
    if cfg.seconds < 1 or cfg.reps < 1 or not 0 < cfg.sampling <= 1:
        p.error("seconds and reps must be >= 1 and sampling in (0, 1]")
    return cfg, False


# ---------------------------------------------------------------------------------------------
# Small parsers (checked by --self-test)


def parse_pgbench_output(text: str) -> dict:
    """The figures pgbench 15 prints at the end of a run (None when absent)."""

    def grab(pattern, conv=float):
        m = re.search(pattern, text, re.MULTILINE)
        return conv(m.group(1)) if m else None

    return {
        "txns": grab(r"^number of transactions actually processed: (\d+)", int),
        "failed_txns": grab(r"^number of failed transactions: (\d+)", int),
        "lat_avg_ms": grab(r"^latency average = ([0-9.]+) ms"),
        "conn_ms": grab(r"^average connection time = ([0-9.]+) ms"),
        "initial_conn_ms": grab(r"^initial connection time = ([0-9.]+) ms"),
        "tps": grab(r"^tps = ([0-9.]+)"),
    }


def percentile(sorted_values: list, p: float):
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def parse_log_latencies_us(lines) -> list:
    """Latencies (microseconds) from pgbench --log lines: `client txn time_us script epoch us ...`.

    Failed or skipped transactions (a non-numeric third field) are left out."""
    out = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 3 and parts[2].isdigit():
            out.append(int(parts[2]))
    return out


def parse_perf_csv(text: str) -> dict:
    """`perf stat -x,` output: event name -> count (None when not counted/supported)."""
    counts = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split(",")
        if len(fields) < 3:
            continue
        name = fields[2].split(":")[0]
        try:
            counts[name] = float(fields[0])
        except ValueError:
            counts[name] = None
    return counts


def parse_perf_interval_line(line: str):
    """One `perf stat -I -x,` line (`time,count,unit,event,...`) -> (event, count or None)."""
    fields = line.strip().split(",")
    if len(fields) < 4:
        return None
    try:
        float(fields[0])
    except ValueError:
        return None
    try:
        count = float(fields[1])
    except ValueError:
        count = None
    return fields[3].split(":")[0], count


def parse_proc_pid_stat(text: str) -> dict:
    """ppid and CPU ticks from /proc/<pid>/stat (the command may contain spaces and parens)."""
    rest = text[text.rindex(")") + 2 :].split()
    # rest[0] is field 3 (state): field n is rest[n - 3].
    return {
        "ppid": int(rest[1]),
        "utime": int(rest[11]),
        "stime": int(rest[12]),
        "cutime": int(rest[13]),
        "cstime": int(rest[14]),
    }


def parse_proc_stat(text: str) -> dict:
    """System-wide context switches and busy CPU ticks from /proc/stat."""
    ctxt = busy = 0
    for line in text.splitlines():
        if line.startswith("ctxt "):
            ctxt = int(line.split()[1])
        elif line.startswith("cpu "):
            v = [int(x) for x in line.split()[1:]]
            # user nice system idle iowait irq softirq steal (guest is counted in user); steal
            # is time the hypervisor gave to someone else, so it is not busy time of this machine
            busy = v[0] + v[1] + v[2] + v[5] + v[6]
    return {"ctxt": ctxt, "busy_ticks": busy}


def summarise(values: list) -> tuple:
    """(median, min, max) of the values that exist; blanks when none does."""
    vals = [v for v in values if v is not None]
    if not vals:
        return ("", "", "")
    return (statistics.median(vals), min(vals), max(vals))


def fmt(v) -> str:
    if v is None or v == "":
        return ""
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.6g}" if abs(v) >= 1e-3 else f"{v:.3e}"
    return str(v)


def self_test() -> int:
    sample = """pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: <builtin: select only>
scaling factor: 10
query mode: simple
number of clients: 4
number of threads: 2
maximum number of tries: 1
duration: 2 s
number of transactions actually processed: 40211
number of failed transactions: 0 (0.000%)
latency average = 0.198 ms
average connection time = 1.250 ms
tps = 20098.123456 (including reconnection times)
"""
    r = parse_pgbench_output(sample)
    assert r["txns"] == 40211 and r["failed_txns"] == 0, r
    assert r["lat_avg_ms"] == 0.198 and r["conn_ms"] == 1.25 and r["tps"] == 20098.123456, r
    assert parse_pgbench_output("garbage")["tps"] is None
    assert percentile([], 50) is None
    vals = list(range(1, 101))
    assert percentile(vals, 50) == 50 and percentile(vals, 95) == 95 and percentile(vals, 99) == 99
    assert percentile([7], 99) == 7
    lat = parse_log_latencies_us(
        ["0 1 250 0 1700000000 12345", "1 2 failed 0 1 2", "", "3 4 99 0 1 2 0"]
    )
    assert lat == [250, 99], lat
    perf = parse_perf_csv(
        "# started on x\n\n1383,,context-switches,1002055725,100.00,,\n"
        "<not supported>,,cpu-migrations,0,100.00,,\n"
    )
    assert perf == {"context-switches": 1383.0, "cpu-migrations": None}, perf
    assert parse_perf_interval_line(
        "     0.250357083,123,,context-switches,500545716,100.00,,\n"
    ) == ("context-switches", 123.0)
    assert parse_perf_interval_line("0.5,<not counted>,,cpu-migrations,0,0,,") == (
        "cpu-migrations",
        None,
    )
    assert parse_perf_interval_line("#           time counts unit events") is None
    st = parse_proc_pid_stat(
        "42 (post (gres)) S 7 42 42 0 -1 4194560 100 0 0 0 11 22 33 44 20 0 1 0 5 0 0"
    )
    assert st == {"ppid": 7, "utime": 11, "stime": 22, "cutime": 33, "cstime": 44}, st
    ps = parse_proc_stat("cpu  10 1 5 100 3 2 4 6 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\nctxt 999\n")
    assert ps == {"ctxt": 999, "busy_ticks": 10 + 1 + 5 + 2 + 4}, ps
    assert summarise([3.0, None, 1.0, 2.0]) == (2.0, 1.0, 3.0)
    assert summarise([None]) == ("", "", "")
    assert fmt(2.0) == "2" and fmt(0.19849) == "0.19849" and fmt(None) == "" and fmt(7) == "7"
    cfg, _ = parse_args(["--quick"])
    assert cfg.seconds >= 1 and cfg.grid is QUICK_GRID
    print("lab.py self-test: ok")
    return 0


# ---------------------------------------------------------------------------------------------
# System helpers


def read(path: str) -> str:
    with open(path) as f:
        return f.read()


def loadavg() -> str:
    return " ".join(read("/proc/loadavg").split()[:3])


def first_line(cmd: list) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


def dpkg_installed(pkg: str) -> bool:
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True
        )
    except OSError:
        return False
    return "install ok installed" in out.stdout


def ensure_packages(cfg: Config, notes: list) -> None:
    required = {"postgresql-15": f"{PG_BIN}/postgres", "pgbouncer": PGBOUNCER}
    optional = ["linux-perf"] if cfg.perf else []
    missing = [p for p, binary in required.items() if not os.path.exists(binary)]
    missing_opt = [p for p in optional if not dpkg_installed(p)]
    if not missing and not missing_opt:
        return
    if not cfg.install or os.geteuid() != 0 or not shutil.which("apt-get"):
        if missing:
            raise LabError(
                f"missing {' '.join(missing)}; install by hand: apt-get install -y {' '.join(missing)}"
            )
        notes.append(f"optional {' '.join(missing_opt)} not installed (not root or --no-install)")
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    log(f"installing {' '.join(missing + missing_opt)} (apt-get)")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    if missing:
        r = subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=env)
        if r.returncode != 0 or any(not os.path.exists(required[p]) for p in missing):
            raise LabError(f"apt-get install {' '.join(missing)} failed; install them by hand")
    for pkg in missing_opt:
        r = subprocess.run(["apt-get", "install", "-y", "-qq", pkg], env=env)
        if r.returncode != 0:
            notes.append(f"optional package {pkg} could not be installed")


def raise_nofile(notes: list) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, NOFILE_WANTED)
    if hard != resource.RLIM_INFINITY and hard < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
            return want
        except (ValueError, OSError):
            want = hard
            notes.append(f"RLIMIT_NOFILE hard limit is {hard}; 1000 clients may not fit")
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return want


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def proc_cpu_ticks(pid: int, with_children: bool) -> int:
    try:
        st = parse_proc_pid_stat(read(f"/proc/{pid}/stat"))
    except (OSError, ValueError):
        return 0
    ticks = st["utime"] + st["stime"]
    if with_children:
        ticks += st["cutime"] + st["cstime"]
    return ticks


def children_of(parent: int) -> list:
    try:  # one read when the kernel has CONFIG_PROC_CHILDREN (the postmaster has one thread)
        return [int(p) for p in read(f"/proc/{parent}/task/{parent}/children").split()]
    except OSError:
        pass
    kids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            if parse_proc_pid_stat(read(f"/proc/{name}/stat"))["ppid"] == parent:
                kids.append(int(name))
        except (OSError, ValueError):
            continue
    return kids


def postgres_tree_ticks(postmaster: int) -> int:
    """CPU ticks of the postmaster, its reaped backends (cutime/cstime) and its live children.

    A backend alive at the first snapshot and reaped before the second moves from the children
    sum into cutime/cstime, so deltas count every backend, short-lived ones included."""
    return proc_cpu_ticks(postmaster, True) + sum(
        proc_cpu_ticks(k, False) for k in children_of(postmaster)
    )


def nr_migrations(pids: list) -> int:
    total = 0
    for pid in pids:
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                for line in read(f"/proc/{pid}/task/{task}/sched").splitlines():
                    if line.startswith("se.nr_migrations"):
                        total += int(line.split(":")[1])
        except (OSError, ValueError):
            continue
    return total


def perf_works() -> tuple[bool, str]:
    if not shutil.which(PERF):
        return False, "perf is not installed"
    try:
        r = subprocess.run(
            [PERF, "stat", "-a", "-x,", "-e", "context-switches,cpu-migrations", "--", "true"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError) as e:
        return False, f"perf failed to run: {e}"
    counts = parse_perf_csv(r.stderr)
    if r.returncode != 0 or counts.get("cpu-migrations") is None:
        tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["no output"]
        return False, f"perf stat -a does not count cpu-migrations here ({tail[0]})"
    return True, "ok"


# ---------------------------------------------------------------------------------------------
# A minimal PostgreSQL wire-protocol client, to hold idle connections without a process each


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise LabError("server closed the connection")
        buf += chunk
    return buf


def _until_ready(sock: socket.socket) -> None:
    while True:
        head = _recv_exact(sock, 5)
        kind, length = head[:1], struct.unpack("!i", head[1:])[0]
        body = _recv_exact(sock, length - 4)
        if kind == b"E":
            fields = {f[:1]: f[1:].decode(errors="replace") for f in body.split(b"\0") if f}
            raise LabError(f"server error: {fields.get(b'M', body)!r}")
        if kind == b"R" and struct.unpack("!i", body[:4])[0] != 0:
            raise LabError("server asked for a password (the lab expects trust authentication)")
        if kind == b"Z":
            return


def wire_connect(address, query: str | None = "SELECT 1") -> socket.socket:
    """Connects (trust authentication), optionally runs one query, returns the open socket."""
    if isinstance(address, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(30)
    try:
        sock.connect(address)
        params = b""
        for k, v in (("user", DB_USER), ("database", DB), ("application_name", IDLE_APP)):
            params += k.encode() + b"\0" + v.encode() + b"\0"
        params += b"\0"
        sock.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
        _until_ready(sock)
        if query is not None:
            q = query.encode() + b"\0"
            sock.sendall(b"Q" + struct.pack("!i", 4 + len(q)) + q)
            _until_ready(sock)
    except BaseException:
        sock.close()
        raise
    return sock


# ---------------------------------------------------------------------------------------------
# The lab


def socket_count(pid: int) -> int:
    """Open sockets of a process (-1 once it is gone)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return -1
    n = 0
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:"):
                n += 1
        except OSError:
            continue
    return n


class Window(threading.Thread):
    """The steady-state window of one pgbench run: a snapshot once pgbench has opened all its
    connections (and SETTLE_S more), another END_MARGIN_S before its -T runs out. Between them
    it sleeps, so it costs nothing while the run is measured."""

    def __init__(self, lab, pid: int, connections: int, t0: float, total_t: int):
        super().__init__(daemon=True)
        self.lab, self.pid, self.connections = lab, pid, connections
        self.t0, self.total_t = t0, total_t
        self.stop = threading.Event()
        self.start_snap = None
        self.end_snap = None

    def run(self) -> None:
        end_at = self.t0 + self.total_t - END_MARGIN_S
        if self.connections:
            while not self.stop.is_set() and time.monotonic() < end_at - 0.5:
                try:
                    n_fds = len(os.listdir(f"/proc/{self.pid}/fd"))
                except OSError:
                    return
                if n_fds >= self.connections and socket_count(self.pid) >= self.connections:
                    break
                self.stop.wait(0.05)
        if self.stop.wait(SETTLE_S):
            return
        self.start_snap = self.lab.snapshot(self.pid)
        if self.stop.wait(max(0.0, end_at - time.monotonic())):
            return
        self.end_snap = self.lab.snapshot(self.pid)


class PerfIntervals:
    """`perf stat -a -I` running beside pgbench; each interval's counts are timestamped when
    they arrive, so they can be summed over the steady-state window."""

    def __init__(self):
        self.proc = None
        self.reader = None
        self.lines = []  # (monotonic arrival time, event, count or None)

    def start(self) -> subprocess.Popen:
        self.proc = subprocess.Popen(
            [PERF, "stat", "-a", "-x,", "-I", str(PERF_INTERVAL_MS)]
            + ["-e", "context-switches,cpu-migrations"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        time.sleep(0.2)  # let perf open its counters
        return self.proc

    def _read(self) -> None:
        for line in self.proc.stderr:
            parsed = parse_perf_interval_line(line)
            if parsed:
                self.lines.append((time.monotonic(), *parsed))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=5)

    def rate(self, event: str, start: float, end: float):
        """Counts per second over the intervals that lie within [start, end]."""
        step = PERF_INTERVAL_MS / 1000.0
        counts = [
            c
            for t, e, c in self.lines
            if e == event and t - step >= start - 0.05 and t <= end + 0.05
        ]
        if not counts or any(c is None for c in counts):
            return None
        return sum(counts) / (len(counts) * step)


class Lab:
    def __init__(self, cfg: Config, notes: list, nofile: int, load_start: str):
        self.cfg = cfg
        self.notes = notes
        self.nofile = nofile
        self.load_start = load_start
        self.load_first_point = ""
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.tmp = None
        self.sock = None
        self.pg = None
        self.pg_log = None
        self.bouncer = None
        self.bouncer_log = None
        self.perf_proc = None
        self.pgbench_proc = None
        self.idle = []
        self.raw_rows = []
        self.written = []
        self.versions = {}
        self.use_perf = False
        self.migration_source = ""
        self.server_uid = os.geteuid()
        self.server_gid = os.getegid()
        self.pg_settings = {}
        self.bouncer_settings = {}

    # ----- paths and commands

    def addr(self, route: str):
        port = self.cfg.pg_port if route == "direct" else self.cfg.bouncer_port
        if self.cfg.transport == "unix":
            return os.path.join(self.sock, f".s.PGSQL.{port}")
        return ("127.0.0.1", port)

    def conn_args(self, route: str) -> list:
        port = self.cfg.pg_port if route == "direct" else self.cfg.bouncer_port
        host = self.sock if self.cfg.transport == "unix" else "127.0.0.1"
        return ["-h", host, "-p", str(port), "-U", DB_USER]

    def server_popen(self, args: list, logfile: str) -> subprocess.Popen:
        out = open(logfile, "ab")
        kwargs = {}
        if os.geteuid() == 0:
            kwargs = {"user": self.server_uid, "group": self.server_gid, "extra_groups": []}
        try:
            return subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=self.server_env(),
                **kwargs,
            )
        finally:
            out.close()

    def server_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(HOME=self.tmp, LC_ALL="C")
        return env

    def run_as_server(self, args: list, what: str) -> None:
        kwargs = {}
        if os.geteuid() == 0:
            kwargs = {"user": self.server_uid, "group": self.server_gid, "extra_groups": []}
        r = subprocess.run(
            args, capture_output=True, text=True, env=self.server_env(), cwd=self.tmp, **kwargs
        )
        if r.returncode != 0:
            raise LabError(f"{what} failed: {(r.stderr or r.stdout).strip()[-500:]}")

    def psql(self, sql: str, route: str = "direct") -> str:
        r = subprocess.run(
            [f"{PG_BIN}/psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"]
            + [
                "-h",
                self.sock,
                "-p",
                str(self.cfg.pg_port if route == "direct" else self.cfg.bouncer_port),
            ]
            + ["-U", DB_USER, "-d", DB, "-c", sql],
            capture_output=True,
            text=True,
            env=self.client_env(),
        )
        if r.returncode != 0:
            raise LabError(f"psql `{sql}` failed: {r.stderr.strip()}")
        return r.stdout.strip()

    def client_env(self) -> dict:
        return {k: v for k, v in os.environ.items() if not k.startswith("PG")}

    # ----- setup

    def setup(self) -> None:
        cfg = self.cfg
        for port in (cfg.pg_port, cfg.bouncer_port):
            if not port_free(port):
                raise LabError(
                    f"port {port} is in use; choose others with LAB_PG_PORT/LAB_BOUNCER_PORT"
                )
        self.tmp = tempfile.mkdtemp(prefix="poolsim-lab-")
        os.chmod(self.tmp, 0o755)
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise LabError("user `postgres` does not exist (it comes with postgresql-common)")
            self.server_uid, self.server_gid = pw.pw_uid, pw.pw_gid
        self.sock = os.path.join(self.tmp, "sock")
        data = os.path.join(self.tmp, "data")
        for d in (self.sock,):
            os.mkdir(d)
        for path in (self.tmp, self.sock):
            os.chown(path, self.server_uid, self.server_gid)
        os.mkdir(os.path.join(self.tmp, "runs"))

        self.versions = {
            "postgres": first_line([f"{PG_BIN}/postgres", "--version"]),
            "pgbench": first_line([f"{PG_BIN}/pgbench", "--version"]),
            "pgbouncer": first_line([PGBOUNCER, "--version"]),
            "perf": first_line([PERF, "--version"]) if shutil.which(PERF) else "not installed",
            "python": platform.python_version(),
        }

        log(f"initdb in {data}")
        self.run_as_server(
            [
                f"{PG_BIN}/initdb",
                "-D",
                data,
                "-U",
                DB_USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            "initdb",
        )
        self.pg_settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(cfg.pg_port),
            "unix_socket_directories": self.sock,
            "max_connections": "1100",
            "shared_buffers": "256MB",
            "fsync": "on",
            "synchronous_commit": "on",
            "autovacuum": "off",
            "max_wal_size": "4GB",
            "checkpoint_timeout": "30min",
            "log_min_messages": "warning",
            "log_connections": "off",
        }
        with open(os.path.join(data, "postgresql.conf"), "a") as f:
            f.write("\n# poolsim lab\n")
            for k, v in self.pg_settings.items():
                f.write(f"{k} = '{v}'\n")
        self.pg_log = os.path.join(self.tmp, "postgres.log")
        self.pg = self.server_popen([f"{PG_BIN}/postgres", "-D", data], self.pg_log)
        self.wait_ready("direct", self.pg, self.pg_log, "postgres", db="postgres")
        self.run_as_server(
            [f"{PG_BIN}/createdb", "-h", self.sock, "-p", str(cfg.pg_port), "-U", DB_USER, DB],
            "createdb",
        )
        self.versions["server"] = self.psql("SELECT version()")

        log(f"pgbench -i -s {cfg.scale}")
        r = subprocess.run(
            [
                f"{PG_BIN}/pgbench",
                "-i",
                "-q",
                "-s",
                str(cfg.scale),
                "-h",
                self.sock,
                "-p",
                str(cfg.pg_port),
                "-U",
                DB_USER,
                DB,
            ],
            capture_output=True,
            text=True,
            env=self.client_env(),
        )
        if r.returncode != 0:
            raise LabError(f"pgbench -i failed: {r.stderr.strip()[-500:]}")
        self.psql("VACUUM ANALYZE")
        self.psql("CHECKPOINT")

        self.bouncer_settings = {
            "listen_addr": "127.0.0.1",
            "listen_port": str(cfg.bouncer_port),
            "unix_socket_dir": self.sock,
            "auth_type": "trust",
            "auth_file": os.path.join(self.tmp, "userlist.txt"),
            "pool_mode": "transaction",
            "default_pool_size": str(cfg.pool_size),
            "min_pool_size": "0",
            "reserve_pool_size": "0",
            "max_client_conn": "2000",
            "max_db_connections": "0",
            "listen_backlog": "4096",
            "ignore_startup_parameters": "extra_float_digits",
            "log_connections": "0",
            "log_disconnections": "0",
        }
        with open(self.bouncer_settings["auth_file"], "w") as f:
            f.write(f'"{DB_USER}" ""\n')
        ini = os.path.join(self.tmp, "pgbouncer.ini")
        with open(ini, "w") as f:
            f.write(
                f"[databases]\n{DB} = host={self.sock} port={cfg.pg_port} dbname={DB}\n\n[pgbouncer]\n"
            )
            for k, v in self.bouncer_settings.items():
                f.write(f"{k} = {v}\n")
        for path in (ini, self.bouncer_settings["auth_file"]):
            os.chown(path, self.server_uid, self.server_gid)
        self.bouncer_log = os.path.join(self.tmp, "pgbouncer.out")
        self.bouncer = self.server_popen([PGBOUNCER, ini], self.bouncer_log)
        self.wait_ready("pgbouncer", self.bouncer, self.bouncer_log, "pgbouncer")

        if cfg.perf:
            self.use_perf, why = perf_works()
            if not self.use_perf:
                self.notes.append(why)
        if self.use_perf:
            self.migration_source = (
                f"`perf stat -a -I {PERF_INTERVAL_MS} -e context-switches,cpu-migrations` beside "
                "each pgbench run (system-wide, all CPUs), intervals summed over the window"
            )
        else:
            self.migration_source = (
                "sum of `se.nr_migrations` in /proc/<pid>/task/*/sched over the postmaster, its "
                "live backends and PgBouncer (backends that exit during a point are missed, and "
                "pgbench's own migrations are not counted)"
            )
        log(
            f"PostgreSQL on port {cfg.pg_port}, PgBouncer on {cfg.bouncer_port} ({cfg.transport}); warming up"
        )
        for route in ROUTES:
            self.pgbench(
                ["-S", "-T", str(min(5, cfg.seconds)), "-c", str(CORES), "-j", str(CORES)],
                route,
                quiet=True,
            )

    def wait_ready(self, route: str, proc, logfile: str, what: str, db: str = DB) -> None:
        deadline = time.time() + 60
        addr = os.path.join(
            self.sock,
            f".s.PGSQL.{self.cfg.pg_port if route == 'direct' else self.cfg.bouncer_port}",
        )
        while True:
            if proc.poll() is not None:
                raise LabError(f"{what} exited ({proc.returncode}): {tail(logfile)}")
            try:
                s = wire_connect(addr, None) if db == DB else self._probe(addr, db)
                s.close()
                return
            except (OSError, LabError) as e:
                if time.time() > deadline:
                    raise LabError(f"{what} did not become ready: {e}; {tail(logfile)}")
                time.sleep(0.2)

    @staticmethod
    def _probe(addr: str, db: str) -> socket.socket:
        # Like wire_connect, for another database (the `bench` database does not exist yet).
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(5)
        try:
            sock.connect(addr)
            params = f"user\0{DB_USER}\0database\0{db}\0\0".encode()
            sock.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
            _until_ready(sock)
        except BaseException:
            sock.close()
            raise
        return sock

    def pgbench(self, args: list, route: str, quiet: bool = False) -> subprocess.CompletedProcess:
        r = subprocess.run(
            [f"{PG_BIN}/pgbench", "-n", *args, *self.conn_args(route), DB],
            capture_output=True,
            text=True,
            env=self.client_env(),
        )
        if r.returncode != 0 and not quiet:
            raise LabError(f"pgbench {' '.join(args)} failed: {r.stderr.strip()[-500:]}")
        return r

    # ----- idle connections

    def open_idle(self, n: int, route: str) -> float:
        start = time.time()
        addr = self.addr(route)
        for i in range(n):
            try:
                self.idle.append(wire_connect(addr))
            except (OSError, LabError) as e:
                raise LabError(f"idle connection {i + 1}/{n} via {route} failed: {e}")
        return time.time() - start

    def _close_idle_sockets(self) -> None:
        for s in self.idle:
            try:
                s.close()
            except OSError:
                pass
        self.idle = []

    def close_idle(self, route: str) -> None:
        self._close_idle_sockets()
        if route != "direct" or self.pg is None or self.pg.poll() is not None:
            return  # through PgBouncer the idle clients held no backend of their own
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                n = int(
                    self.psql(
                        f"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{IDLE_APP}'"
                    )
                )
            except (LabError, ValueError):
                return
            if n == 0:
                return
            time.sleep(0.2)

    # ----- one measured pgbench run

    def snapshot(self, pgbench_pid: int | None) -> dict:
        """Counters that the steady-state window is the difference of."""
        st = parse_proc_stat(read("/proc/stat"))
        return {
            "t": time.monotonic(),
            "ctxt": st["ctxt"],
            "busy": st["busy_ticks"],
            "pg": postgres_tree_ticks(self.pg.pid),
            "pb": proc_cpu_ticks(self.bouncer.pid, False),
            "bench": proc_cpu_ticks(pgbench_pid, False) if pgbench_pid else 0,
            "mig": None if self.use_perf else nr_migrations(self.watched_pids()),
        }

    def measure(self, sweep: str, route: str, clients: int, idle: int, rep: int) -> dict:
        cfg = self.cfg
        threads = min(clients, CORES)
        sampling = 1.0 if sweep in ("connect_per_txn", "read_write") else cfg.sampling
        persistent = sweep != "connect_per_txn"
        # pgbench's -T clock includes opening its connections (1000 direct ones take seconds):
        # allow for that so the steady part lasts about `seconds`.
        per_conn = CONNECT_ALLOWANCE_S[route] if persistent else 0.0
        total_t = cfg.seconds + math.ceil(max(0.0, clients * per_conn - 0.25))
        rundir = tempfile.mkdtemp(
            prefix=f"{sweep}-{route}-{clients}-{idle}-{rep}-", dir=os.path.join(self.tmp, "runs")
        )
        args = [f"{PG_BIN}/pgbench", "-n", "-T", str(total_t), "-c", str(clients)]
        args += ["-j", str(threads), "--log", f"--log-prefix={os.path.join(rundir, 'txn')}"]
        if sampling < 1:
            args.append(f"--sampling-rate={sampling}")
        if sweep in ("select_only", "idle_connections"):
            args.append("-S")
        elif sweep == "connect_per_txn":
            args += ["-S", "-C"]
        args += [*self.conn_args(route), DB]

        load_before = float(loadavg().split()[0])
        perf = PerfIntervals() if self.use_perf else None
        if perf:
            self.perf_proc = perf.start()
        before = self.snapshot(None)
        t0 = time.monotonic()
        with open(os.path.join(rundir, "stdout"), "w") as out, open(
            os.path.join(rundir, "stderr"), "w"
        ) as err:
            self.pgbench_proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=self.client_env(),
                start_new_session=True,
            )
            pid = self.pgbench_proc.pid
            window = Window(self, pid, clients if persistent else 0, t0, total_t)
            window.start()
            timer = threading.Timer(total_t * 3 + 120, lambda: _kill(pid))
            timer.start()
            try:
                _, status, rusage = os.wait4(pid, 0)
            finally:
                timer.cancel()
                window.stop.set()
                window.join()
            code = os.waitstatus_to_exitcode(status)
            self.pgbench_proc.returncode = code
            self.pgbench_proc = None
        wall = time.monotonic() - t0
        pgbench_total_cpu = rusage.ru_utime + rusage.ru_stime
        if perf:
            perf.stop()
            self.perf_proc = None

        start, end = window.start_snap, window.end_snap
        whole = start is None or end is None or end["t"] - start["t"] < 0.2
        if whole:  # pgbench ended early: fall back to the whole run
            start = before
            end = self.snapshot(None)
            end["bench"] = round(pgbench_total_cpu * CLK_TCK)
        span = end["t"] - start["t"]

        stdout = read(os.path.join(rundir, "stdout"))
        stderr = read(os.path.join(rundir, "stderr"))
        res = parse_pgbench_output(stdout)
        lat_us = []
        for name in os.listdir(rundir):
            if name.startswith("txn"):
                with open(os.path.join(rundir, name)) as f:
                    lat_us.extend(parse_log_latencies_us(f))
        lat_us.sort()
        error = ""
        if code != 0 or res["tps"] is None:
            msgs = [ln for ln in (stderr + stdout).splitlines() if ln.strip()]
            error = f"exit {code}: " + (msgs[-1] if msgs else "no output")
            if code == 1:
                raise LabError(f"pgbench rejected its arguments: {error}")
            self.notes.append(f"{sweep} {route} clients={clients} idle={idle} rep={rep}: {error}")
        if perf:
            migrations_per_s = perf.rate("cpu-migrations", start["t"], end["t"])
            perf_cs_per_s = perf.rate("context-switches", start["t"], end["t"])
        else:
            migrations_per_s = max(0, end["mig"] - start["mig"]) / span
            perf_cs_per_s = None

        def ms(p):
            v = percentile(lat_us, p)
            return None if v is None else v / 1000.0

        def per_s(key):
            return (end[key] - start[key]) / CLK_TCK / span

        row = {
            "sweep": sweep,
            "route": route,
            "transport": cfg.transport,
            "clients": clients,
            "threads": threads,
            "idle_conns": idle,
            "rep": rep,
            "seconds": cfg.seconds,
            "pgbench_T_s": total_t,
            "wall_s": wall,
            "window_s": span,
            "window": "whole run" if whole else "steady",
            "exit_code": code,
            "txns": res["txns"],
            "failed_txns": res["failed_txns"],
            "tps": res["tps"],
            "lat_avg_ms": res["lat_avg_ms"],
            "lat_log_mean_ms": statistics.fmean(lat_us) / 1000.0 if lat_us else None,
            "conn_ms": res["conn_ms"],
            "initial_conn_ms": res["initial_conn_ms"],
            "p50_ms": ms(50),
            "p95_ms": ms(95),
            "p99_ms": ms(99),
            "latency_samples": len(lat_us),
            "sampling_rate": sampling,
            "cs_per_s": (end["ctxt"] - start["ctxt"]) / span,
            "perf_cs_per_s": perf_cs_per_s,
            "migrations_per_s": migrations_per_s,
            "pgbench_cpu_s_per_s": per_s("bench"),
            "postgres_cpu_s_per_s": per_s("pg"),
            "pgbouncer_cpu_s_per_s": per_s("pb"),
            "system_busy_cpu_s_per_s": per_s("busy"),
            "pgbench_cpu_total_s": pgbench_total_cpu,
            "loadavg_1m_before": load_before,
            "error": error,
        }
        if not error:
            shutil.rmtree(rundir, ignore_errors=True)
        return row

    def watched_pids(self) -> list:
        return [self.pg.pid, *children_of(self.pg.pid), self.bouncer.pid]

    # ----- sweeps

    def run_sweep(self, sweep: str) -> None:
        cfg = self.cfg
        points = cfg.grid[sweep]
        rows = []
        for route in ROUTES:
            for n in points:
                clients = IDLE_BUSY_CLIENTS if sweep == "idle_connections" else n
                idle = n if sweep == "idle_connections" else 0
                if sweep == "idle_connections" and idle:
                    opened = self.open_idle(idle, route)
                    log(f"  opened {idle} idle connections via {route} in {opened:.1f} s")
                    time.sleep(cfg.pause)
                reps = []
                for rep in range(1, cfg.reps + 1):
                    if sweep == "read_write":
                        # What pgbench does before a run without -n, plus a checkpoint so that no
                        # repetition pays for the previous one's dirty pages.
                        self.psql("VACUUM pgbench_branches")
                        self.psql("VACUUM pgbench_tellers")
                        self.psql("TRUNCATE pgbench_history")
                        self.psql("CHECKPOINT")
                    if not self.load_first_point:
                        self.load_first_point = loadavg()
                    row = self.measure(sweep, route, clients, idle, rep)
                    reps.append(row)
                    self.raw_rows.append(row)
                    self.write_csv("raw_runs.csv", RAW_FIELDS, self.raw_rows)
                    log(
                        f"{sweep:16} {route:9} clients={clients:<4} idle={idle:<4} rep={rep} "
                        f"tps={fmt(row['tps']) or '-'} avg={fmt(row['lat_avg_ms']) or '-'} ms "
                        f"p99={fmt(row['p99_ms']) or '-'} ms cs/s={row['cs_per_s']:.0f}"
                        + (f" ERROR {row['error']}" if row["error"] else "")
                    )
                    time.sleep(cfg.pause)
                if self.idle:
                    self.close_idle(route)
                rows.append(summary_row(reps))
                self.write_csv(f"{sweep}.csv", summary_fields(), rows)

    def write_csv(self, name: str, fields: list, rows: list) -> None:
        os.makedirs(self.cfg.out, exist_ok=True)
        path = os.path.join(self.cfg.out, name)
        tmp = path + ".tmp"
        with open(tmp, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(fields)
            for r in rows:
                w.writerow([fmt(r.get(k)) for k in fields])
        os.replace(tmp, path)
        if name not in self.written:
            self.written.append(name)

    # ----- teardown

    def teardown(self) -> None:
        self._close_idle_sockets()
        if self.pgbench_proc is not None and self.pgbench_proc.returncode is None:
            _kill(self.pgbench_proc.pid)
            try:
                os.waitpid(self.pgbench_proc.pid, 0)
            except ChildProcessError:
                pass
        if self.perf_proc is not None and self.perf_proc.poll() is None:
            self.perf_proc.kill()
            self.perf_proc.wait()
        if self.bouncer is not None:
            stop(self.bouncer, signal.SIGTERM, "pgbouncer")
        if self.pg is not None:
            kids = children_of(self.pg.pid)
            if not stop(self.pg, signal.SIGINT, "postgres"):  # SIGINT = fast shutdown
                for k in kids:
                    try:
                        os.kill(k, signal.SIGKILL)
                    except OSError:
                        pass
        if self.tmp and os.path.isdir(self.tmp):
            if self.cfg.keep:
                log(f"kept {self.tmp} (LAB_KEEP)")
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
                log(f"removed {self.tmp}")

    # ----- MACHINE.md

    def write_machine(self, status: str, elapsed: float) -> None:
        cfg = self.cfg
        os.makedirs(cfg.out, exist_ok=True)
        cpu_model = "unknown"
        for line in read("/proc/cpuinfo").splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            (
                int(l.split()[1])
                for l in read("/proc/meminfo").splitlines()
                if l.startswith("MemTotal")
            ),
            0,
        )
        try:
            debian = read("/etc/debian_version").strip()
        except OSError:
            debian = "unknown"
        try:
            busiest = subprocess.run(
                ["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"],
                capture_output=True,
                text=True,
            ).stdout.splitlines()[:5]
        except OSError:
            busiest = []
        n_points = sum(len(cfg.grid[s]) * len(ROUTES) for s in cfg.sweeps)
        lines = [
            "# Lab machine and settings",
            "",
            f"Written by `bench/lab/lab.py` ({'quick smoke test' if cfg.quick else 'full run'}). "
            f"Status: **{status}**.",
            "",
            "## Machine",
            "",
            f"- date (UTC): {self.started:%Y-%m-%d %H:%M:%S} start, total wall time {elapsed:.0f} s",
            f"- cores: {CORES} (os.sched_getaffinity), {os.cpu_count()} online",
            f"- CPU: {cpu_model}",
            f"- memory: {mem_kb / 1024 / 1024:.1f} GiB",
            f"- kernel: {platform.release()} ({platform.machine()}), Debian {debian}",
            f"- load average (1, 5, 15 min) before the run: {self.load_start}; "
            f"before the first point: {self.load_first_point or 'n/a'}; at the end: {loadavg()}",
            "- busiest processes at the end (%CPU over their lifetime): "
            + ("; ".join(b.strip() for b in busiest) or "n/a"),
            f"- open-file limit (RLIMIT_NOFILE) for the servers and pgbench: {self.nofile}",
            "",
            "## Versions",
            "",
        ]
        lines += [f"- {k}: {v}" for k, v in self.versions.items()]
        lines += [
            "",
            "## Settings",
            "",
            f"- duration per point: {cfg.seconds} s of steady state, {cfg.reps} repetition(s) per "
            f"point, {cfg.pause:g} s pause between runs; {n_points} points. pgbench's `-T` clock "
            "includes opening its connections, so persistent-connection points get `-T` = "
            "seconds + ceil(clients x allowance - 0.25) with an allowance of "
            + ", ".join(f"{v * 1000:g} ms ({k})" for k, v in CONNECT_ALLOWANCE_S.items())
            + " per connection (`pgbench_T_s` in raw_runs.csv)",
            f"- sweeps: {', '.join(cfg.sweeps)}",
            f"- pgbench: scale {cfg.scale} (`pgbench -i -s {cfg.scale}`), `-n`, threads `-j` = "
            f"min(clients, {CORES}), connects over "
            f"{'TCP to 127.0.0.1' if cfg.transport == 'tcp' else 'Unix sockets'}, "
            "trust authentication, simple query protocol",
            "- tps, lat_avg_ms, conn_ms: as pgbench prints them (tps and the average over its run "
            "after the initial connections; with -C the average includes connecting)",
            "- latency percentiles and lat_log_mean_ms: over pgbench `--log` per-transaction "
            "latencies (nearest rank; with -C they exclude connecting); "
            f"`--sampling-rate={cfg.sampling:g}` in select_only and idle_connections, every "
            "transaction in connect_per_txn and read_write",
            "- measurement window for the rates and CPU figures: from "
            f"{SETTLE_S:g} s after pgbench has all its connections open (its socket count in "
            f"/proc/<pid>/fd) to {END_MARGIN_S:g} s before its -T ends (`window_s`), so neither "
            "the connection storm nor the disconnects are in them; a run that ends early falls "
            "back to the whole run (`window` column of raw_runs.csv)",
            "- context switches (`cs_per_s`): /proc/stat `ctxt`, system-wide; `perf_cs_per_s` is "
            "perf's count when perf works",
            f"- CPU migrations: {self.migration_source or 'n/a'}",
            "- CPU (`*_cpu_s_per_s`: CPU seconds per second of the window, i.e. cores busy): "
            "pgbench from /proc/<pid>/stat (all threads; `pgbench_cpu_total_s` is its wait4() "
            "rusage for the whole run); PostgreSQL = postmaster + backends from /proc/<pid>/stat "
            "(utime+stime of live children, cutime+cstime of reaped ones, so short-lived -C "
            "backends count); PgBouncer from /proc/<pid>/stat; system_busy = user + nice + system + "
            "irq + softirq time of all CPUs from /proc/stat (everything that ran, other jobs "
            "included; not steal)",
            "- read_write: before each repetition `VACUUM pgbench_branches; VACUUM pgbench_tellers; "
            "TRUNCATE pgbench_history; CHECKPOINT`",
            "- PgBouncer reaches PostgreSQL over the Unix socket; its server connections (at most "
            "`default_pool_size`) stay open during the direct points too",
            "",
            "PostgreSQL (`postgresql.conf` additions; everything else is initdb's default):",
            "",
        ]
        lines += [f"    {k} = '{v}'" for k, v in self.pg_settings.items()]
        lines += ["", "PgBouncer (`pgbouncer.ini`):", ""]
        lines += [f"    {k} = {v}" for k, v in self.bouncer_settings.items()]
        lines += ["", "## Files", ""]
        lines += [f"- `{name}`" for name in self.written] or ["- none"]
        lines += ["", "## Notes", ""]
        lines += [f"- {n}" for n in self.notes] or ["- none"]
        with open(os.path.join(cfg.out, "MACHINE.md"), "w") as f:
            f.write("\n".join(lines) + "\n")


def summary_fields() -> list:
    keys = ["sweep", "route", "transport", "clients", "threads", "idle_conns", "seconds", "reps"]
    keys += ["txns_median", "failed_txns_total", "failed_runs"]
    for m in SUMMARY_METRICS:
        keys += [f"{m}_median", f"{m}_min", f"{m}_max"]
    return keys


def summary_row(reps: list) -> dict:
    first = reps[0]
    row = {
        k: first[k]
        for k in ("sweep", "route", "transport", "clients", "threads", "idle_conns", "seconds")
    }
    row["reps"] = len(reps)
    txns = [r["txns"] for r in reps if r["txns"] is not None]
    row["txns_median"] = statistics.median(txns) if txns else None
    row["failed_txns_total"] = sum(r["failed_txns"] or 0 for r in reps)
    row["failed_runs"] = sum(1 for r in reps if r["error"])
    for m in SUMMARY_METRICS:
        med, lo, hi = summarise([r[m] for r in reps])
        row[f"{m}_median"], row[f"{m}_min"], row[f"{m}_max"] = med, lo, hi
    return row


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def stop(proc: subprocess.Popen, sig: int, what: str) -> bool:
    """Signals `proc`, waits up to 30 s, then kills it; True when it stopped on the signal."""
    if proc.poll() is not None:
        return True
    try:
        proc.send_signal(sig)
        proc.wait(timeout=30)
        return True
    except subprocess.TimeoutExpired:
        log(f"{what} did not stop; killing it")
        proc.kill()
        proc.wait()
        return False


def tail(path: str, n: int = 5) -> str:
    try:
        return " | ".join(read(path).strip().splitlines()[-n:])
    except OSError:
        return "(no log)"


def estimate_seconds(cfg: Config) -> float:
    total = 30.0  # set-up and teardown
    for sweep in cfg.sweeps:
        for route in ROUTES:
            for n in cfg.grid[sweep]:
                clients = IDLE_BUSY_CLIENTS if sweep == "idle_connections" else n
                per_conn = 0.0 if sweep == "connect_per_txn" else CONNECT_ALLOWANCE_S[route]
                total_t = cfg.seconds + math.ceil(max(0.0, clients * per_conn - 0.25))
                extra = 1.0 if sweep == "read_write" else 0.0  # vacuum, checkpoint
                total += cfg.reps * (total_t + cfg.pause + 0.5 + extra)
                if sweep == "idle_connections":
                    total += n * (0.006 if route == "direct" else 0.0005) + cfg.pause
    return total


def main(argv: list) -> int:
    cfg, selftest = parse_args(argv)
    if selftest:
        return self_test()
    begun = time.monotonic()
    load_start = loadavg()
    notes = []

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    try:
        ensure_packages(cfg, notes)
    except LabError as e:
        print(f"lab: {e}", file=sys.stderr)
        return 1
    nofile = raise_nofile(notes)
    os.makedirs(cfg.out, exist_ok=True)
    for name in [f"{s}.csv" for s in SWEEPS] + ["raw_runs.csv", "MACHINE.md"]:
        path = os.path.join(cfg.out, name)
        if os.path.exists(path):
            os.remove(path)
    est = estimate_seconds(cfg)
    log(
        f"{'quick' if cfg.quick else 'full'} run: {cfg.seconds} s x {cfg.reps} rep(s) per point, "
        f"sweeps {', '.join(cfg.sweeps)}; about {est / 60:.0f} min; load average {load_start}; "
        f"results in {cfg.out}"
    )
    if float(load_start.split()[0]) > 0.5 * CORES:
        log(
            f"warning: load average {load_start} on {CORES} cores: the machine is busy, expect noise"
        )
        notes.append(f"the machine was busy when the run started (load average {load_start})")
    lab = Lab(cfg, notes, nofile, load_start)
    status = "failed"
    code = 1
    try:
        lab.setup()
        for sweep in cfg.sweeps:
            log(f"== {sweep}: {SWEEP_TEXT[sweep]}")
            lab.run_sweep(sweep)
        status = "complete"
        code = 0
    except LabError as e:
        status = f"failed: {e}"
        print(f"lab: {e}", file=sys.stderr)
        if lab.pg_log:
            print(f"lab: postgres log tail: {tail(lab.pg_log)}", file=sys.stderr)
    except KeyboardInterrupt:
        status = "interrupted"
        code = 130
        print("lab: interrupted", file=sys.stderr)
    except SystemExit as e:
        status = "terminated"
        code = e.code if isinstance(e.code, int) else 1
    except Exception as e:  # a bug: show where, still tear down
        status = f"failed: {e!r}"
        traceback.print_exc()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        lab.teardown()
        try:
            lab.write_machine(status, time.monotonic() - begun)
        except Exception as e:  # never hide the run's own outcome
            print(f"lab: could not write MACHINE.md: {e}", file=sys.stderr)
    elapsed = time.monotonic() - begun
    log(
        f"{status} in {elapsed:.0f} s; results in {cfg.out}: {', '.join(lab.written + ['MACHINE.md'])}"
    )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
