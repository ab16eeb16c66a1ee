#!/usr/bin/env python3
"""Times the reference planner's top-k search (scripts/bench.sh).

Runs estimate_best_pool.estimate_best_buckets of the paper's released code
(github.com/locuslab/scaling_laws_data_filtering; not part of qqt, never committed here) at N
log-spaced budgets, with the parameters of qqt's default config (configs/datacomp-medium-tmars-
imagenet.yaml: a = 0.025, d = 0.1, b and tau of the four T-MARS buckets, 12.8M samples per bucket,
objective effective_utility) or the b and tau given (comma lists, e.g. tests/data/pools-8.yaml's),
and prints the wall time of that loop in milliseconds (Python's start-up and imports excluded).
Budgets are log-spaced and rounded to whole samples as qqt's --budgets FROM:TO:N does.

usage: reference_topk.py REFERENCE_DIR FROM TO N [B_LIST TAU_LIST]
"""
import io
import math
import os
import sys
import time
import contextlib


def main():
    ref_dir, lo, hi, count = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    sys.path.insert(0, ref_dir)
    os.chdir(ref_dir)
    with contextlib.redirect_stdout(io.StringIO()):
        import estimate_best_pool  # noqa: E402 (the reference checkout)
    b_values = [-0.16, -0.125, -0.10, -0.085]
    c_values = [6.7273, 8.5455, 5.2727, 2.2727]
    if len(sys.argv) > 6:
        b_values = [float(v) for v in sys.argv[5].split(",")]
        c_values = [float(v) for v in sys.argv[6].split(",")]
    a_values = [0.025] * len(b_values)
    step = (math.log(hi) - math.log(lo)) / (count - 1)
    budgets = [lo if i == 0 else hi if i == count - 1 else round(math.exp(math.log(lo) + step * i)) for i in range(count)]
    start = time.perf_counter()
    best = []
    for n in budgets:
        _, k, _ = estimate_best_buckets_quiet(estimate_best_pool, a_values, b_values, c_values, int(n))
        best.append(k)
    elapsed = time.perf_counter() - start
    print(f"{elapsed * 1000:.1f}")


def estimate_best_buckets_quiet(module, a_values, b_values, c_values, n):
    return module.estimate_best_buckets(a_values, b_values, c_values, n, 12_800_000, "effective_utility", 0.1)


if __name__ == "__main__":
    main()
