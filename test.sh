#!/usr/bin/env bash
# Installs what is missing, builds recd (warnings are errors under CI) and runs every test
# through CTest. Tests that need ../shared/data skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")"
if [ -n "${CI:-}" ]; then export RECD_WERROR=ON; fi
source scripts/setup.sh
recd_install_packages
recd_build
echo "==> running the tests"
ctest --preset release -j2 --timeout 600
