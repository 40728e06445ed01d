#!/usr/bin/env bash
# Measures Glabella's start-up time and idle memory beside a bare Tauri window
# (benches/app/bare-window) on the same machine, the same way; see BENCHMARKS.md,
# "App start-up and memory".
#
#   bash scripts/measure-app.sh
#
# For each app: RUNS launches (after WARMUP uncounted ones; the apps take turns), each
# with fresh per-user folders (XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME: no WebKit
# cache, no saved window state) and, for Glabella, a fresh GLABELLA_DATA_DIR. Per launch:
#   ready   wall time from spawning the process until it prints
#           "ui ready <N> ms after launch" on stdout (the search box is mounted and focused)
#   self    that <N>: the app's own count from the start of its main function
#   PSS     after IDLE seconds idle on that screen, the sum of the Pss line of
#           /proc/<pid>/smaps_rollup over the app and all its descendants
#           (WebKitWebProcess, WebKitNetworkProcess and any sandbox helper WebKit starts);
#           "others=N" after it counts other apps' WebKitWebProcesses running then, which
#           share library pages and so lower the PSS (by up to ~25 MiB here)
# then the process tree is killed. Glabella is measured on an empty database and on one
# with PATIENTS demo patients (made once with glabella-admin, kept in target/, copied
# for each launch).
#
# Environment: RUNS (5), WARMUP (1), IDLE (5 s), PATIENTS (100000), TIMEOUT (60 s),
# SKIP_BUILD=1 to use the binaries already in target/release, SKIP_UI_BUILD=1 to embed
# ui/dist as it is. Without DISPLAY an Xvfb is started on a free display (:77 up);
# the apps always get a private D-Bus session bus when dbus-daemon is installed (as on a
# desktop, and so that Glabella's single-instance check never finds another Glabella).
# Needs bash, coreutils, awk and Xvfb; no other dependency.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
IDLE=${IDLE:-5}
PATIENTS=${PATIENTS:-100000}
TIMEOUT=${TIMEOUT:-60}

# --- build -------------------------------------------------------------------
if [ "${SKIP_BUILD:-}" != 1 ]; then
  if [ "${SKIP_UI_BUILD:-}" != 1 ]; then
    bash scripts/setup.sh app
    echo "==> Building the UI"
    (cd ui && npm run build --silent)
  fi
  echo "==> Building glabella and bare-window (release; about 6 minutes the first time)"
  cargo build --release -p glabella -p bare-window --quiet
fi
glabella=$root/target/release/glabella
bare=$root/target/release/bare-window
for bin in "$glabella" "$bare"; do
  [ -x "$bin" ] || { echo "missing $bin (run without SKIP_BUILD=1)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/measure-app.XXXXXX")
