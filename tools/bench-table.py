#!/usr/bin/env python3
"""Turns ordo-one/benchmark `histogramSamples` files into lockprof's table of ratios.

Each benchmark performs 1,000,000 lock+unlock pairs per sample, so a wall-clock sample in ns
divided by 1e6 is ns per pair. Medians are compared with the baselines of the same run.
"""
import os
import re
import statistics
import sys

OPS_PER_SAMPLE = 1_000_000
NAME = re.compile(r"^[^.]+\.LockBenchmarks\.(?P<name>.+)\.(?P<metric>[A-Za-z]+)\.histogram\.samples\.tsv$")


def load(directory):
    results = {}
    for file in os.listdir(directory):
        match = NAME.match(file)
        if not match:
            continue
        with open(os.path.join(directory, file)) as handle:
            values = [float(line) for line in handle.read().split("\n")[1:] if line.strip()]
        if values:
            results.setdefault(match["name"].replace("_", " "), {})[match["metric"]] = values
    return results


def main():
    results = load(sys.argv[1])
    if not results:
        sys.exit("bench: no benchmark results were produced")
    median_ns = {name: statistics.median(m["wallClock"]) / OPS_PER_SAMPLE for name, m in results.items() if "wallClock" in m}
    print(f"{'benchmark':<44} {'ns/op':>8} {'time ÷ pthread':>15} {'time ÷ Mutex':>13} {'throughput ÷ pthread':>21} {'mallocs':>8}")
    for group in ("uncontended", "hammer-2"):
        pthread = median_ns.get(f"{group} pthread mutex t")
        mutex = median_ns.get(f"{group} Synchronization.Mutex")
        for name in sorted(n for n in median_ns if n.startswith(group)):
            ns = median_ns[name]
            metrics = results[name]
            mallocs = statistics.median(metrics["mallocCountTotal"]) if "mallocCountTotal" in metrics else float("nan")
            ratio_p = f"{ns / pthread:.2f}×" if pthread else "-"
            ratio_m = f"{ns / mutex:.2f}×" if mutex else "-"
            throughput = f"{pthread / ns:.2f}×" if pthread else "-"
            print(f"{name:<44} {ns:>8.2f} {ratio_p:>15} {ratio_m:>13} {throughput:>21} {mallocs:>8.0f}")
    print(f"median of {min(len(m['wallClock']) for m in results.values() if 'wallClock' in m)}+ samples of {OPS_PER_SAMPLE:,} ops each;"
          " mallocs are per sample (per million ops, harness included).")


if __name__ == "__main__":
    main()
