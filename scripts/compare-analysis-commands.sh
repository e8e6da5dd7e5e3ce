#!/usr/bin/env bash
# Runs the analysis commands that read a scale's columns or the store's index with two binaries
# on each study given, reading the store (WAVES_CACHE=off) and then with both caches warm (each
# binary on its own copy of the study, made under ${KEEP:-/tmp/compare-analysis-commands}, whose
# caches its first run writes), and compares standard output, standard error and exit status.
# Usage: scripts/compare-analysis-commands.sh BASE_BINARY NEW_BINARY STUDY_DIR...
# The commands: every per-scale command without --scale (all scales), `rci --from w1 --to w2`,
# `status`, `flow`, `results`, `attrition`, and the extra commands in $EXTRA (one per line, e.g.
# "invariance --scale total"), each with and without --json where it has one.
# Prints one line per command, study and cache state (same / DIFFERENT) and exits 1 if anything differs.
set -uo pipefail
# shellcheck source=compare-lib.sh
source "$(dirname "$0")/compare-lib.sh"
base=$1; new=$2; shift 2
keep=${KEEP:-/tmp/compare-analysis-commands}
mkdir -p "$keep"
cmds=("reliability" "reliability --json" "rci --from w1 --to w2" "rci --from w1 --to w2 --json" "retest --waves w1,w2"
      "change" "lmm" "cfa --wave w1" "invariance" "invariance --across role" "status" "status --json" "flow" "flow --json"
      "results" "attrition" "attrition --json")
while IFS= read -r extra; do [ -n "$extra" ] && cmds+=("$extra"); done <<<"${EXTRA:-}"
status=0; same=0; total=0
for study in "$@"; do
  name=$(basename "$study")
  for side in base new; do
    rm -rf "${keep:?}/$name.$side"; cp -a "$study" "$keep/$name.$side"; rm -f "$keep/$name.$side"/data/*.cache
  done
  for state in off warm; do
    for cmd in "${cmds[@]}"; do
      tag="$name.$state.${cmd// /_}"
      for side in base new; do
        bin=$base; [ $side = new ] && bin=$new
        dir="$keep/$name.$side"
        cache=off; [ $state = warm ] && cache=on
        # shellcheck disable=SC2086
        WAVES_CACHE=$cache "$bin" $cmd --study "$dir" >"$keep/$tag.$side.out" 2>"$keep/$tag.$side.err"
        echo $? >"$keep/$tag.$side.rc"
        sed -i -e "s#$dir#STUDY#g" "$keep/$tag.$side.out" "$keep/$tag.$side.err"
      done
      same_outputs "$keep" "$tag"
      tally $? "$name: $cmd" "($state; exit $(cat "$keep/$tag.new.rc"))" "($state)"
    done
  done
done
echo "$same of $total the same"
exit $status
