#!/usr/bin/env bash
# Runs SimpleBB's benchmark against the native (NativeAOT) executables on 127.0.0.1 and prints the table.
#   bash bench/run.sh            # full run: a few minutes; N up to 10,000 simulated builders
#   bash bench/run.sh --quick    # small N, a few seconds after publishing (CI runs this)
#   bash bench/run.sh --no-publish [--quick]   # reuse bench/.bin from an earlier run
#   bash bench/run.sh --against REF [--quick] [--only PHASE]...   # compare the working tree with commit REF
# --against REF (any git ref: commit, tag, branch, HEAD) publishes REF with that commit's own scripts/install.sh into
# bench/.against/<sha>/bin (once: later runs reuse it), then runs every phase for both sides in interleaved rounds
# (the order swapped every round; --rounds R, default 2) and prints one table: both medians, their ratio (working
# tree / REF) and whether that is better or worse. A phase REF's executables cannot run is shown as — with a note.
# bench/.bin stays the working tree's. The report is also written as JSON to bench/results/<time>.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
publish=1
against=
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --no-publish) publish=0 ;;
        --against)
            [ $# -ge 2 ] || { echo "bench: --against needs a git ref (commit, tag, branch, HEAD)" >&2; exit 2; }
            against=$2
            shift ;;
        --against=*) against=${1#--against=} ;;
        *) args+=("$1") ;;
    esac
    shift
done
if [ "$publish" -eq 1 ] || [ ! -x bench/.bin/bin/simplebb-server ]; then
    bash scripts/install.sh "$root/bench/.bin" >&2
fi
if [ -n "$against" ]; then
    sha=$(git rev-parse --verify --quiet "$against^{commit}") || { echo "bench: --against $against is not a commit here" >&2; exit 2; }
    dir=$root/bench/.against/$sha
    if [ ! -x "$dir/bin/simplebb-server" ]; then
        # That commit's own tree and install.sh, published into a scratch folder renamed only when complete, so that
        # an interrupted publish is not mistaken for a cached one.
        echo "bench: publishing $against ($sha) into bench/.against/$sha" >&2
        rm -rf "$dir" "$dir.partial"
        mkdir -p "$dir.partial/src"
        git archive "$sha" | tar -x -C "$dir.partial/src"
        bash "$dir.partial/src/scripts/install.sh" "$dir.partial" >&2
        rm -rf "$dir.partial/src"
        mv "$dir.partial" "$dir"
    else
        echo "bench: reusing bench/.against/$sha (published earlier)" >&2
        touch "$dir"
    fi
    # Keep the four commits used last (each is ~45 MB); --against HEAD makes a new one after every commit.
    ls -1dt "$root"/bench/.against/*/ 2>/dev/null | tail -n +5 | xargs -r rm -rf
    label="HEAD $(git rev-parse --short HEAD)"
    [ -z "$(git status --porcelain)" ] || label="$label + changes"
    label="working tree ($label)"
    short=$(git rev-parse --short "$sha")
    case "$sha" in "$against"*) against_label=$short ;; *) against_label="$against ($short)" ;; esac
    args+=(--against "$dir/bin" --label "$label" --against-label "$against_label")
fi
dotnet build bench/SimpleBB.Bench -c Release --nologo -v quiet >&2
exec dotnet bench/SimpleBB.Bench/bin/Release/net10.0/simplebb-bench.dll --bin bench/.bin/bin "${args[@]}"
