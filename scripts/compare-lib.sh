# Shared by the scripts/compare-*.sh scripts (sourced, not run): whether the two binaries' runs
# of one command gave the same standard output, standard error and exit status, kept as
# $keep/$tag.{base,new}.{out,err,rc}.
# Usage: same_outputs KEEP_DIR TAG
same_outputs() {
  cmp -s "$1/$2.base.out" "$1/$2.new.out" && cmp -s "$1/$2.base.err" "$1/$2.new.err" && cmp -s "$1/$2.base.rc" "$1/$2.new.rc"
}
