#!/usr/bin/env bash
#===- install-packages.sh - install the Debian packages qfhe needs -------===#
#
# Usage: scripts/install-packages.sh [EXTRA_PACKAGE...]
#
# Installs, with apt-get (as root or through sudo), those of the packages
# qfhe builds with, and of EXTRA_PACKAGE..., that are not installed yet;
# does nothing when all are.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

PACKAGES=(cmake ninja-build clang-22 libmlir-22-dev mlir-22-tools llvm-22-dev
          llvm-22-tools libgtest-dev libonnx-dev libprotobuf-dev python3 "$@")

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  SUDO=
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
  echo "== installing Debian packages: ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
    "${missing[@]}"
fi
