#!/usr/bin/env python3
"""Run one command; print its wall time, CPU time and peak RSS as one JSON line.

    python3 bench/measure.py [--timeout SECS] -- COMMAND [ARGS...]

prints {"wall_s": ..., "user_s": ..., "sys_s": ..., "max_rss_kib": ..., "exit": ...,
"timed_out": ...} on stdout; the command's own stdout and stderr go to this script's stderr.

CPU times and peak RSS come from GNU time (/usr/bin/time; `apt-get install -y time`), which
reports the kernel's wait4() accounting of the command. They are not taken with os.wait4 here:
a child forked from Python starts with a copy of the interpreter's memory, and Linux carries
that high-water mark over exec into ru_maxrss, so every command would seem to use at least as
much as this interpreter (about 14 MiB). GNU time is small, so its floor is about 2 MiB. Wall
time is measured here, with a monotonic clock, around the whole run. A command still running
after --timeout seconds is killed and reported with "timed_out": true.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

GNU_TIME = "/usr/bin/time"


def main():
    argv = sys.argv[1:]
    timeout = None
    if argv[:1] == ["--timeout"]:
        timeout = float(argv[1])
        argv = argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if not os.access(GNU_TIME, os.X_OK):
        print(f"measure.py: {GNU_TIME} is missing (apt-get install -y time)", file=sys.stderr)
        return 2
    if shutil.which(argv[0]) is None:
        print(f"measure.py: cannot run {argv[0]!r}", file=sys.stderr)
        return 2

    with tempfile.NamedTemporaryFile("r", prefix="measure-", suffix=".txt") as report:
        command = [GNU_TIME, "-f", "%M %U %S", "-o", report.name, "--", *argv]
        started = time.perf_counter()
        # A new session, so that a timeout kills the command together with GNU time.
        child = subprocess.Popen(command, stdout=sys.stderr, stderr=sys.stderr, start_new_session=True)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            os.killpg(child.pid, signal.SIGKILL)

        timer = None
        if timeout is not None:
            timer = threading.Timer(timeout, kill)
            timer.daemon = True
            timer.start()
        exit_code = child.wait()
        wall = time.perf_counter() - started
        if timer is not None:
            timer.cancel()
        # GNU time writes "Command exited with non-zero status N" first when the command failed;
        # the figures are on the last line. Nothing is written when it was killed.
        lines = report.read().split("\n")
    figures = [line for line in lines if line.strip()]
    max_rss_kib, user_s, sys_s = (None, None, None)
    if figures:
        parts = figures[-1].split()
        if len(parts) == 3:
            max_rss_kib, user_s, sys_s = int(parts[0]), float(parts[1]), float(parts[2])
    print(
        json.dumps(
            {
                "wall_s": round(wall, 4),
                "user_s": user_s,
                "sys_s": sys_s,
                "max_rss_kib": max_rss_kib,
                "exit": exit_code,
                "timed_out": timed_out.is_set(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
