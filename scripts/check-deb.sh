#!/usr/bin/env bash
# Installs a SimpleBB .deb on this machine, checks what it put where, then removes and purges it and checks
# that nothing is left. Run as root on a disposable Debian machine (CI), never on one whose `simplebb` user or
# /var/lib/simplebb you care about:
#   sudo bash scripts/check-deb.sh artifacts/simplebb_0.2.0_amd64.deb
set -euo pipefail
deb=$(realpath "${1:?usage: check-deb.sh PACKAGE.deb}")
[ "$(id -u)" = 0 ] || { echo "check-deb: must run as root" >&2; exit 1; }
fail() { echo "check-deb: FAILED: $*" >&2; exit 1; }
if getent passwd simplebb >/dev/null || [ -e /var/lib/simplebb ]; then
    fail "this machine already has a simplebb user or /var/lib/simplebb; use a clean machine"
fi

echo "== install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
for tool in server builder suggest status cancel; do
    [ -x /usr/bin/simplebb-$tool ] || fail "/usr/bin/simplebb-$tool missing"
    /usr/bin/simplebb-$tool --version | grep -q "^simplebb-$tool " || fail "simplebb-$tool --version"
    [ -f /usr/share/bash-completion/completions/simplebb-$tool ] || fail "completion for simplebb-$tool missing"
done
for page in man8/simplebb-server.8 man8/simplebb-builder.8 man1/simplebb-suggest.1 man1/simplebb-status.1 man1/simplebb-cancel.1; do
    [ -f /usr/share/man/$page.gz ] || fail "man page $page missing"
done
getent passwd simplebb | grep -q ':/var/lib/simplebb:/usr/sbin/nologin$' || fail "system user simplebb: $(getent passwd simplebb)"
[ "$(stat -c '%a %U %G' /var/lib/simplebb)" = "750 simplebb simplebb" ] || fail "/var/lib/simplebb is $(stat -c '%a %U %G' /var/lib/simplebb)"
for unit in simplebb-server simplebb-builder; do
    [ -f /lib/systemd/system/$unit.service ] || fail "$unit.service missing"
    systemd-analyze verify /lib/systemd/system/$unit.service || fail "systemd-analyze verify $unit.service"
    [ "$(systemctl is-enabled $unit.service 2>/dev/null || true)" != enabled ] || fail "$unit.service is enabled"
done
echo "== the server runs as simplebb in its state folder"
log=/var/lib/simplebb/check.log
setpriv --reuid=simplebb --regid=simplebb --clear-groups env HOME=/var/lib/simplebb /usr/bin/simplebb-server --listen 127.0.0.1 --port 0 --log-file $log --quiet &
pid=$!
for _ in $(seq 100); do grep -q "listening on" $log 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" $log || fail "the server did not start as simplebb"
kill -TERM $pid; wait $pid || fail "the server did not stop cleanly"
# SQLite is linked into the executable: the results store works with nothing beside it.
! ldd /usr/bin/simplebb-server | grep -q sqlite || fail "simplebb-server depends on a shared SQLite: $(ldd /usr/bin/simplebb-server | grep sqlite)"
[ "$(stat -c '%U' /var/lib/simplebb/simplebb.db 2>/dev/null)" = simplebb ] || fail "the results store /var/lib/simplebb/simplebb.db was not created for simplebb"
[ "$(stat -c '%U %a' /var/lib/simplebb/.simplebb/token)" = "simplebb 600" ] || fail "token not created for simplebb"

echo "== remove"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq simplebb >/dev/null
[ ! -e /usr/bin/simplebb-server ] || fail "remove left /usr/bin/simplebb-server"
[ -d /var/lib/simplebb ] || fail "remove deleted the state folder (only purge may)"

echo "== purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq simplebb >/dev/null
[ ! -e /var/lib/simplebb ] || fail "purge left /var/lib/simplebb"
! getent passwd simplebb >/dev/null || fail "purge left the simplebb user"
! getent group simplebb >/dev/null || fail "purge left the simplebb group"
[ ! -e /etc/default/simplebb-server ] || fail "purge left /etc/default/simplebb-server"
[ ! -e /lib/systemd/system/simplebb-server.service ] || fail "purge left the server unit"
echo "check-deb: OK"
