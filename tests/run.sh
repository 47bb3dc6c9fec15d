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
if [ $# -gt 0 ]; then
  python3 -m pytest -q "$@"
else
  # Most tests wait on a page or a server more than on a core: three workers share them. Those
  # that time a server or weigh its memory then run one at a time, with the machine to
  # themselves.
  python3 -m pytest -q -n 3 --dist loadfile -m "not alone"
  python3 -m pytest -q -m alone
fi
