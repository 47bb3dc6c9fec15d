#!/usr/bin/env bash
# Installs everything the tests need (the project, its test extras, Debian's Chromium), then
# runs the linters and the tests. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m ruff check app tests
python3 -m ruff format --check app tests
python3 -m pytest -q "$@"
