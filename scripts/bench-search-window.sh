#!/usr/bin/env bash
# Keystroke-to-results in the real window (see BENCHMARKS.md, "Search in the window"):
# the release app (built with the e2e feature, so WebDriver can drive it) on a demo
# clinic of PATIENTS patients, signed in as the demo receptionist; for each query the
# last character is a real keystroke and the time until the results are in the page is
# measured in the page's own clock by scripts/bench-search-window.mjs. Prints a table.
# Not a test: nothing passes or fails.
#
#   bash scripts/bench-search-window.sh
#
# Environment:
#   CARGO_TARGET_DIR  where the binaries are built and looked for (default: target)
#   SKIP_BUILD=1      use the binaries already built; SKIP_UI_BUILD=1 embed ui/dist as is
#   PATIENTS          demo patients (100000); the database is made once with
#                     glabella-admin and kept in $CARGO_TARGET_DIR/bench-search-window/
#   QUERIES           measured queries per class (100)
#   PSS_IDLE          seconds idle on the last results before the memory (PSS of the app
#                     and its WebKit processes) is printed (5); PSS=0 skips it
#   BARE=1            measure only the memory of the bare Tauri window (benches/app/
#                     bare-window) under the same driver and display, for comparison
#   SIGNED_IN_ONLY=1  only Glabella's memory just after signing in, before any search
#   KEYS_ONLY=N       only Glabella's memory after N searches typed key by key, with no
#                     script run in the page (no timing)
#   DRIVER_PORT / NATIVE_PORT  tauri-driver's and WebKitWebDriver's ports (4600 / 4601)
#   DISPLAY           used as is when set; otherwise an Xvfb is started on a free display
# Needs node 20+, tests/node_modules (npm ci in tests/), tauri-driver, WebKitWebDriver, Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=${CARGO_TARGET_DIR:-$root/target}
PATIENTS=${PATIENTS:-100000}
DRIVER_PORT=${DRIVER_PORT:-4600}
NATIVE_PORT=${NATIVE_PORT:-4601}
export QUERIES=${QUERIES:-100}
tauri_driver=${TAURI_DRIVER:-$(command -v tauri-driver || echo "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver")}

if [ "${SKIP_BUILD:-}" != 1 ]; then
  if [ "${SKIP_UI_BUILD:-}" != 1 ]; then
    echo "==> Building the UI"
    (cd ui && npm run build --silent)
  fi
  echo "==> Building glabella (release, e2e feature) and glabella-admin"
  cargo build --release -p glabella --features e2e --quiet
  cargo build --release -p glabella-core --bin glabella-admin --quiet
fi
app=$target/release/glabella
admin=$target/release/glabella-admin
if [ "${BARE:-}" = 1 ]; then
  # The bare Tauri window instead, for its memory under the same driver (built here
  # unless SKIP_BUILD=1); no clinic, no searches.
  [ "${SKIP_BUILD:-}" = 1 ] || cargo build --release -p bare-window --quiet
  app=$target/release/bare-window
  admin=$app
fi
for bin in "$app" "$admin"; do
  [ -x "$bin" ] || { echo "missing $bin (build it, or run without SKIP_BUILD=1)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-search-window.XXXXXX")
xvfb_pid=
dbus_pid=
driver_pid=
cleanup() {
  if [ -n "$driver_pid" ]; then
    # tauri-driver was started as its own process group: it, WebKitWebDriver and the app.
    kill -TERM -- "-$driver_pid" 2>/dev/null || true
    sleep 1
    kill -KILL -- "-$driver_pid" 2>/dev/null || true
  fi
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  [ -n "$dbus_pid" ] && kill "$dbus_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# A private copy, so that another build cannot swap the binary mid-measurement.
cp "$app" "$work/glabella"
app=$work/glabella

# --- the demo clinic (made once; again when the schema or the generator changed) ---
demo_db=$target/bench-search-window/db-$PATIENTS
if [ "${BARE:-}" = 1 ]; then
  mkdir -p "$work/data"
elif [ ! -f "$demo_db/glabella.sqlite3" ] ||
  [ -n "$(find core/migrations core/src/demo -newer "$demo_db/glabella.sqlite3" 2>/dev/null)" ]; then
  echo "==> Creating a demo clinic with $PATIENTS patients in $demo_db"
  rm -rf "$demo_db"
  mkdir -p "$demo_db"
  "$admin" --data-dir "$demo_db" demo-data --patients "$PATIENTS"
  cp -r "$demo_db" "$work/data"
else
  cp -r "$demo_db" "$work/data"
fi

# --- display and session bus -------------------------------------------------
# shellcheck source=scripts/display.sh
source scripts/display.sh
start_display "$work" 1280x800x24

# --- tauri-driver (the app inherits its environment) --------------------------
mkdir -p "$work/config" "$work/share" "$work/state" "$work/cache"
GLABELLA_DATA_DIR=$work/data XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/share \
  XDG_STATE_HOME=$work/state XDG_CACHE_HOME=$work/cache \
  setsid "$tauri_driver" --port "$DRIVER_PORT" --native-port "$NATIVE_PORT" \
  --native-driver "${WEBKIT_WEBDRIVER:-/usr/bin/WebKitWebDriver}" >"$work/driver.log" 2>&1 &
driver_pid=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$DRIVER_PORT") 2>/dev/null && break
  sleep 0.1
done

echo "==> Measuring ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
GLABELLA_APP=$app DRIVER_PORT=$DRIVER_PORT BARE=${BARE:-0} SIGNED_IN_ONLY=${SIGNED_IN_ONLY:-0} KEYS_ONLY=${KEYS_ONLY:-} node scripts/bench-search-window.mjs || {
  status=$?
  echo "the measurement failed; tauri-driver's output:" >&2
  tail -40 "$work/driver.log" >&2
  exit "$status"
}
