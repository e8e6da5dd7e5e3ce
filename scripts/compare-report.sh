#!/usr/bin/env bash
# Runs `waves report` with two binaries on each study given, in every cache state (caches off;
# no cache yet: the run that writes them; the column cache warm and the index cache missing;
# both warm), as HTML, Markdown and with free texts, and compares standard output, standard
# error, exit status and the page without its "generated" time stamp.
# Usage: scripts/compare-report.sh BASE_BINARY NEW_BINARY STUDY_DIR...
# Each binary works on its own copy of each study (the report writes caches under data/), made
# under ${KEEP:-/tmp/compare-report}; the copies' paths are made equal in stdout and stderr.
# Prints one line per run (same / DIFFERENT) and exits 1 if anything differs.
set -uo pipefail
# shellcheck source=compare-lib.sh
source "$(dirname "$0")/compare-lib.sh"
base=$1; new=$2; shift 2
keep=${KEEP:-/tmp/compare-report}
mkdir -p "$keep"
status=0; same=0; total=0
page() { sed -E 's/ · generated [0-9TZ:.+-]+//' "$1"; }
for study in "$@"; do
  name=$(basename "$study")
  for side in base new; do
    rm -rf "${keep:?}/$name.$side"; cp -a "$study" "$keep/$name.$side"; rm -f "$keep/$name.$side"/data/*.cache
  done
  for state in off writing index-missing warm; do
    for args in "" "--format md" "--include-text"; do
      tag="$name.$state.${args// /_}"
      for side in base new; do
        bin=$base; [ $side = new ] && bin=$new
        dir="$keep/$name.$side"
        case $state in
          off) cache=off ;;
          writing) cache=on; rm -f "$dir"/data/*.cache ;;
          index-missing) cache=on; rm -f "$dir"/data/index*.cache ;;
          warm) cache=on ;;
        esac
        # shellcheck disable=SC2086
        WAVES_CACHE=$cache "$bin" report --study "$dir" --out "$keep/$tag.$side.page" $args >"$keep/$tag.$side.out" 2>"$keep/$tag.$side.err"
        echo $? >"$keep/$tag.$side.rc"
        sed -i -e "s#$keep/$tag.$side.page#PAGE#g" -e "s#$dir#STUDY#g" "$keep/$tag.$side.out" "$keep/$tag.$side.err"
      done
      same_outputs "$keep" "$tag" && cmp -s <(page "$keep/$tag.base.page" 2>/dev/null) <(page "$keep/$tag.new.page" 2>/dev/null)
      tally $? "$name: report $args" "($state; exit $(cat "$keep/$tag.new.rc"))" "($state)"
    done
  done
done
echo "$same of $total the same"
exit $status
