#!/usr/bin/env bash
# glabella-server as a Windows service, checked on Debian (12) without a Windows
# computer: cross-builds the server for x86_64-pc-windows-gnu and, under Wine (its own
# service manager, services.exe), installs it with `install-service`, starts it with
# `sc start`, checks that it answers TLS on its address with the clinic's own
# certificate, stops it with `sc stop` (its process must end) and removes it with
# `uninstall-service`. (Its closing backup needs the clinic unlocked by a sign-in, which
# takes a workstation; the Linux tests check that path.)
#
# Run as root it installs what is missing with apt-get (as scripts/windows.sh); runs
# alone as
#   bash scripts/windows-service.sh
# (about 15 minutes from cold here, most of it the cross-build).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/windows/common.sh # $target, $out, the linker and the Wine prefix

echo "==> Building glabella-server for $target, and glabella-admin here"
cargo build --quiet -p glabella-server --target "$target"
cargo build --quiet -p glabella-core --bin glabella-admin
exe=$CARGO_TARGET_DIR/$target/debug/glabella-server.exe
wineserver -p 60 || true # services run inside the Wine session: keep it up between commands

clinic=$(mktemp -d)
trap 'wine sc stop glabella-server >/dev/null 2>&1 || true; wine "$exe" uninstall-service >/dev/null 2>&1 || true;
      wineserver -k 2>/dev/null || true; rm -rf "$clinic"' EXIT
"$CARGO_TARGET_DIR/debug/glabella-admin" --data-dir "$clinic" demo-data --patients 10 >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
address=127.0.0.1:$port

fail() {
  echo "FAILED: $*" >&2
  exit 1
}
listening() { ss -ltn "sport = :$port" | grep -q LISTEN; }
wait_for() { # wait_for <seconds> <command…>
  local until=$((SECONDS + $1))
  shift
  until "$@"; do
    [ $SECONDS -lt $until ] || return 1
    sleep 0.5
  done
}

echo "==> install-service on $(winepath -w "$clinic") for $address"
wine "$exe" --data-dir "$(winepath -w "$clinic")" install-service --listen "$address" | tr -d '\r'
# Wine's sc has no query: the service's entry in the registry shows what was installed.
key='HKLM\System\CurrentControlSet\Services\glabella-server'
config=$(wine reg query "$key" | tr -d '\r')
grep -q 'service-run --listen' <<<"$config" || fail "no service entry: $config"
grep -E 'ImagePath|Start' <<<"$config" | sed 's/^ */    /'

echo "==> sc start glabella-server"
wine sc start glabella-server >/dev/null
wait_for 60 listening || fail "the service does not listen on $address"
echo "    running, listening on $address"
names=$(openssl s_client -connect "$address" -servername server.glabella.internal </dev/null 2>/dev/null |
  openssl x509 -noout -ext subjectAltName 2>/dev/null | tr -d ' ' | tail -n +2 || true)
[[ $names == *DNS:server.glabella.internal* ]] || fail "no TLS answer with the server's certificate (got: $names)"
echo "    answers TLS with its certificate for $names"

echo "==> sc stop glabella-server"
wine sc stop glabella-server >/dev/null
stopped() { ! listening && ! pgrep -f 'glabella-server\.exe' >/dev/null; }
wait_for 60 stopped || fail "the service did not stop"
echo "    stopped: no longer listening, its process ended"

echo "==> uninstall-service"
wine "$exe" uninstall-service
if wine reg query "$key" >/dev/null 2>&1; then fail "the service is still installed"; fi
echo "The Windows service installed, ran, answered, stopped and was removed under $(wine --version)."
