#!/usr/bin/env bash
# Debian packages some tests need (headless Chromium for the Web UI test). Idempotent.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" -ne 0 ]; then echo "not root: install chromium yourself to run the UI test" >&2; exit 1; fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
