#!/usr/bin/env bash
# The check step of the GitHub Action (action.yml), kept in a script so that it runs,
# and is tested, outside GitHub too.
#
# Runs `splitguard check $SPLITGUARD_ARGS --format github`: one annotation per finding.
# With SPLITGUARD_SARIF=true it also writes the findings as SARIF to
# $SPLITGUARD_SARIF_FILE (default splitguard.sarif) for the code-scanning upload, and
# names that file in the step's outputs. Exits with check's status: 0 clean,
# 1 findings at or above --fail-on, 2 the check could not run.
set -euo pipefail

python=${SPLITGUARD_PYTHON:-python}
sarif=${SPLITGUARD_SARIF:-false}
sarif_file=${SPLITGUARD_SARIF_FILE:-splitguard.sarif}

case "$sarif" in
  true | false) ;;
  *)
    echo "splitguard action: input 'sarif' is '$sarif'; use true or false." >&2
    exit 2
    ;;
esac

# Split the `args` input as a shell would (quotes keep "No Finding" whole) without
# evaluating it: the arguments may come from anywhere in a workflow.
words=$(mktemp)
trap 'rm -f "$words"' EXIT
if ! "$python" -c 'import os, shlex, sys; sys.stdout.write("\0".join(shlex.split(os.environ.get("SPLITGUARD_ARGS", ""))))' >"$words"; then
  echo "splitguard action: input 'args' cannot be split into arguments (an unclosed quote?)." >&2
  exit 2
fi
args=()
if [ -s "$words" ]; then
  mapfile -d '' -t args <"$words"
fi

status=0
"$python" -m splitguard check "${args[@]}" --format github || status=$?
if [ "$status" -ge 2 ] || [ "$sarif" = false ]; then
  exit "$status"
fi

# The same findings again as SARIF; --exit-zero because the first run set the status.
"$python" -m splitguard check "${args[@]}" --format sarif --exit-zero >"$sarif_file.partial"
mv "$sarif_file.partial" "$sarif_file"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "sarif-file=$sarif_file" >>"$GITHUB_OUTPUT"
fi
exit "$status"
