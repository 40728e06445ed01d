# Sourced by scripts/windows.sh and scripts/windows-service.sh, from the repository's
# root: what both need to build for Windows and run it under Wine. It installs what is
# missing (scripts/setup.sh windows) and the Rust target, sets $target, the MinGW
# linker and $out ($CARGO_TARGET_DIR/windows), and makes the private Wine prefix in
# $out/wine, once, quietly, with the ProcessPrng stand-in in it (Wine 8 lacks
# bcryptprimitives.dll, whose ProcessPrng Rust's standard library calls, so no Rust
# program starts under it without one; see scripts/windows/bcryptprimitives.c).
target=x86_64-pc-windows-gnu
bash scripts/setup.sh windows
if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  echo "==> Adding the Rust target $target"
  rustup target add "$target"
fi

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
out=$CARGO_TARGET_DIR/windows
mkdir -p "$out"

export WINEPREFIX=$out/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
x86_64-w64-mingw32-gcc -O2 -s -shared -o "$out/bcryptprimitives.dll" \
  scripts/windows/bcryptprimitives.c scripts/windows/bcryptprimitives.def -ladvapi32
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  echo "==> Making the Wine prefix $WINEPREFIX"
  wineboot -i >/dev/null 2>&1
  wineserver -w
fi
cp "$out/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
