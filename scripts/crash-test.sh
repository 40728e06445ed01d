#!/usr/bin/env bash
# The crash test: ROUNDS (default 100) times, a stream of confirmed writes through the
# core's API (core/examples/write_stream.rs, one patient registered per transaction)
# is killed with SIGKILL at a random moment 50–500 ms after it started. After each
# kill the folder is reopened and must hold every write the writer confirmed, and
# `glabella-admin check` must pass: SQLite integrity, foreign keys, schema, audit chain.
#
#   bash scripts/crash-test.sh [ROUNDS]
#
# Environment: CARGO_TARGET_DIR (where cargo builds), CRASH_KEEP=1 keeps the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
rounds=${1:-100}
target=${CARGO_TARGET_DIR:-$PWD/target}

cargo build --quiet -p glabella-core --example write_stream --bin glabella-admin
writer=$target/debug/examples/write_stream
admin=$target/debug/glabella-admin

work=$(mktemp -d "${TMPDIR:-/tmp}/glabella-crash.XXXXXX")
[[ ${CRASH_KEEP:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT
dir=$work/clinic
confirmed=$work/confirmed
: >"$confirmed"
"$writer" setup "$dir"

started=$(date +%s%N)
kills=0
for ((round = 1; round <= rounds; round++)); do
  "$writer" write "$dir" "$round" >"$work/round" 2>"$work/stderr" &
  pid=$!
  sleep "$(printf '0.%03d' $((50 + RANDOM % 451)))"
  if kill -9 "$pid" 2>/dev/null; then
    kills=$((kills + 1))
  else
    echo "round $round: the writer had stopped before the kill:" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  wait "$pid" 2>/dev/null || true
  # A line cut short by the kill is no confirmation: only whole lines are kept.
  if [[ -s $work/round && $(tail -c1 "$work/round" | od -An -c | tr -d ' ') != '\n' ]]; then
    sed '$d' "$work/round" >>"$confirmed"
  else
    cat "$work/round" >>"$confirmed"
  fi
  if ! "$writer" verify "$dir" "$confirmed" >"$work/verify"; then
    echo "round $round: a confirmed write is missing (folder kept in $work)" >&2
    trap - EXIT
    exit 1
  fi
  if ! GLABELLA_PASSWORD="crash test password" "$admin" --data-dir "$dir" --user owner check >"$work/check" 2>&1; then
    echo "round $round: glabella-admin check failed (folder kept in $work):" >&2
    cat "$work/check" >&2
    trap - EXIT
    exit 1
  fi
done
ms=$((($(date +%s%N) - started) / 1000000))
writes=$(grep -c . "$confirmed" || true)
printf 'crash test: %d rounds, %d kills, %d confirmed writes all present, check OK each round, %d.%03d s (%d ms a round)\n' \
  "$rounds" "$kills" "$writes" $((ms / 1000)) $((ms % 1000)) $((ms / rounds))
echo "load: $(uptime)"
