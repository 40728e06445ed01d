#!/usr/bin/env bash
# Installs what Glabella needs on Debian/Ubuntu, or says precisely what is missing.
#   scripts/setup.sh app     what building and running the app needs
#   scripts/setup.sh tests   that, plus what the tests need (WebKitWebDriver, Xvfb, tauri-driver, poppler-utils,
#                            and for the installed-package test D-Bus and desktop-file-utils)
#   scripts/setup.sh windows what the Windows cross-build and its tests under Wine need
#                            (MinGW-w64, Wine, zip; scripts/windows.sh)
# System packages are installed with apt-get when run as root; otherwise the missing
# ones are listed with the command to install them. npm packages are installed from the
# lock files.
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-app}
case $want in
  windows) packages=(gcc-mingw-w64-x86-64 wine wine64 zip) ;;
  *) packages=(build-essential pkg-config libwebkit2gtk-4.1-dev librsvg2-dev libxdo-dev libssl-dev) ;;
esac
if [ "$want" = tests ]; then
  packages+=(webkit2gtk-driver xvfb xauth poppler-utils dbus-daemon desktop-file-utils file)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

for tool in cargo node npm; do
  if ! command -v "$tool" >/dev/null; then
    case $tool in
      cargo) echo "Missing: Rust (cargo). Install it from rustup (Rust 1.92 or newer)." >&2 ;;
      *) echo "Missing: Node.js 20 or newer with npm ($tool not found)." >&2 ;;
    esac
    exit 1
  fi
done

if [ "$want" = tests ] && ! command -v tauri-driver >/dev/null; then
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! command -v tauri-driver >/dev/null; then
    echo "==> Installing tauri-driver"
    cargo install tauri-driver --version '^2.1' --locked --quiet
  fi
fi

npm_ci() { # npm ci in $1 unless node_modules already matches the lock file
  if [ ! -f "$1/node_modules/.package-lock.json" ] || ! cmp -s "$1/package-lock.json" "$1/node_modules/.glabella-lock"; then
    echo "==> npm ci in $1"
    (cd "$1" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$1/package-lock.json" "$1/node_modules/.glabella-lock"
  fi
}
npm_ci ui
if [ "$want" = tests ]; then
  npm_ci tests
fi
