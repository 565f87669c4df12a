#!/usr/bin/env bash
# Builds SimpleBB's release artifacts from NativeAOT publishes, for each platform asked for:
#   simplebb_<version>_<arch>.deb          /usr/bin executables, man pages, bash completions, two systemd units
#                                          (installed, not enabled), a `simplebb` system user and /var/lib/simplebb,
#                                          result hook examples in /usr/share/doc/simplebb/examples/hooks
#   simplebb-<version>-<rid>.tar.gz        the same executables, man pages, completions and units, with README,
#                                          LICENSE and CHANGELOG, to unpack anywhere
#
#   bash scripts/package-deb.sh                          # this machine's platform, into artifacts/
#   bash scripts/package-deb.sh --rid linux-arm64        # cross-publish: on Debian 12 x64 needs
#                                                         #   apt-get install clang binutils-aarch64-linux-gnu libc6-dev-arm64-cross
#   bash scripts/package-deb.sh --rid linux-x64 --rid linux-arm64 --out /tmp/release
#   bash scripts/package-deb.sh --no-publish             # reuse the publishes in OUT/publish/<rid>/
#   bash scripts/package-deb.sh --bin bench/.bin/bin      # package native executables built already (this machine's
#                                                         # platform), e.g. by scripts/install.sh or the benchmark
#
# Needs the .NET 10 SDK, a C toolchain for NativeAOT, dpkg-deb and gzip. Version: <Version> in Directory.Build.props.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/artifacts"
rids=()
publish=1
prebuilt=""
while [ $# -gt 0 ]; do
    case $1 in
        --rid) rids+=("$2"); shift 2 ;;
        --out) out=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
        --no-publish) publish=0; shift ;;
        --bin) prebuilt=$(cd "$2" && pwd); publish=0; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "package-deb: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ -n "$prebuilt" ] && [ ${#rids[@]} -gt 1 ]; then
    echo "package-deb: --bin holds one platform's executables; give at most one --rid with it" >&2
    exit 2
fi
if [ ${#rids[@]} -eq 0 ]; then
    case "$(uname -m)" in
        x86_64) rids=(linux-x64) ;;
        aarch64) rids=(linux-arm64) ;;
        *) echo "package-deb: no NativeAOT target for $(uname -m); give --rid" >&2; exit 2 ;;
    esac
fi
for tool in dotnet dpkg-deb gzip; do
    command -v "$tool" >/dev/null || { echo "package-deb: $tool is required" >&2; exit 1; }
done

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props")
tools=(server builder suggest status cancel)
mkdir -p "$out"

