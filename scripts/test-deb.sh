#!/usr/bin/env bash
# Installs a Glabella .deb on this machine (as root), checks what it installed (the
# glabella command, its declared dependencies, the desktop entry and the icon), starts the
# installed app under Xvfb on an empty data folder and checks that its window shows the
# setup screen (tests/package/), then removes the package again, also when a check fails.
#
#   scripts/test-deb.sh target/debug/bundle/deb/Glabella_0.1.0_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(realpath "$1")
pkg=$(dpkg-deb -f "$deb" Package)
fail() { echo "test-deb: $*" >&2; exit 1; }

echo "==> Installing $(basename "$deb") (package $pkg)"
remove() { echo "==> Removing $pkg"; DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$pkg" >/dev/null; }
trap remove EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >/dev/null

echo "==> What it installed"
depends=$(dpkg-deb -f "$deb" Depends)
for need in libwebkit2gtk-4.1-0 libgtk-3-0 libssl3; do
  [[ $depends == *"$need"* ]] || fail "Depends lacks $need: $depends"
done
[[ $(dpkg-deb -f "$deb" Recommends) == *cups-client* ]] || fail "Recommends lacks cups-client"
[ "$(command -v glabella)" = /usr/bin/glabella ] || fail "glabella is not /usr/bin/glabella on the PATH"
desktop=$(dpkg -L "$pkg" | grep '^/usr/share/applications/.*\.desktop$') || fail "no desktop entry installed"
desktop-file-validate "$desktop"
grep -qx 'Exec=glabella' "$desktop" || fail "$desktop does not start glabella: $(grep ^Exec "$desktop")"
grep -qx 'Name=Glabella' "$desktop" || fail "$desktop is not named Glabella"
icon=$(sed -n 's/^Icon=//p' "$desktop")
icons=$(dpkg -L "$pkg" | grep "^/usr/share/icons/hicolor/.*/apps/$icon\.png$") || fail "no icon $icon installed"
for f in $icons; do
  [ "$(file -b --mime-type "$f")" = image/png ] || fail "$f is not a PNG"
done
echo "  /usr/bin/glabella; $desktop (Icon=$icon, $(echo "$icons" | wc -l) sizes); Depends: $depends"

echo "==> Starting the installed app under Xvfb"
# The shipped build asks D-Bus whether it is already running (one window per desktop),
# so it gets a session bus of its own here.
GLABELLA_APP=/usr/bin/glabella E2E_TESTS='tests/package/*.test.mjs' dbus-run-session -- bash tests/run-e2e.sh
