#!/usr/bin/env bash
# Installs everything yiwang needs to build, test and run, from Debian 12's
# own packages. Safe to run again; run as root (or with sudo available).
set -euo pipefail

packages=(
    build-essential cmake pkg-config
    libzmq3-dev libprotobuf-c-dev protobuf-c-compiler liblmdb-dev lmdb-utils libxxhash-dev
    libssl-dev openssl libcmocka-dev libutf8proc-dev libinih-dev libjansson-dev
    libcivetweb-dev
    clang libclang-rt-14-dev
    python3 python3-zmq python3-protobuf protobuf-compiler
)

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 2; }
    as_root=(sudo)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
