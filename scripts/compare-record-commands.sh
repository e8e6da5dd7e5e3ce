#!/usr/bin/env bash
# Runs the commands that read every record (validate, quality, quality --json, verify) with two
# binaries on each study given, and compares standard output, standard error and exit status.
# Usage: scripts/compare-record-commands.sh BASE_BINARY NEW_BINARY STUDY_DIR...
# Prints one line per command and study (same / DIFFERENT) and exits 1 if anything differs.
# The outputs are kept under ${KEEP:-/tmp/compare-record-commands}.
set -uo pipefail
# shellcheck source=compare-lib.sh
source "$(dirname "$0")/compare-lib.sh"
base=$1; new=$2; shift 2
keep=${KEEP:-/tmp/compare-record-commands}
mkdir -p "$keep"
export WAVES_CACHE=${WAVES_CACHE:-off}
status=0; same=0; total=0
for study in "$@"; do
  name=$(basename "$study")
  for cmd in "validate" "quality" "quality --json" "verify" "verify --json"; do
    tag="$name.${cmd// /_}"
    for side in base new; do
      bin=$base; [ $side = new ] && bin=$new
      # shellcheck disable=SC2086
      "$bin" $cmd --study "$study" >"$keep/$tag.$side.out" 2>"$keep/$tag.$side.err"
      echo $? >"$keep/$tag.$side.rc"
    done
    same_outputs "$keep" "$tag"
    tally $? "$name: $cmd" "(exit $(cat "$keep/$tag.new.rc"))"
  done
done
echo "$same of $total identical"
exit $status
