#!/usr/bin/env python3
"""Summarises JFR execution samples: share of samples per thread group, and per method (self
time: the top frame; total time: anywhere on the stack) for the threads that match a pattern.

  jfr print --json --events jdk.ExecutionSample rec.jfr > rec.json
  benchmarks/tools/jfr-top.py rec.json [thread-regex] [n]

With jdk.ObjectAllocationSample events instead, each sample counts by its weight (bytes
allocated), so the shares are of allocated bytes.

Threads: Spark task threads are "Executor task launch worker ...", the driver is "main", the
emulator's are "together-emulator-..." (by default all threads are counted).
"""
import json
import re
import sys
from collections import Counter


def frames(ev):
    st = ev["values"].get("stackTrace") or {}
    for f in st.get("frames", []):
        m = f.get("method") or {}
        t = (m.get("type") or {}).get("name", "?")
        yield t.split(".")[-1].replace("/", ".") + "." + m.get("name", "?")


def main():
    data = json.load(open(sys.argv[1]))
    pattern = re.compile(sys.argv[2]) if len(sys.argv) > 2 else re.compile(".*")
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    events = data["recording"]["events"]
    groups = Counter()
    selfc = Counter()
    total = Counter()
    count = 0
    for ev in events:
        th = (ev["values"].get("sampledThread") or {}).get("javaName") or "?"
        g = re.sub(r"[ -]?\d+.*$", "", th) or th
        w = ev["values"].get("weight", 1) or 1
        groups[g] += w
        if not pattern.search(th):
            continue
        count += w
        fs = list(frames(ev))
        if fs:
            selfc[fs[0]] += w
        for f in set(fs):
            total[f] += w
    all_samples = sum(groups.values())
    print(f"{all_samples} samples (or bytes); by thread group:")
    for g, c in groups.most_common(8):
        print(f"  {100.0 * c / all_samples:5.1f}%  {g}")
    print(f"\n{count} samples (or bytes) of threads matching /{pattern.pattern}/; self time:")
    for f, c in selfc.most_common(n):
        print(f"  {100.0 * c / max(count, 1):5.1f}%  {f}")
    print("total time (on the stack):")
    for f, c in total.most_common(n):
        print(f"  {100.0 * c / max(count, 1):5.1f}%  {f}")


if __name__ == "__main__":
    main()
