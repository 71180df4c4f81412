#!/bin/sh
# CI step: make sure the mail checker's system tools are there (installing them from Debian only
# when missing), then render, sign and judge one of each email with `npm run check:emails`.
# Expects the project's node_modules (npm ci) to be installed already. Exits with the check's status.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ ! -x node_modules/.bin/html-validate ] || [ ! -x node_modules/.bin/tsx ]; then
  echo "node_modules is missing html-validate or tsx: install the project's dependencies first" >&2
  exit 1
fi

sh scripts/install-mailcheck.sh
exec npm run --silent check:emails
