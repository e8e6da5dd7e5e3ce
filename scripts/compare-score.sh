#!/usr/bin/env bash
# Runs `waves score` in every output form (table, --csv, --csv --escape-formulas, --json, and
# each of these with --instrument for the study's first two instruments) with two binaries on
# each study given, with the caches off and on, and compares standard output, standard error
# and exit status byte for byte.
# Usage: scripts/compare-score.sh BASE_BINARY NEW_BINARY STUDY_DIR...
# Prints one line per command and study (same / DIFFERENT) and exits 1 if anything differs.
# The outputs are kept under ${KEEP:-/tmp/compare-score} (removed when they match, as the
# bench study's are large).
set -uo pipefail
# shellcheck source=compare-lib.sh
source "$(dirname "$0")/compare-lib.sh"
base=$1; new=$2; shift 2
keep=${KEEP:-/tmp/compare-score}
mkdir -p "$keep"
status=0; same=0; total=0
for study in "$@"; do
  name=$(basename "$study")
  # The study's instruments (their `id:` lines), for --instrument; an unknown id too (an error).
  ids=$(grep -h '^id:' "$study"/instruments/*.yaml 2>/dev/null | awk '{print $2}' | head -2)
  cmds=("score" "score --csv" "score --csv --escape-formulas" "score --json")
  for id in $ids no-such-instrument; do
    cmds+=("score --instrument $id" "score --csv --instrument $id" "score --json --instrument $id")
  done
  for cache in off on; do
    for cmd in "${cmds[@]}"; do
      tag="$name.$cache.${cmd// /_}"
      for side in base new; do
        bin=$base; [ $side = new ] && bin=$new
        # shellcheck disable=SC2086
        WAVES_CACHE=$cache "$bin" $cmd --study "$study" >"$keep/$tag.$side.out" 2>"$keep/$tag.$side.err"
        echo $? >"$keep/$tag.$side.rc"
      done
      same_outputs "$keep" "$tag"; ok=$?
      tally $ok "$name ($cache): $cmd" "(exit $(cat "$keep/$tag.new.rc"), $(wc -c <"$keep/$tag.new.out") bytes)"
      # Matching outputs are let go (the bench study's are large); differing ones are kept.
      [ $ok -eq 0 ] && rm -f "$keep/$tag".*
    done
  done
done
echo "$same of $total identical"
exit $status
