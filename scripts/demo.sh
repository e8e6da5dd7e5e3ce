#!/usr/bin/env bash
# make demo: the main job on the shipped demo study.
set -euo pipefail
WAVES=${1:-.build/release/waves}
DEMO=${2:-datasets/pmi-demo}
run() { echo; echo "\$ waves $*"; "$WAVES" "$@"; }
run validate --study "$DEMO"
run status --study "$DEMO"
run score --study "$DEMO" --instrument identity
