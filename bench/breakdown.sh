#!/bin/bash
# Where one build's time goes: runs the native server and builder under `perf trace` (syscall timestamps from
# kernel tracepoints, children and threads included), makes N builds one after the other with
# `simplebb-suggest --wait` of a script that exits 0, and prints the median of each step (bench/breakdown.py).
#
#   bash bench/breakdown.sh [N]        # default 40; needs perf (Debian: linux-perf) and root or perf_event_paranoid<=1
#
# Uses the executables `bash bench/run.sh` published into bench/.bin (BIN=... to use others). Tracing adds about
# 0.5 ms to a build. Exit codes: 0 table printed, 1 a step failed, 2 perf missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${BIN:-$here/.bin/bin}
N=${1:-40}
command -v perf >/dev/null || { echo "breakdown: perf not found (apt-get install linux-perf)" >&2; exit 2; }
[ -x "$BIN/simplebb-server" ] || { echo "breakdown: no executables in $BIN (run bash bench/run.sh first)" >&2; exit 1; }

T=$(mktemp -d /tmp/simplebb-breakdown.XXXX)
cd "$T"
mkdir -p home/.simplebb/buildscripts
printf '#!/bin/sh\nexit 0\n' > home/.simplebb/buildscripts/foo
chmod +x home/.simplebb/buildscripts/foo
export SIMPLEBB_HTTP=off SIMPLEBB_TOKEN=breakdown-token-0123456789abcdef0123456789ab
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
events='clone3,execve,exit_group,wait4,fsync,fdatasync,rename,sendto,recvfrom'

perf trace -T -e "$events" -o server.pt -- "$BIN/simplebb-server" --listen 127.0.0.1 --port "$port" --quiet >server.out 2>&1 &
server=$!
HOME=$T/home perf trace -T -e "$events" -o builder.pt -- "$BIN/simplebb-builder" --host 127.0.0.1 --port "$port" --name b1 --quiet >builder.out 2>&1 &
builder=$!
stop() {
  pkill -TERM -f "simplebb-builder --host 127.0.0.1 --port $port" || true; wait "$builder" || true
  pkill -TERM -f "simplebb-server --listen 127.0.0.1 --port $port" || true; wait "$server" || true
}
trap stop EXIT

# Warm up until the builder answers (the server and builder start under perf, which takes a moment); 30 s deadline.
deadline=$((SECONDS + 30))
until "$BIN/simplebb-suggest" --host 127.0.0.1 --port "$port" --wait foo warmup 2>/dev/null | grep -q b1; do
  [ $SECONDS -lt $deadline ] || { echo "breakdown: the builder did not answer within 30 s (see $T)" >&2; exit 1; }
done
for i in $(seq "$N"); do
  "$BIN/simplebb-suggest" --host 127.0.0.1 --port "$port" --wait foo "r$i" >/dev/null
done
stop
trap - EXIT
echo "traces in $T" >&2
echo "| step | median | N |"
echo "|---|---:|---:|"
python3 "$here/breakdown.py" "$T"
