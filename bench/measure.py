#!/usr/bin/env python3
"""Run a command, print wall time, CPU time and the peak RSS of the command alone.

usage: measure.py LABEL UNITS COUNT BYTES -- CMD...
prints: LABEL  <seconds> s  <COUNT/s> UNITS/s  <MB/s> MB/s  cpu <s> s (<cores>)  peak RSS <MiB> MiB

CPU time is user + system of all the command's threads; divided by the wall
time it says how many cores the command kept busy.
"""
import os
import resource
import subprocess
import sys
import time


def main():
    label, units, count, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    t0 = time.monotonic()
    with open(os.devnull, "w") as null:
        pid = subprocess.Popen(cmd, stdout=null).pid
        _, status, usage = os.wait4(pid, 0)
    dt = time.monotonic() - t0
    if status != 0:
        sys.exit(f"{label}: command failed with status {status}: {' '.join(cmd)}")
    rss = usage.ru_maxrss / 1024.0
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{label:<28} {dt:8.2f} s  {count / dt:12,.0f} {units}/s  {size / dt / 1e6:8.1f} MB/s"
          f"  cpu {cpu:7.2f} s ({cpu / dt:3.1f} cores)  peak RSS {rss:8.1f} MiB")


if __name__ == "__main__":
    main()
