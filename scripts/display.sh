# Sourced by the benchmark scripts (measure-app.sh, bench-search-window.sh): a display
# and a private D-Bus session bus for the apps they launch, as a desktop would have.
#   start_display WORK GEOMETRY   e.g. start_display "$work" 1280x800x24
# Without DISPLAY it starts Xvfb on a free display (:77 up, its log in WORK/xvfb.log);
# with dbus-daemon installed it starts a session bus. Sets xvfb_pid and dbus_pid (empty
# when not started) for the caller's clean-up.

start_display() {
  local work=$1 geometry=$2 n
  if [ -z "${DISPLAY:-}" ]; then
    command -v Xvfb >/dev/null || { echo "DISPLAY is unset and Xvfb is not installed" >&2; exit 1; }
    n=77
    while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
    Xvfb ":$n" -screen 0 "$geometry" -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 100); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
    [ -e "/tmp/.X11-unix/X$n" ] || { echo "Xvfb did not start:" >&2; cat "$work/xvfb.log" >&2; exit 1; }
    export DISPLAY=":$n"
    echo "==> Xvfb on $DISPLAY"
  fi
  if command -v dbus-daemon >/dev/null; then
    { read -r DBUS_SESSION_BUS_ADDRESS; read -r dbus_pid; } < <(
      dbus-daemon --session --fork --nopidfile --print-address=1 --print-pid=1)
    export DBUS_SESSION_BUS_ADDRESS
  else
    unset DBUS_SESSION_BUS_ADDRESS
  fi
}
