#!/usr/bin/env python3
"""Plot the history of every benchmark metric (make bench-plot).

Reads the JSON records the benchmarks write under build/bench/
(<benchmark>-<timestamp>.json, schema in docs/benchmarks.md) and writes one
PNG per metric under <dir>/plots/: the median over time with a min-max
error bar, and the same-run baseline's median when the metric has one.
Also writes <dir>/plots/index.txt: the latest value of every metric.

Python 3 standard library plus gnuplot (Debian gnuplot-nox).

usage: scripts/bench-plot.py [BENCH_DIR]     (default build/bench)
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def load(bench_dir):
    """{(benchmark, metric name): [(timestamp, metric dict)]}, and units."""
    series = {}
    for path in sorted(glob.glob(os.path.join(bench_dir, "*.json"))):
        try:
            with open(path) as f:
                rec = json.load(f)
        except (OSError, ValueError) as e:
            print(f"bench-plot: skipping {path}: {e}", file=sys.stderr)
            continue
        if not isinstance(rec, dict) or "metrics" not in rec:
            continue                    # an older, pre-schema record
        ts = rec.get("timestamp", "")
        for m in rec["metrics"]:
            if m.get("median") is None:
                continue
            key = (rec.get("benchmark", "?"), m["name"])
            series.setdefault(key, []).append((ts, m))
    for points in series.values():
        points.sort(key=lambda p: p[0])
    return series


def slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def gp_str(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plot(key, points, out_png, tmp):
    bench, name = key
    unit = points[-1][1].get("unit", "")
    base = points[-1][1].get("baseline_name")
    data = os.path.join(tmp, slug(bench + "-" + name) + ".dat")
    with open(data, "w") as f:
        for i, (ts, m) in enumerate(points):
            bm = m.get("baseline_median")
            f.write("%d %s %g %g %g %s\n" % (
                i, ts or "?", m["median"], m.get("min", m["median"]),
                m.get("max", m["median"]), "NaN" if bm is None else "%g" % bm))
    plots = [f"{gp_str(data)} using 1:3:4:5:xtic(2) with yerrorlines "
             f"lw 2 pt 7 title {gp_str('median (min-max)')}"]
    if base:
        plots.append(f"{gp_str(data)} using 1:6 with linespoints dt 2 pt 6 "
                     f"title {gp_str('baseline: ' + base)}")
    script = "\n".join([
        "set terminal pngcairo size 900,500 noenhanced",
        f"set output {gp_str(out_png)}",
        f"set title {gp_str(bench + ': ' + name)}",
        f"set ylabel {gp_str(unit)}",
        "set xtics rotate by -35 font ',8'",
        "set grid",
        "set key outside bottom center horizontal",
        "set yrange [0:*]",
        f"set xrange [-0.5:{len(points) - 0.5}]",
        "plot " + ", ".join(plots),
    ]) + "\n"
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    bench_dir = sys.argv[1] if len(sys.argv) > 1 else "build/bench"
    if not shutil.which("gnuplot"):
        print("bench-plot: needs gnuplot (apt-get install gnuplot-nox; "
              "scripts/install-deps.sh lists it)", file=sys.stderr)
        return 1
    series = load(bench_dir)
    if not series:
        print(f"bench-plot: no benchmark records in {bench_dir}",
              file=sys.stderr)
        return 1
    out_dir = os.path.join(bench_dir, "plots")
    os.makedirs(out_dir, exist_ok=True)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for key in sorted(series):
            points = series[key]
            png = os.path.join(out_dir, slug(key[0]) + "--" + slug(key[1]) + ".png")
            plot(key, points, png, tmp)
            ts, m = points[-1]
            ratio = m.get("ratio")
            lines.append("%-18s %-46s %12.4g %-7s %s  (%d runs) %s" % (
                key[0], key[1], m["median"], m.get("unit", ""),
                "" if ratio is None else "ratio %.3f" % ratio, len(points),
                os.path.basename(png)))
    with open(os.path.join(out_dir, "index.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"bench-plot: {len(series)} metrics plotted in {out_dir}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
