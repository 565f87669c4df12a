#!/usr/bin/env bash
# Runs SimpleBB's benchmark against the native (NativeAOT) executables on 127.0.0.1 and prints the table.
#   bash bench/run.sh            # full run: a few minutes; N up to 10,000 simulated builders
#   bash bench/run.sh --quick    # small N, a few seconds after publishing (CI runs this)
#   bash bench/run.sh --no-publish [--quick]   # reuse bench/.bin from an earlier run
# The report is also written as JSON to bench/results/<time>.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
publish=1
args=()
for arg in "$@"; do
    case "$arg" in
        --no-publish) publish=0 ;;
        *) args+=("$arg") ;;
    esac
done
if [ "$publish" -eq 1 ] || [ ! -x bench/.bin/bin/simplebb-server ]; then
    bash scripts/install.sh "$root/bench/.bin" >&2
fi
dotnet build bench/SimpleBB.Bench -c Release --nologo -v quiet >&2
exec dotnet bench/SimpleBB.Bench/bin/Release/net10.0/simplebb-bench.dll --bin bench/.bin/bin "${args[@]}"
