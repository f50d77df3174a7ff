#!/usr/bin/env bash
# Prints the `swift build` flags that link the C++ runtime into the release binary statically
# (docs/RELEASE.md, "What the binary links against"): the static Swift runtime and BoringSSL
# need libstdc++ and libgcc, and the toolchain links them as shared libraries (`-lstdc++`
# comes from the Swift runtime's own link arguments). A directory holding a linker script
# named libstdc++.so that points at libstdc++.a, searched first, makes that `-lstdc++` take
# the archive; clang's -static-libgcc does the same for libgcc. The binary then needs only
# glibc, libnbd, libfdisk and libblkid.
# usage: scripts/static-cxx.sh DIR   (DIR: where to write the linker script)
set -euo pipefail
dir=${1:?usage: scripts/static-cxx.sh DIR}
swift=$(command -v "${SWIFT:-swift}") || { echo "static-cxx: swift is not on PATH" >&2; exit 1; }
clang=$(dirname "$(readlink -f "$swift")")/clang
[ -x "$clang" ] || clang=$(command -v clang || command -v gcc || true)
[ -n "$clang" ] || { echo "static-cxx: neither the toolchain's clang nor gcc is here to find libstdc++.a" >&2; exit 1; }
archive=$("$clang" -print-file-name=libstdc++.a)
case $archive in
  /*) [ -f "$archive" ] || archive= ;;
  *) archive= ;;
esac
[ -n "$archive" ] || { echo "static-cxx: libstdc++.a not found (install libstdc++-12-dev, or the libstdc++-dev of your gcc)" >&2; exit 1; }
mkdir -p "$dir"
printf 'INPUT(%s)\n' "$archive" > "$dir/libstdc++.so"
printf '%s\n' "-Xswiftc -L$(cd "$dir" && pwd) -Xswiftc -Xclang-linker -Xswiftc -static-libgcc"
