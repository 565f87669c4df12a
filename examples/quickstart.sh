#!/usr/bin/env bash
# SimpleBB's classic quick start on one machine, touching nothing of yours:
# builds SimpleBB, starts a server and a builder (with a temporary HOME holding the example
# build scripts; the server creates its token there and the builder and suggest find it), suggests
# "foo master" and "bar dev", prints the resulting SUCCESS and FAILED
# lines from server.log, and stops both daemons. Uses port 7900 unless SIMPLEBB_PORT is set.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
port=${SIMPLEBB_PORT:-7900}
work=$(mktemp -d "${TMPDIR:-/tmp}/simplebb-quickstart.XXXXXX")
server_pid="" builder_pid=""

stop() {
    [ -n "$builder_pid" ] && kill -TERM "$builder_pid" 2>/dev/null && wait "$builder_pid" 2>/dev/null || true
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
}
trap stop EXIT

# wait_for FILE PATTERN COUNT WHAT: polls FILE until PATTERN matches COUNT lines, for at most 30 s.
wait_for() {
    for _ in $(seq 300); do
        n=$(grep -cE "$2" "$1" 2>/dev/null || true)
        [ "${n:-0}" -ge "$3" ] && return 0
        sleep 0.1
    done
    echo "quickstart: timed out waiting for $4; see $work" >&2
    exit 1
}

echo "Building SimpleBB..."
dotnet build "$root/SimpleBB.sln" -c Release --nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
dll() { echo "$root/src/simplebb-$1/bin/Release/net10.0/simplebb-$1.dll"; }

cd "$work"
mkdir -p home/.simplebb
cp -r "$root/examples/buildscripts" home/.simplebb/buildscripts

echo "Starting simplebb-server on 127.0.0.1:$port (log: $work/server.log)"
HOME="$work/home" dotnet "$(dll server)" --listen 127.0.0.1 --port "$port" --quiet 2>server.err &
server_pid=$!
wait_for server.log "listening on" 1 "the server to listen (server.err: $(cat server.err 2>/dev/null))"

echo "Starting simplebb-builder 'quickstart' with scripts in $work/home/.simplebb/buildscripts"
HOME="$work/home" dotnet "$(dll builder)" --port "$port" --name quickstart --quiet &
builder_pid=$!
wait_for server.log "Builder quickstart connected" 1 "the builder to connect"

HOME="$work/home" dotnet "$(dll suggest)" --port "$port" foo master
HOME="$work/home" dotnet "$(dll suggest)" --port "$port" bar dev
wait_for server.log "(SUCCESS|FAILED) " 2 "both results"

echo
echo "Results in server.log:"
grep -E "(SUCCESS|FAILED) " server.log
