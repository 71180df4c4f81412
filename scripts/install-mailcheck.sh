#!/bin/sh
# Installs what `npm run check:emails` needs from Debian (SpamAssassin, python3-dkim, Chromium)
# through the mail checker kit beside the project, unless it is already there.
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
kit="$root/../shared/tools/mailcheck"
if [ ! -f "$kit/install.sh" ]; then
  echo "mail checker kit not found at ../shared/tools/mailcheck" >&2
  exit 1
fi
# check-eml runs under /usr/bin/python3, where Debian puts python3-dkim.
if command -v spamassassin >/dev/null 2>&1 && /usr/bin/python3 -c 'import dkim' >/dev/null 2>&1; then
  echo "mail checker tools already installed"
  exit 0
fi
sh "$kit/install.sh"
