#!/usr/bin/env bash
# Installs the Debian packages replica-audit needs to build, test and run its demo.
# As root: apt-get update + install of whatever is missing. Otherwise: prints the exact
# command and exits 1. Usage: scripts/deps.sh [build|test|demo|bench|release]
set -euo pipefail
what=${1:-test}
pkgs=(pkg-config libnbd-dev libfdisk-dev libblkid-dev nbdkit libnbd-bin gdisk fdisk util-linux
      e2fsprogs dosfstools xxd python3 xz-utils)
case "$what" in
  test) pkgs+=(qemu-utils time chromium gnutls-bin cloud-guest-utils)
        # issue 15: keys made with openssl, the attestation checked by an independent DSSE verifier
        pkgs+=(openssl python3 python3-cryptography)
        # the filesystems and volume managers whose headers and size fields are parsed, made at test time
        pkgs+=(xfsprogs btrfs-progs ntfs-3g exfatprogs cryptsetup-bin mdadm lvm2)
        # issue 17: ReleaseFilesTests render the generated man page
        pkgs+=(groff-base) ;;
  demo) pkgs+=(openssl) ;;  # issue 15: the demo signs its reports
  bench) pkgs+=(qemu-utils time hyperfine) ;;
  # issue 17: make deb and scripts/release-check.sh (dpkg-shlibdeps, lintian, man -l, the installed demo)
  release) pkgs+=(openssl dpkg-dev binutils groff-base man-db lintian) ;;
  build) pkgs=(pkg-config libnbd-dev libfdisk-dev libblkid-dev) ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "replica-audit needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root:  sudo sh -c '$cmd'" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
