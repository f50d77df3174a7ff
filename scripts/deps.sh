#!/usr/bin/env bash
# Installs the Debian packages replica-audit needs to build, test and run its demo.
# As root: apt-get update + install of whatever is missing. Otherwise: prints the exact
# command and exits 1. Usage: scripts/deps.sh [build|test|demo|bench|release]
set -euo pipefail
what=${1:-test}
pkgs=(pkg-config libnbd-dev libfdisk-dev libblkid-dev nbdkit libnbd-bin gdisk fdisk util-linux
      e2fsprogs dosfstools xxd python3 xz-utils
      libsqlite3-dev libpq-dev)  # issue 13: the audit ledger's SQLite and PostgreSQL clients
case "$what" in
  test) pkgs+=(qemu-utils time chromium gnutls-bin cloud-guest-utils)
        # issue 15: keys made with openssl, the attestation checked by an independent DSSE verifier
        pkgs+=(openssl python3 python3-cryptography)
        # the YAML reader is checked against wave files written by PyYAML (YAMLReaderTests)
        pkgs+=(python3-yaml)
        # the filesystems and volume managers whose headers and size fields are parsed, made at test time
        pkgs+=(xfsprogs btrfs-progs ntfs-3g exfatprogs cryptsetup-bin mdadm lvm2)
        pkgs+=(f2fs-tools jfsutils nilfs-tools reiserfsprogs squashfs-tools erofs-utils xorriso)
        # issue 21: Windows dynamic disk fixtures are checked with libldm's ldmtool
        pkgs+=(ldmtool)
        # issue 16: ansible-core in a venv (scripts/ansible-venv.sh); the role's apt task needs
        # python3-apt; the wave test's unreachable appliance is an ssh connection
        pkgs+=(python3-venv python3-apt openssh-client)
        # issue 13: a real PostgreSQL server (scripts/pg-test-server.sh), psql and sqlite3 to tamper with ledgers
        pkgs+=(postgresql postgresql-client sqlite3)
        # issue 17: ReleaseFilesTests render the generated man page
        pkgs+=(groff-base) ;;
  demo) pkgs+=(openssl) ;;  # issue 15: the demo signs its reports
  bench) pkgs+=(qemu-utils time hyperfine) ;;
  # issue 17: make deb and scripts/release-check.sh (dpkg-shlibdeps, lintian, man -l, the installed demo)
  release) pkgs+=(openssl dpkg-dev binutils groff-base man-db lintian) ;;
  build) pkgs=(pkg-config libnbd-dev libfdisk-dev libblkid-dev libsqlite3-dev libpq-dev) ;;
esac
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "replica-audit needs these Debian packages: ${missing[*]}" >&2
  echo "Run as root:  sudo sh -c '$cmd'" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# issue 16: ansible-core from PyPI for Tests/AnsibleTests, once the apt packages are there
if [ "$what" = test ]; then "$(dirname "$0")/ansible-venv.sh"; fi
