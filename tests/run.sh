#!/usr/bin/env bash
# Installs everything the tests need (the project, its test extras, and from Debian: Chromium
# for the browser tests, Docker and debootstrap to build and run the image, HAProxy in front of
# replicas), then runs the linters and the tests. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v haproxy >/dev/null || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
python3 -m ruff check app tests
python3 -m ruff format --check app tests
python3 -m pytest -q "$@"
