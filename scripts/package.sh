#!/usr/bin/env bash
# Builds Glabella's installers from the repository, offline, with the Tauri CLI pinned in
# ui/package-lock.json (@tauri-apps/cli).
#
#   scripts/package.sh                 the shipping build (Cargo profile `dist`): .deb and .rpm
#                                      in target/dist/bundle/, and their sizes
#   scripts/package.sh --debug         the same from a debug build (minutes, not half an hour;
#                                      what the test command packages)
#   scripts/package.sh --profile P     from another Cargo profile (e.g. release, to compare)
#   scripts/package.sh --test-deb      then install the .deb on this machine (as root), start
#                                      the installed glabella under Xvfb on an empty data folder,
#                                      check its window, desktop entry and icon, and remove it
#   scripts/package.sh --test-windows  the Windows cross-build and the core's tests under Wine
#                                      (scripts/windows.sh), instead of the Linux packages
#
# Why a second tauri.conf.json appears for the duration of the build: the CLI wants the
# config beside the app crate (src-tauri/, where Cargo.toml has a [package]), while the
# project keeps its one config at the top. scripts/tauri-conf.mjs writes
# src-tauri/tauri.conf.json, the top-level file with its paths re-based, and it is removed
# again afterwards; the app itself is built from the top-level file either way
# (src-tauri/build.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

profile=dist
test_deb=0
while [ $# -gt 0 ]; do
  arg=$1
  shift
  case $arg in
    --debug) profile=debug ;;
    --profile) profile=${1:?--profile needs a name}; shift ;;
    --test-deb) test_deb=1 ;;
    --test-windows) exec bash scripts/windows.sh ;;
    -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$test_deb" = 1 ]; then
  bash scripts/setup.sh tests
  if [ "$(id -u)" != 0 ]; then
    echo "package.sh --test-deb installs the package, so it runs as root (sudo)." >&2
    exit 1
  fi
else
  bash scripts/setup.sh app
fi

echo "==> Building the UI"
(cd ui && npm run build --silent)

trap 'rm -f src-tauri/tauri.conf.json' EXIT
node scripts/tauri-conf.mjs

cli=(ui/node_modules/.bin/tauri build --ci --bundles deb,rpm)
if [ "$profile" = debug ]; then
  cli+=(--debug)
  echo "==> Building the app and its packages (debug)"
else
  cli+=(-- --profile "$profile")
  echo "==> Building the app and its packages (profile $profile; dist: LTO, one codegen unit, 20 to 40 minutes here)"
fi
start=$SECONDS
TAURI_APP_PATH=src-tauri TAURI_FRONTEND_PATH=ui "${cli[@]}"
bundle_dir="target/$profile/bundle"
echo "==> Built in $((SECONDS - start)) s:"
ls -l "target/$profile/glabella" "$bundle_dir"/deb/*.deb "$bundle_dir"/rpm/*.rpm | awk '{ printf "  %8.1f MB  %s\n", $5 / 1e6, $NF }'

if [ "$test_deb" = 1 ]; then
  bash scripts/test-deb.sh "$(ls "$bundle_dir"/deb/*.deb | head -n1)"
fi
