#!/usr/bin/env bash
# Makes Chromium available for the dashboard's real-browser test (tests/Workflows.AspNetCore.Tests/BrowserTests.cs),
# which drives it headless through Playwright pointed at the installed executable (Playwright downloads no browser).
# Installs Debian's package when it is missing.
set -euo pipefail

if command -v chromium > /dev/null 2>&1; then
  echo "chromium: installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo > /dev/null 2>&1; then sudo="sudo"; else echo "chromium: not root and no sudo" >&2; exit 1; fi
fi

echo "chromium: installing the Debian package"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
if ! command -v chromium > /dev/null 2>&1; then
  echo "chromium: still missing after the install" >&2
  exit 1
fi
echo "chromium: installed"
