#!/usr/bin/env bash
# The Debian packages the tests need. Installs the missing ones when run as root (CI, this project's
# machines); otherwise prints the one command that would. Quick no-op when all are there.
set -euo pipefail
packages=(
  chromium ripgrep                        # the browser for webview + VS Code tests; rg for code-server
  build-essential pkg-config python3      # code-server's native modules (node-gyp)
  libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
  python3-h5py python3-onnx python3-numpy # independent checkers: HDF5 (Keras tests) and ONNX (ONNX tests), from /usr/bin/python3
  python3-torch                           # independent forward pass of Keras .h5 models (test/fixtures/keras/keras_forward.py)
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages for the tests: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
