# Shared by the scripts/compare-*.sh scripts (sourced, not run): whether the two binaries' runs
# of one command gave the same standard output, standard error and exit status, kept as
# $keep/$tag.{base,new}.{out,err,rc}.
# Usage: same_outputs KEEP_DIR TAG
same_outputs() {
  cmp -s "$1/$2.base.out" "$1/$2.new.out" && cmp -s "$1/$2.base.err" "$1/$2.new.err" && cmp -s "$1/$2.base.rc" "$1/$2.new.rc"
}

# Counts one comparison in $same, $total and $status (the caller's) and prints its line:
# "same       LABEL SAME_DETAIL" when the comparison's status is 0, else "DIFFERENT  LABEL DIFF_DETAIL".
# Usage: tally STATUS LABEL SAME_DETAIL [DIFF_DETAIL]
tally() {
  total=$((total + 1))
  if [ "$1" -eq 0 ]; then
    same=$((same + 1)); echo "same       $2${3:+ $3}"
  else
    status=1; echo "DIFFERENT  $2${4:+ $4}"
  fi
}
