#!/bin/sh
# Installs the Debian packages the mail checker needs for `npm run check:emails`, unless they are
# already there: SpamAssassin (--spam) and python3-dkim (--dkim-dns; check-eml runs under
# /usr/bin/python3, where Debian puts it). Chromium is left out: check:emails takes no
# screenshots. Non-interactive; installing needs root. Prints one line when there is nothing to do.
set -eu

missing=""
command -v spamassassin >/dev/null 2>&1 || missing="$missing spamassassin"
/usr/bin/python3 -c 'import dkim' >/dev/null 2>&1 || missing="$missing python3-dkim"
if [ -z "$missing" ]; then
  echo "mail checker tools already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "missing:$missing; run this script as root to install them" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
install_packages() {
  # shellcheck disable=SC2086 # the package list is meant to split
  apt-get install -y -q $missing
}

# A fresh machine has no package lists: update first. Otherwise try the lists we have and
# update (once) only if they are too old to install from.
if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
  apt-get update -q
  install_packages
elif ! install_packages; then
  apt-get update -q
  install_packages
fi
echo "installed:$missing ($(spamassassin --version | head -n 1))"
