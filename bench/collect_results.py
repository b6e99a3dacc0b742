"""Assemble ``bench/RESULTS.md`` from the sections each benchmark writes (``bench/RESULTS-<name>.md``).

    PYTHONPATH=. python bench/collect_results.py

Each benchmark writes its own section and ``bench/results/<name>.json`` when it runs; this script only
puts the sections together, in a fixed order, under a header listing the command of each benchmark.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zoo.io import write_text  # noqa: E402

ORDER = ["comet", "hub", "hypernet", "rims", "slotvae", "banks", "own-data", "performance", "reliability"]
COMMANDS = {
    "comet": "PYTHONPATH=. python bench/comet.py",
    "hub": "PYTHONPATH=. python bench/hub.py",
    "hypernet": "PYTHONPATH=. python bench/hypernet.py --connected-only mlp --jobs 2",
    "rims": "PYTHONPATH=. python bench/rims.py",
    "slotvae": "PYTHONPATH=. python bench/slotvae.py",
    "banks": "PYTHONPATH=. python bench/banks.py",
    "own-data": "PYTHONPATH=. python bench/own_data.py",
    "performance": "PYTHONPATH=. python bench/performance.py",
    "reliability": "PYTHONPATH=. python bench/reliability.py",
    "comet-robustness": "PYTHONPATH=. python bench/comet_robustness.py --jobs 2 && PYTHONPATH=. python bench/comet_robustness.py --report",
    "comet-units": "PYTHONPATH=. python bench/comet_units.py --jobs 2",
}
FIGURES = {"comet-robustness": "comet_robustness", "comet-units": "comet_units", "own-data": "own_data"}  # results file names that differ from the section's


def main() -> None:
    bench = ROOT / "bench"
    names = [n for n in ORDER if (bench / f"RESULTS-{n}.md").is_file()]
    names += sorted(p.stem.removeprefix("RESULTS-") for p in bench.glob("RESULTS-*.md")
                    if p.stem.removeprefix("RESULTS-") not in names)
    lines = [
        "# Benchmark results",
        "",
        "Every number below was measured by the script named in its section; each script also writes",
        "its figures to `bench/results/<name>.json`. Re-run a benchmark with its command, then rebuild",
        "this file with `PYTHONPATH=. python bench/collect_results.py`.",
        "",
        "| benchmark | command | figures |",
        "|---|---|---|",
    ]
    for n in names:
        cmd = COMMANDS.get(n, f"PYTHONPATH=. python bench/{n}.py")
        lines.append(f"| {n} | `{cmd}` | `bench/results/{FIGURES.get(n, n)}.json` |")
    lines.append("")
    for n in names:
        section = (bench / f"RESULTS-{n}.md").read_text(encoding="utf-8").strip()
        lines += [section, ""]
    write_text(bench / "RESULTS.md", "\n".join(lines))
    print(f"wrote bench/RESULTS.md ({', '.join(names)})")


if __name__ == "__main__":
    main()
