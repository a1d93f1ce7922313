"""Benchmark K-means, classical baselines and the deep methods over several seeds.

Prints a Markdown table (ACC, NMI and ARI as mean ± standard deviation over
the seeds, time per run, peak memory) and writes the per-run results and the
summary as JSON and CSV to benchmarks/results/.

Examples
--------
python benchmarks/bench_clustering.py --seeds 5
python benchmarks/bench_clustering.py --dataset mnist --methods kmeans-pixels,recommended --max-samples 10000
"""

import argparse
import csv
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from kmdl.deep.benchmark import BENCHMARK_METHODS, format_table, run_benchmark  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds, 0..N-1 (default 5)")
    parser.add_argument(
        "--dataset",
        default="digits",
        help="digits (default), mnist, fashion_mnist, or a folder with images.npy and labels.npy",
    )
    parser.add_argument(
        "--methods",
        default=",".join(BENCHMARK_METHODS),
        help=f"comma-separated subset of: {', '.join(BENCHMARK_METHODS)} (default all)",
    )
    parser.add_argument(
        "--max-samples",
        type=int,
        default=None,
        help="cluster a stratified subset of this many samples (default all)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"output folder (default {RESULTS})")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds {args.seeds} is invalid: pass a number >= 1")
    args.methods = [name.strip() for name in args.methods.split(",") if name.strip()]
    unknown = [name for name in args.methods if name not in BENCHMARK_METHODS]
    if unknown:
        parser.error(f"--methods: {unknown} not found; choose from {', '.join(BENCHMARK_METHODS)}")
    return args


def main(argv=None):
    args = parse_args(argv)
    print(f"Benchmark on {args.dataset}, seeds 0..{args.seeds - 1}, {len(args.methods)} methods", flush=True)
    runs, summary = run_benchmark(
        dataset=args.dataset,
        seeds=range(args.seeds),
        methods=args.methods,
        max_samples=args.max_samples,
        log=lambda line: print(line, flush=True),
    )
    print()
    print(format_table(summary))

    args.out.mkdir(parents=True, exist_ok=True)
    stem = Path(args.dataset).name if Path(args.dataset).exists() else args.dataset
    record = {
        "dataset": args.dataset,
        "seeds": list(range(args.seeds)),
        "max_samples": args.max_samples,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "processor": platform.machine(), "cpus": os.cpu_count()},
        "summary": summary,
        "runs": runs,
    }
    json_path = args.out / f"bench_{stem}.json"
    json_path.write_text(json.dumps(record, indent=2))
    csv_path = args.out / f"bench_{stem}.csv"
    with csv_path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(summary[0]))
        writer.writeheader()
        writer.writerows(summary)
    print(f"\nWrote {json_path} and {csv_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
