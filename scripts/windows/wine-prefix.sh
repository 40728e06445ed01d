# Sourced by scripts/windows.sh and scripts/windows-service.sh: the private Wine prefix
# in $out/wine, made once, quietly, with the ProcessPrng stand-in in it (Wine 8 lacks
# bcryptprimitives.dll, whose ProcessPrng Rust's standard library calls, so no Rust
# program starts under it without one; see scripts/windows/bcryptprimitives.c).
export WINEPREFIX=$out/wine WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
x86_64-w64-mingw32-gcc -O2 -s -shared -o "$out/bcryptprimitives.dll" \
  scripts/windows/bcryptprimitives.c scripts/windows/bcryptprimitives.def -ladvapi32
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  echo "==> Making the Wine prefix $WINEPREFIX"
  wineboot -i >/dev/null 2>&1
  wineserver -w
fi
cp "$out/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
