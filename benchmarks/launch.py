"""Run one measured command from a small launcher process: its wall time, CPU time, peak memory.

A process's peak resident set (ru_maxrss) counts what it held before it exec'd, which is a
copy of (or, with vfork, the very) memory of the process that started it. Started straight
from the benchmark, which has generated registers and imported libraries, a bare PyYAML load
of 100 treatments read as 55 MiB instead of 18. Here a launcher (a Python without site, a
few MiB) starts the command and reports its child's rusage, so the figures are the command's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

_LAUNCHER = (
    "import os, sys, time\n"
    "out, argv = sys.argv[1], sys.argv[2:]\n"
    "start = time.perf_counter()\n"
    "pid = os.posix_spawnp(argv[0], argv, os.environ)\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "wall = time.perf_counter() - start\n"
    "with open(out, 'w') as f:\n"
    "    f.write(f'{wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}')\n"
)


def run(argv: list[str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MiB, exit code) of `argv` run to its end; a
    command that fails (an exit code other than 0 and 1, rgpdcheck's « des constats ») stops
    the benchmark with its stderr."""
    fd, result = tempfile.mkstemp(suffix=".measure")
    os.close(fd)
    try:
        process = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, result, *argv],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        with open(result, encoding="ascii") as f:
            fields = f.read().split()
    finally:
        os.unlink(result)
    if process.returncode != 0 or len(fields) != 4:
        raise SystemExit(f"launching {' '.join(argv)} failed:\n{process.stderr.decode(errors='replace')}")
    wall, cpu, rss, code = fields
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({code}):\n{process.stderr.decode(errors='replace')}")
    return float(wall), float(cpu), int(rss) / 1024, int(code)
