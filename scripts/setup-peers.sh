#!/usr/bin/env bash
# Installs what the benchmark peers need (Debian / Ubuntu, apt-get, as root or with sudo):
#   python3-torch        PyTorch for scripts/peers/torch_trpo_update.py (`pnpm bench update`)
#   libopenblas0-openmp  OpenBLAS for it (Debian's torch is built against the generic libblas.so.3)
#   libmujoco-dev, gcc   native MuJoCo and a compiler for the env harness (`pnpm bench envs`)
# Packages already installed are skipped. Without apt-get or root it says what to install and exits 1;
# the benches then report the missing peers as unavailable.
set -euo pipefail
PACKAGES=(python3-torch libopenblas0-openmp libmujoco-dev gcc)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-peers: all present (${PACKAGES[*]})"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-peers: cannot install ${missing[*]}: no apt-get on this machine (install them by hand; the benches report missing peers as unavailable)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-peers: cannot install ${missing[*]}: not root and no sudo" >&2
    exit 1
  fi
fi
echo "setup-peers: installing ${missing[*]}"
if ! { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; }; then
  echo "setup-peers: apt-get could not install ${missing[*]} (no network or unknown package on this release?)" >&2
  exit 1
fi
echo "setup-peers: done"
