#!/usr/bin/env bash
# Installs what is missing (Debian packages, Chromium and the browser tests' npm packages),
# builds recd (warnings are errors under CI) and runs every test through CTest, the browser
# tests of the demo shop and dashboard included (screenshots in build/release/Testing/browser).
# Tests that need ../shared/data skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")"
if [ -n "${CI:-}" ]; then export RECD_WERROR=ON; fi
source scripts/setup.sh
recd_install_packages
recd_install_browser_tools
recd_build
echo "==> running the tests"
ctest --preset release -j2 --timeout 600
