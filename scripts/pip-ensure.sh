#!/usr/bin/env bash
# Installs the given PyPI packages whose module cannot be found yet (test tools only;
# a no-op on a ready machine). Usage: pip-ensure.sh module=package ...
set -uo pipefail
missing=()
for spec in "$@"; do
  mod=${spec%%=*}; pkg=${spec#*=}
  python3 -c "import importlib.util, sys; sys.exit(importlib.util.find_spec(\"$mod\") is None)" 2>/dev/null || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing PyPI packages: ${missing[*]}"
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "${missing[@]}"
