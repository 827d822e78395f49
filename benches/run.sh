#!/usr/bin/env bash
# Regenerates BENCHMARKS.md: `bash benches/run.sh` (add --quick for a small, print-only run;
# --poll rewrites only section 7, the poll schedule).
# Needs curl and strip (binutils); installs the Python baseline's `requests` in a venv here.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--poll" ]; then
  # Only section 7 (the poll schedule), in a few minutes; the other sections stay as they are.
  exec cargo bench --bench workflow -- --poll --write BENCHMARKS.md
fi
mkdir -p benches/data
venv=benches/data/venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import requests" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q requests
fi
export PDFCO_BENCH_PYTHON="$PWD/$venv/bin/python"
if [ "${1:-}" = "--quick" ]; then
  cargo bench --bench workflow -- --quick
else
  cargo bench --bench workflow -- --write BENCHMARKS.md
fi
