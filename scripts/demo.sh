#!/usr/bin/env bash
# make demo: the main job on the shipped demo study (read-only on its data).
set -euo pipefail
WAVES=${1:-.build/release/waves}
DEMO=${2:-datasets/pmi-demo}
run() { echo; echo "\$ waves $*"; "$WAVES" "$@"; }
# git cannot keep mode 0600: make the shipped store private, as every store should be
# (Waves warns about a store others can read).
chmod 600 "$DEMO/data/responses.jsonl"
run validate --study "$DEMO"
run status --study "$DEMO"
run score --study "$DEMO" --instrument identity
run reliability --study "$DEMO" --scale identity --wave w1
run retest --study "$DEMO" --scale identity --waves w1,w2
run change --study "$DEMO" --scale identity --between role
run rci --study "$DEMO" --scale identity --from w1 --to w3
run lmm --study "$DEMO" --scale identity --time linear --between role --slopes
# What reviewers ask (docs/analysis.md): the store's integrity, who was lost and whether they
# differed, whether the scale measures the same thing at every wave, and the results paragraph.
run verify --study "$DEMO"
run flow --study "$DEMO"
run attrition --study "$DEMO" --scale identity --to w3
run invariance --study "$DEMO" --scale identity --missing fiml
run results --study "$DEMO"
# Planning the next cohort from this one (simulation with the study's own variance components).
run power --study "$DEMO" --design lmm-slope --from-study --scale identity --participants 20,40 --sims 500
# The qualitative strand: how well the two (simulated) coders of the diaries agree, and what the
# diaries speak of beside the scale change (docs/coding.md).
run agreement --study "$DEMO"
run agreement --study "$DEMO" --joint --scale identity
# The whole analysis as one page (datasets/pmi-demo/report.html, ignored by git, rebuilt each time);
# `waves report` prints the path and a short summary of the main findings.
echo
echo "\$ waves report --study $DEMO --out $DEMO/report.html"
"$WAVES" report --study "$DEMO" --out "$DEMO/report.html"
echo
echo "Open $DEMO/report.html in a browser (one self-contained file: no network needed; prints well)."