xvfb_pid=
dbus_pid=
app_pids=()
cleanup() {
  local p
  for p in "${app_pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  [ -n "$dbus_pid" ] && kill "$dbus_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# Private copies, so that another build into target/ cannot swap a binary mid-measurement.
mkdir "$work/bin"
cp "$glabella" "$bare" "$work/bin/"
glabella=$work/bin/glabella
bare=$work/bin/bare-window

# --- the demo database (made once) -------------------------------------------
# Made again when the schema or the demo generator changed since.
demo_db=$root/target/measure-app/db-$PATIENTS
if [ "$PATIENTS" -gt 0 ] && { [ ! -f "$demo_db/glabella.sqlite3" ] ||
  [ -n "$(find core/migrations core/src/demo.rs -newer "$demo_db/glabella.sqlite3" 2>/dev/null)" ]; }; then
  echo "==> Creating a database with $PATIENTS demo patients in $demo_db"
  rm -rf "$demo_db"
  mkdir -p "$demo_db"
  cargo run --release --quiet -p glabella-core --bin glabella-admin -- \
    --data-dir "$demo_db" demo-data --patients "$PATIENTS"
fi

# --- display and session bus -------------------------------------------------
# shellcheck source=scripts/display.sh
source scripts/display.sh
start_display "$work" 1920x1080x24

# --- helpers -----------------------------------------------------------------
# The pid given and all its descendants, from the ppid field of /proc/*/stat.
tree() {
  local -A kids=()
  local s st rest p ppid
  for s in /proc/[0-9]*/stat; do
    { read -r st <"$s"; } 2>/dev/null || continue
    rest=${st##*) }            # after the command name, which may hold spaces
    read -r _ ppid _ <<<"$rest"
    p=${s#/proc/}; p=${p%/stat}
    kids[$ppid]+=" $p"
  done
  local queue=("$1") out=()
  while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}; queue=("${queue[@]:1}")
    out+=("$p")
    # shellcheck disable=SC2206
    [ -n "${kids[$p]:-}" ] && queue+=(${kids[$p]})
  done
  echo "${out[@]}"
}

# "pss_kib anon_kib breakdown" over the pids given: the sums of the Pss and Pss_Anon
# lines of their smaps_rollup, and "name=MiB" (Pss) per process.
pss() {
  local total=0 anon=0 p v a name parts=()
  for p in "$@"; do
    read -r v a < <(awk '/^Pss:/ {v = $2} /^Pss_Anon:/ {a = $2} END {print v, a}' \
      "/proc/$p/smaps_rollup" 2>/dev/null) || continue
    [ -n "$v" ] || continue
    name=$(cat "/proc/$p/comm" 2>/dev/null) || continue
    total=$((total + v)); anon=$((anon + ${a:-0}))
    parts+=("$name=$((v / 1024))M")
  done
  echo "$total $anon ${parts[*]}"
}

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

# One launch: sets LAUNCH to "ready_ms self_ms pss_kib anon_kib others=N breakdown".
LAUNCH=
launch() { # bin db_source(or -)
  local bin=$1 db=$2 run line t0 t1 self= pid fd deadline
  run=$(mktemp -d "$work/run.XXXXXX")
  mkdir -p "$run/data" "$run/config" "$run/cache"
  if [ "$db" != - ]; then
    cp -r "$db" "$run/db"
    sync "$run/db"/*   # the copy's writeback must not land in the measured launch
  else
    mkdir "$run/db"
  fi
  mkfifo "$run/out"
  t0=$(now_us)
  XDG_DATA_HOME=$run/data XDG_CONFIG_HOME=$run/config XDG_CACHE_HOME=$run/cache \
    GLABELLA_DATA_DIR=$run/db "$bin" >"$run/out" 2>"$run/stderr" &
  pid=$!
  app_pids+=("$pid")
  exec {fd}<"$run/out"
  deadline=$((SECONDS + TIMEOUT))
  while [ $SECONDS -lt $deadline ] && IFS= read -r -t "$TIMEOUT" -u "$fd" line; do
    if [[ $line =~ ui\ ready\ ([0-9]+)\ ms\ after\ launch ]]; then
      t1=$(now_us)
      self=${BASH_REMATCH[1]}
      break
    fi
  done
  cat <&"$fd" >/dev/null &   # keep draining its stdout
  local drain=$!
  exec {fd}<&-
  if [ -z "$self" ]; then
    echo "$(basename "$bin") did not report ready within ${TIMEOUT}s; its stderr:" >&2
    tail -20 "$run/stderr" >&2
    kill -KILL "$pid" 2>/dev/null || true
    exit 1
  fi
  local ready_ms=$(((t1 - t0) / 1000))
  sleep "$IDLE"
  local pids mem ours=0 others p
  read -ra pids <<<"$(tree "$pid")"
  mem=$(pss "${pids[@]}")
  # Other apps' WebKit processes share library pages with these, which lowers their PSS:
  # count them, to tell such a launch apart.
  for p in "${pids[@]}"; do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = WebKitWebProces ] && ours=$((ours + 1))
  done
  others=$(($(pgrep -xc WebKitWebProces || true) - ours))
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  wait "$drain" 2>/dev/null || true
  rm -rf "$run"
  app_pids=()
  read -r v a rest <<<"$mem"
  LAUNCH="$ready_ms $self $v $a others=$others $rest"
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }
worst() { printf '%s\n' "$@" | sort -n | tail -1; }
mib() { awk "BEGIN {printf \"%.1f\", $1 / 1024}"; }

# The variants take turns (one launch of each per round), so a change in the load of
# the machine during the measurement falls on all of them alike.
keys=(bare empty)
declare -A label=([bare]="bare Tauri window" [empty]="Glabella, empty database")
declare -A bin=([bare]=$bare [empty]=$glabella) db=([bare]=- [empty]=-)
if [ "$PATIENTS" -gt 0 ]; then
  keys+=(demo)
  label[demo]="Glabella, $PATIENTS patients"; bin[demo]=$glabella; db[demo]=$demo_db
fi
declare -A ready=() self=() mem=() anon=()
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq $((WARMUP + RUNS))); do
  if [ "$round" -le "$WARMUP" ]; then echo "==> warm-up round $round (not counted)"; else echo "==> round $((round - WARMUP))"; fi
  for key in "${keys[@]}"; do
    launch "${bin[$key]}" "${db[$key]}"
    read -r r s m a rest <<<"$LAUNCH"
    printf '   %-28s ready %5d ms (self %5d ms), PSS %s MiB (anon %s): %s\n' \
      "${label[$key]}" "$r" "$s" "$(mib "$m")" "$(mib "$a")" "$rest"
    if [ "$round" -gt "$WARMUP" ]; then
      ready[$key]+=" $r"; self[$key]+=" $s"; mem[$key]+=" $m"; anon[$key]+=" $a"
    fi
    sleep 1
  done
done

# --- the table ---------------------------------------------------------------
echo
echo "$RUNS launches each (after $WARMUP uncounted), idle ${IDLE}s; $(nproc) cores, $(uname -sr), WebKitGTK $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0 2>/dev/null || echo '?')"
echo "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| | launch → ready (wall), median / worst | self-reported, median / worst | PSS, all processes, median / worst | of which anonymous, median |"
echo "| --- | --- | --- | --- | --- |"
# shellcheck disable=SC2086
for key in "${keys[@]}"; do
  echo "| ${label[$key]} | $(median ${ready[$key]}) / $(worst ${ready[$key]}) ms" \
    "| $(median ${self[$key]}) / $(worst ${self[$key]}) ms" \
    "| $(mib "$(median ${mem[$key]})") / $(mib "$(worst ${mem[$key]})") MiB" \
    "| $(mib "$(median ${anon[$key]})") MiB |"
done
echo
# shellcheck disable=SC2086
for key in "${keys[@]}"; do
  [ "$key" = bare ] && continue
  echo "memory ratio, ${label[$key]} / bare window (medians): PSS" \
    "$(awk "BEGIN {printf \"%.2f\", $(median ${mem[$key]}) / $(median ${mem[bare]})}"), anonymous" \
    "$(awk "BEGIN {printf \"%.2f\", $(median ${anon[$key]}) / $(median ${anon[bare]})}")"
done
