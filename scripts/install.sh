#!/usr/bin/env bash
# Builds simplebb-server, simplebb-builder, simplebb-suggest, simplebb-status and simplebb-cancel as native single-file executables
# (NativeAOT, no .NET runtime needed to run them) and installs them into PREFIX/bin, with their man pages in
# PREFIX/share/man and bash completions in PREFIX/share/bash-completion/completions.
#   bash scripts/install.sh              # installs into /usr/local/bin
#   bash scripts/install.sh ~/.local     # installs into ~/.local/bin
# Needs the .NET 10 SDK and a C toolchain (gcc or clang, zlib headers) to build; on Linux also SQLite's static
# library, which is linked into simplebb-server (Debian: apt-get install gcc zlib1g-dev libsqlite3-dev).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-/usr/local}
case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) rid=linux-x64 ;;
    Linux-aarch64) rid=linux-arm64 ;;
    Darwin-arm64) rid=osx-arm64 ;;
    Darwin-x86_64) rid=osx-x64 ;;
    *) echo "install: no NativeAOT target for $(uname -s) $(uname -m); use 'dotnet publish' without -r" >&2; exit 1 ;;
esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for tool in server builder suggest status cancel; do
    echo "Publishing simplebb-$tool for $rid..."
    dotnet publish "$root/src/simplebb-$tool" -c Release -r "$rid" -o "$out/$tool" --nologo -v quiet
done
mkdir -p "$prefix/bin"
for tool in server builder suggest status cancel; do
    install -m 0755 "$out/$tool/simplebb-$tool" "$prefix/bin/simplebb-$tool"
done
for page in "$root"/docs/man/simplebb-*.[18]; do
    install -D -m 0644 "$page" "$prefix/share/man/man${page##*.}/$(basename "$page")"
done
for completion in "$root"/completion/simplebb-*; do
    install -D -m 0644 "$completion" "$prefix/share/bash-completion/completions/$(basename "$completion")"
done
echo "Installed simplebb-server, simplebb-builder, simplebb-suggest, simplebb-status and simplebb-cancel into $prefix/bin"
echo "with man pages in $prefix/share/man and bash completions in $prefix/share/bash-completion/completions"
