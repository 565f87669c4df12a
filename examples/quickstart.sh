#!/usr/bin/env bash
# SimpleBB's classic quick start on one machine, touching nothing of yours:
# builds SimpleBB, starts a server and a builder (with a temporary HOME holding the example
# build scripts; the server creates its token there and the builder and suggest find it), suggests
# "foo master" and "bar dev", prints the resulting SUCCESS and FAILED
# lines from server.log, and stops both daemons. Uses port 7900 unless SIMPLEBB_PORT is set, and serves
# the web dashboard on 127.0.0.1:7901 unless SIMPLEBB_HTTP is set (its address is printed: open it
# before the builds arrive to watch them come in). At a terminal it waits for Enter before the builder
# starts and again before stopping, so the page can be looked at; run non-interactively (CI), it ends by itself.
#
# Usage: bash examples/quickstart.sh [--keep] [--no-build]
#   --keep      keep the temporary folder (server.log, builder.log, ...) after a successful run;
#               after a failure it is always kept, and its path is printed
#   --no-build  use the executables already built (configuration SIMPLEBB_CONFIGURATION, default Release)
set -euo pipefail

keep=0 build=1
for arg in "$@"; do
    case $arg in
        --keep) keep=1 ;;
        --no-build) build=0 ;;
        *) echo "quickstart: unknown option $arg (use --keep or --no-build)" >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
port=${SIMPLEBB_PORT:-7900}
http=${SIMPLEBB_HTTP:-127.0.0.1:7901}
configuration=${SIMPLEBB_CONFIGURATION:-Release}
work=$(mktemp -d "${TMPDIR:-/tmp}/simplebb-quickstart.XXXXXX")
server_pid="" builder_pid="" ok=0

stop() {
    [ -n "$builder_pid" ] && kill -TERM "$builder_pid" 2>/dev/null && wait "$builder_pid" 2>/dev/null || true
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    if [ "$ok" = 1 ] && [ "$keep" = 0 ]; then
        rm -rf "$work"
        echo "Removed the temporary folder $work (--keep keeps it)."
    else
        echo "quickstart: files kept in $work (remove with: rm -rf $work)" >&2
    fi
}
trap stop EXIT

# wait_for FILE PATTERN COUNT WHAT PID ERRFILE: polls FILE until PATTERN matches COUNT lines, for at most 30 s;
# stops at once, showing ERRFILE, if the process PID has exited.
wait_for() {
    for _ in $(seq 300); do
        n=$(grep -cE "$2" "$1" 2>/dev/null || true)
        [ "${n:-0}" -ge "$3" ] && return 0
        if ! kill -0 "$5" 2>/dev/null; then
            echo "quickstart: gave up waiting for $4: the process exited:" >&2
            cat "$6" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "quickstart: timed out waiting for $4" >&2
    cat "$6" >&2
    exit 1
}

if [ "$build" = 1 ]; then
    echo "Building SimpleBB..."
    dotnet build "$root/SimpleBB.sln" -c "$configuration" --nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
dll() { echo "$root/src/simplebb-$1/bin/$configuration/net10.0/simplebb-$1.dll"; }

cd "$work"
mkdir -p home/.simplebb
cp -r "$root/examples/buildscripts" home/.simplebb/buildscripts

echo "Starting simplebb-server on 127.0.0.1:$port in the temporary folder $work"
HOME="$work/home" dotnet "$(dll server)" --listen 127.0.0.1 --port "$port" --http "$http" --quiet 2>server.err &
server_pid=$!
wait_for server.log "listening on" 1 "the server to listen" "$server_pid" server.err
page=""
if [ "$http" != off ]; then
    wait_for server.log "Web dashboard" 1 "the web dashboard" "$server_pid" server.err
    page=$(grep -o 'Web dashboard (read-only): http[^ ]*' server.log | head -n 1 | sed 's/.*: //')
    echo "Web dashboard: $page  (open it now to watch the builds arrive)"
    # At a terminal, give the reader a moment to open the page before the builds start.
    if [ -t 0 ]; then
        read -r -p "Press Enter to start the builder and suggest the two builds... " _
    fi
fi

echo "Starting simplebb-builder 'quickstart' with scripts in $work/home/.simplebb/buildscripts"
HOME="$work/home" dotnet "$(dll builder)" --port "$port" --name quickstart --quiet 2>builder.err &
builder_pid=$!
wait_for server.log "Builder quickstart connected" 1 "the builder to connect" "$builder_pid" builder.err

HOME="$work/home" dotnet "$(dll suggest)" --port "$port" foo master
HOME="$work/home" dotnet "$(dll suggest)" --port "$port" bar dev
wait_for server.log "(SUCCESS|FAILED) " 2 "both results" "$builder_pid" home/.simplebb/builder.log

echo
echo "Results in server.log:"
grep -E "(SUCCESS|FAILED) " server.log
ok=1
if [ -n "$page" ]; then
    echo
    echo "See them in the browser: $page"
    if [ -t 0 ]; then
        read -r -p "The server keeps running; press Enter to stop it... " _
    fi
fi
