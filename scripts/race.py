#!/usr/bin/env python3
"""Race Stepcraft's interpreter against aws-local-stepfunctions (the peer in ../shared/bench/peer)
on the benchmark workflows, side by side in one run, and print a table with ratios.

usage: scripts/race.py [--peer-dir DIR] [--bin target/release/stepcraft] [--repeat N] [names...]
The peer needs `npm install` in its directory first (copy it out of ../shared if that is read-only).
"""
import argparse, json, os, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
bench = os.path.join(root, "..", "shared", "bench")
ap = argparse.ArgumentParser()
ap.add_argument("--peer-dir", default=os.path.join(bench, "peer"))
ap.add_argument("--bin", default=os.path.join(root, "target", "release", "stepcraft"))
ap.add_argument("--repeat", type=int, default=5)
ap.add_argument("--skip-peer", action="store_true")
ap.add_argument("names", nargs="*", default=["loop100k", "map10k", "choice-heavy", "payload", "parallel", "loop10k", "choice1k"])
a = ap.parse_args()

rows = []
for name in a.names:
    d, i = os.path.join(bench, name + ".asl.json"), os.path.join(bench, name + ".input.json")
    ours = json.loads(subprocess.run([a.bin, "bench", d, "--input", "@" + i, "--repeat", str(a.repeat)],
                                     capture_output=True, text=True, check=True).stdout)
    expected = os.path.join(bench, "expected", name + ".output.json")
    peer = None
    if not a.skip_peer:
        runs = []
        for _ in range(max(1, min(a.repeat, 3))):
            p = subprocess.run(["node", os.path.join(a.peer_dir, "run.mjs"), d, i], capture_output=True, text=True)
            runs.append(json.loads(p.stdout.strip().splitlines()[-1])["run_ms"])
        runs.sort()
        peer = runs[len(runs) // 2]
    rows.append((name, ours, peer))
    jsonata = os.path.join(root, "benches", "workflows", name + "-jsonata.asl.json")
    if os.path.exists(jsonata):
        ours_j = json.loads(subprocess.run([a.bin, "bench", jsonata, "--input", "@" + i, "--repeat", str(a.repeat)],
                                           capture_output=True, text=True, check=True).stdout)
        rows.append((name + " (JSONata vs peer's JSONPath)", ours_j, peer))

print(f"{'workflow':<44}{'states':>9}{'stepcraft ms':>14}{'states/s':>14}{'peer ms':>11}{'ratio':>9}")
for name, ours, peer in rows:
    ratio = f"{peer / ours['run_ms']:.0f}x" if peer else "-"
    print(f"{name:<44}{ours['states_entered']:>9}{ours['run_ms']:>14.3f}{ours['states_per_second']:>14,.0f}{(peer or 0):>11.1f}{ratio:>9}")
