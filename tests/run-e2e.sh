#!/usr/bin/env bash
# End-to-end tests: drives the real Glabella binary through tauri-driver and
# WebKitWebDriver, under Xvfb when there is no display.
#
#   tests/run-e2e.sh [extra `node --test` options, e.g. --test-name-pattern=restart]
#
# Environment:
#   GLABELLA_APP      the app binary (default: <repo>/target/release/glabella), built with
#                     `cargo build --release -p glabella --features e2e`
#   DISPLAY           used as is when set; otherwise Xvfb is started (and stopped at the end)
#   WDIO_LOG_LEVEL    WebdriverIO's log level (default: warn)
#   GLABELLA_E2E_KEEP_DATA=1  keep each test's temp data directory
#   E2E_TESTS         the test files (default: tests/e2e/*.test.mjs; scripts/test-deb.sh
#                     runs tests/package/ on the installed app)
#
# On failure, a screenshot of each failing test's window is in tests/artifacts/.
set -euo pipefail

tests_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$tests_dir/.." && pwd)"
export GLABELLA_APP="${GLABELLA_APP:-$repo/target/release/glabella}"
native_driver="${WEBKIT_WEBDRIVER:-/usr/bin/WebKitWebDriver}"
export WEBKIT_WEBDRIVER="$native_driver"

# --- what must be installed -------------------------------------------------------
# `cargo install` puts tauri-driver in ~/.cargo/bin, which is not always on PATH.
if [[ -z "${TAURI_DRIVER:-}" ]] && ! command -v tauri-driver >/dev/null 2>&1 &&
  [[ -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]]; then
  export TAURI_DRIVER="${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver"
fi
missing=()
command -v node >/dev/null 2>&1 || missing+=("node (Node.js 20 or later)")
command -v npm >/dev/null 2>&1 || missing+=("npm")
command -v "${TAURI_DRIVER:-tauri-driver}" >/dev/null 2>&1 ||
  missing+=("tauri-driver (cargo install tauri-driver --locked; is ~/.cargo/bin on PATH?)")
[[ -x "$native_driver" ]] || missing+=("WebKitWebDriver at $native_driver (apt-get install webkit2gtk-driver)")
if [[ -z "${DISPLAY:-}" ]]; then
  command -v Xvfb >/dev/null 2>&1 || missing+=("Xvfb, needed because DISPLAY is unset (apt-get install xvfb)")
fi
if ((${#missing[@]})); then
  echo "run-e2e: cannot run the end-to-end tests; missing:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 2
fi
if command -v node >/dev/null && ! node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  echo "run-e2e: Node.js 20 or later is needed (found $(node --version))" >&2
  exit 2
fi
if [[ ! -x "$GLABELLA_APP" ]]; then
  echo "run-e2e: the app binary $GLABELLA_APP does not exist." >&2
  echo "  Build it with: cargo build --release -p glabella --features e2e   (or set GLABELLA_APP)" >&2
  exit 2
fi

# --- test dependencies (npm ci when node_modules is missing or older than the lock) ---
stamp="$tests_dir/node_modules/.glabella-lock.sha256"
lock_sum="$(sha256sum "$tests_dir/package-lock.json" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" ]]; then
  echo "run-e2e: installing test dependencies (npm ci)"
  (cd "$tests_dir" && npm ci --ignore-scripts --no-audit --no-fund)
  echo "$lock_sum" >"$stamp"
fi

# --- a display ---------------------------------------------------------------------
xvfb_pid=""
cleanup() {
  if [[ -n "$xvfb_pid" ]]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -z "${DISPLAY:-}" ]]; then
  display=99
  # :99 is the usual one; if another X server holds it, take the next free number.
  while [[ -e "/tmp/.X${display}-lock" || -e "/tmp/.X11-unix/X${display}" ]]; do
    display=$((display + 1))
    if ((display > 140)); then
      echo "run-e2e: no free X display number between :99 and :140" >&2
      exit 2
    fi
  done
  # -noreset: without it the server resets when the last client (the app) closes, and an
  # app starting during that reset fails with "Failed to initialize GTK".
  Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp -noreset >"${TMPDIR:-/tmp}/glabella-e2e-xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 100); do
    [[ -S "/tmp/.X11-unix/X${display}" ]] && break
    if ! kill -0 "$xvfb_pid" 2>/dev/null; then
      echo "run-e2e: Xvfb :$display failed to start:" >&2
      cat "${TMPDIR:-/tmp}/glabella-e2e-xvfb.log" >&2
      exit 2
    fi
    sleep 0.1
  done
  export DISPLAY=":$display"
  echo "run-e2e: started Xvfb on $DISPLAY"
fi

# --- the tests ---------------------------------------------------------------------
rm -rf "$tests_dir/artifacts"
echo "run-e2e: app $GLABELLA_APP"
cd "$repo"
status=0
# Serially: each test runs its own app, and the machine has few cores.
# The files are listed (not the folder) so that every Node version reads them the same.
# shellcheck disable=SC2086 # E2E_TESTS is a glob
node --test --test-concurrency=1 "$@" ${E2E_TESTS:-tests/e2e/*.test.mjs} || status=$?
if ((status != 0)) && compgen -G "$tests_dir/artifacts/*.png" >/dev/null; then
  echo "run-e2e: screenshots of the failing tests are in tests/artifacts/:"
  ls -1 "$tests_dir/artifacts/"
fi
exit "$status"
