#!/usr/bin/env bash
# Puts Debian's Chromium at /usr/bin/chromium for BrowserInteropTest when it is missing, as the
# Maven build runs this before the tests. It needs root and apt-get (CI has both); elsewhere it
# says what to do and leaves the test to fail with the same advice.
set -euo pipefail
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  echo "ensure-chromium: installing Debian's chromium package for the browser test" >&2
  export DEBIAN_FRONTEND=noninteractive
  # A failed install fails only the browser test, which then says Chromium is missing.
  if apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium > /dev/null; then
    "$chromium" --version >&2
  else
    echo "ensure-chromium: apt-get could not install chromium; BrowserInteropTest will fail" >&2
  fi
  exit 0
fi
echo "ensure-chromium: no Chromium at $chromium, and this is not root with apt-get: install it" \
  "(apt-get install chromium) or set CHROMIUM to one, or BrowserInteropTest fails" >&2