for rid in "${rids[@]}"; do
    case $rid in
        linux-x64) arch=amd64 ;;
        linux-arm64) arch=arm64 ;;
        *) echo "package-deb: $rid is not a Linux platform this script packages (linux-x64, linux-arm64)" >&2; exit 2 ;;
    esac
    bin="$out/publish/$rid"
    # NativeAOT links with gcc by default, which cannot target another architecture; clang can, given the
    # target's C library (Debian's *-cross packages).
    cross=()
    case "$(uname -m)-$rid" in
        x86_64-linux-x64|aarch64-linux-arm64) ;;
        *) cross=(-p:CppCompilerAndLinker=clang) ;;
    esac
    if [ -n "$prebuilt" ]; then
        # Executables built elsewhere: lay them out as a publish would.
        for tool in "${tools[@]}"; do
            install -D -m 0755 "$prebuilt/simplebb-$tool" "$bin/$tool/simplebb-$tool"
        done
    fi
    if [ "$publish" = 1 ]; then
        for tool in "${tools[@]}"; do
            echo "Publishing simplebb-$tool for $rid..."
            log="$out/publish-$rid-$tool.log"
            if ! dotnet publish "$root/src/simplebb-$tool" -c Release -r "$rid" -o "$bin/$tool" "${cross[@]}" --nologo -v quiet >"$log" 2>&1; then
                echo "package-deb: publishing simplebb-$tool for $rid failed; the last lines of $log:" >&2
                tail -n 5 "$log" >&2
                exit 1
            fi
            rm -f "$log"
        done
    fi
    for tool in "${tools[@]}"; do
        [ -x "$bin/$tool/simplebb-$tool" ] || { echo "package-deb: $bin/$tool/simplebb-$tool is missing (publish first)" >&2; exit 1; }
    done

    # The Debian package, staged as root-owned files (dpkg-deb --root-owner-group), man pages compressed.
    stage=$(mktemp -d)
    chmod 0755 "$stage"
    trap 'rm -rf "$stage"' EXIT
    for tool in "${tools[@]}"; do
        install -D -m 0755 "$bin/$tool/simplebb-$tool" "$stage/usr/bin/simplebb-$tool"
    done
    for page in "$root"/docs/man/simplebb-*.[18]; do
        section=${page##*.}
        install -d "$stage/usr/share/man/man$section"
        gzip -9n <"$page" >"$stage/usr/share/man/man$section/$(basename "$page").gz"
        chmod 0644 "$stage/usr/share/man/man$section/$(basename "$page").gz"
    done
    for completion in "$root"/completion/simplebb-*; do
        install -D -m 0644 "$completion" "$stage/usr/share/bash-completion/completions/$(basename "$completion")"
    done
    for unit in "$root"/packaging/systemd/*.service; do
        install -D -m 0644 "$unit" "$stage/lib/systemd/system/$(basename "$unit")"
    done
    for defaults in "$root"/packaging/default/*; do
        install -D -m 0644 "$defaults" "$stage/etc/default/$(basename "$defaults")"
    done
    install -D -m 0644 "$root/LICENSE" "$stage/usr/share/doc/simplebb/copyright"
    install -m 0644 "$root/README.md" "$stage/usr/share/doc/simplebb/README.md"
    for hook in "$root"/examples/hooks/*; do
        install -D -m 0755 "$hook" "$stage/usr/share/doc/simplebb/examples/hooks/$(basename "$hook")"
    done
    gzip -9n <"$root/CHANGELOG.md" >"$stage/usr/share/doc/simplebb/changelog.gz"
    chmod 0644 "$stage/usr/share/doc/simplebb/changelog.gz"
    install -d "$stage/DEBIAN"
    install -m 0755 "$root"/packaging/debian/postinst "$root"/packaging/debian/prerm "$root"/packaging/debian/postrm "$stage/DEBIAN/"
    (cd "$stage" && find etc -type f | sed 's:^:/:') >"$stage/DEBIAN/conffiles"
    cat >"$stage/DEBIAN/control" <<CONTROL
Package: simplebb
Version: $version
Architecture: $arch
Maintainer: The SimpleBB developers <noreply@simplebb.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: adduser, libc6, libssl3 | libssl1.1
Section: devel
Priority: optional
Description: build bot: runs build scripts on many machines, results on one server
 SimpleBB runs one shell script per project on every connected build machine
 and records every result on a central server. simplebb-server accepts
 builders and suggesters over TCP; simplebb-builder runs the scripts;
 simplebb-suggest (also from a git post-receive hook) suggests builds;
 simplebb-status shows builders and latest results; simplebb-cancel cancels a
 build.
 .
 The simplebb-server and simplebb-builder systemd units are installed but not
 enabled; both run as the system user simplebb in /var/lib/simplebb.
CONTROL
    deb="$out/simplebb_${version}_${arch}.deb"
    dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
    echo "Built $deb"

    # The tarball: the same files, laid out to unpack anywhere.
    name="simplebb-$version-$rid"
    tree="$stage/tar/$name"
    install -d "$tree/bin" "$tree/man/man1" "$tree/man/man8" "$tree/completion" "$tree/systemd"
    cp "$stage"/usr/bin/simplebb-* "$tree/bin/"
    cp "$root"/docs/man/simplebb-*.1 "$tree/man/man1/"
    cp "$root"/docs/man/simplebb-*.8 "$tree/man/man8/"
    cp "$root"/completion/simplebb-* "$tree/completion/"
    cp "$root"/packaging/systemd/*.service "$tree/systemd/"
    cp "$root/README.md" "$root/LICENSE" "$root/CHANGELOG.md" "$tree/"
    install -d "$tree/examples/hooks"
    cp "$root"/examples/hooks/* "$tree/examples/hooks/"
    tar -C "$stage/tar" --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
    echo "Built $out/$name.tar.gz"
    rm -rf "$stage"
    trap - EXIT
done
