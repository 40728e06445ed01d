#!/usr/bin/env bash
# Glabella for Windows, built and tested on Debian (12) without a Windows computer:
#   1. cross-compiles the core's tests for x86_64-pc-windows-gnu (MinGW-w64; SQLCipher
#      with OpenSSL compiled in, see core/Cargo.toml) and runs every test binary under
#      Wine, in a private Wine prefix under the target folder, headless;
#   2. cross-builds the app in the shipping profile (Cargo profile `dist`: LTO, one
#      codegen unit; most of an hour here from cold) and packs the portable zip:
#      glabella.exe with WebView2Loader.dll, in
#      $CARGO_TARGET_DIR/windows/glabella-<version>-windows-x64.zip.
# It prints each test binary's passed/failed counts and exits non-zero if any test fails
# (or a binary does not start). The app's window is not run: Wine has no WebView2 (see
# README, "Windows").
#
# Wine 8 (Debian 12) lacks bcryptprimitives.dll, whose ProcessPrng Rust's standard
# library calls for its random numbers, so no Rust program starts under it; a stand-in
# built here from scripts/windows/bcryptprimitives.c goes into the test prefix only.
#
# Run as root it installs what is missing with apt-get (gcc-mingw-w64-x86-64 wine wine64
# zip) and the Rust target with rustup; otherwise it says what is missing and how to
# install it. Called by scripts/package.sh --test-windows; runs alone as
#   bash scripts/windows.sh
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/windows/common.sh # $target, $out, the linker and the Wine prefix

echo "==> Cross-compiling the core's tests for $target"
start=$SECONDS
cargo test --no-run -p glabella-core --target "$target" --message-format=json-render-diagnostics >"$out/tests.json"
echo "    built in $((SECONDS - start)) s"
mapfile -t binaries < <(grep -E '"profile":\{[^}]*"test":true' "$out/tests.json" |
  grep -o '"executable":"[^"]*"' | cut -d'"' -f4 | sort)
[ ${#binaries[@]} -gt 0 ] || { echo "No test binaries were built." >&2; exit 1; }

echo "==> Running ${#binaries[@]} test binaries under $(wine --version 2>/dev/null)"
start=$SECONDS
failed=0
summary=()
for exe in "${binaries[@]}"; do
  name=$(basename "$exe" .exe)
  name=${name%-*} # without cargo's hash
  log=$out/$name.log
  # cargo runs a package's tests in its folder; Wine maps it to Z:, where the tests'
  # compile-time paths (/work/…/core/…) resolve as they do on Linux.
  if (cd core && timeout 1200 wine "$exe" >"$log" 2>&1); then status=ok; else status=FAILED; fi
  result=$(grep '^test result:' "$log" | tail -1 || true)
  passed=$(sed -n 's/.* \([0-9]*\) passed.*/\1/p' <<<"$result")
  failures=$(sed -n 's/.* \([0-9]*\) failed.*/\1/p' <<<"$result")
  if [ -z "$result" ]; then
    status=FAILED
    summary+=("$(printf '%-16s did not finish (see %s)' "$name" "$log")")
  else
    summary+=("$(printf '%-16s %3s passed, %s failed' "$name" "$passed" "$failures")")
  fi
  if [ "$status" != ok ]; then
    failed=$((failed + 1))
    grep -E '^test .* FAILED$|panicked at' "$log" | head -20 | sed 's/^/    /' >&2 || true
  fi
done
wineserver -k 2>/dev/null || true
printf '%s\n' "${summary[@]}"
echo "    ran in $((SECONDS - start)) s"

echo "==> Cross-building the app (profile dist) for $target"
start=$SECONDS
(cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build --silent)
cargo build -p glabella --profile dist --target "$target" --quiet
echo "    built in $((SECONDS - start)) s"
exe=$CARGO_TARGET_DIR/$target/dist/glabella.exe
# WebView2Loader.dll ships in the webview2-com-sys crate's source; its build script
# copies the x64 one beside the exe.
loader=$CARGO_TARGET_DIR/$target/dist/WebView2Loader.dll
[ -f "$loader" ] || { echo "WebView2Loader.dll is not beside glabella.exe ($loader)." >&2; exit 1; }
version=$(grep -m1 '"version"' tauri.conf.json | cut -d'"' -f4)
zip=$out/glabella-$version-windows-x64.zip
rm -rf "$out/zip" "$zip"
mkdir -p "$out/zip/Glabella"
cp "$exe" "$loader" "$out/zip/Glabella/"
(cd "$out/zip" && zip -q -9 -r "$zip" Glabella)
rm -rf "$out/zip"
echo "    $zip: $(du -k "$zip" | cut -f1) KB (glabella.exe $(du -k "$exe" | cut -f1) KB)"

if [ "$failed" -gt 0 ]; then
  echo "$failed of ${#binaries[@]} test binaries failed under Wine." >&2
  exit 1
fi
echo "All ${#binaries[@]} test binaries passed under Wine."
