#!/usr/bin/env bash
# The seed incident with 4096-byte logical sectors (issue 9): VM pgtest1, disk 2000 (115 GiB)
# and disk 2001 (10 GiB), both 4Kn. The 115 GiB volume of disk 2000 carries disk 2001's first
# 10 GiB, GPT included, as in make-seed.sh.
#
# usage: Fixtures/make-seed-4k.sh OUTDIR
# Makes, as sparse files:
#   disk2000.img               the source disk 2000: 115 GiB, 4Kn GPT, EFI + /boot + /
#   disk2001.img               the source disk 2001: 10 GiB, 4Kn GPT, ext4 data + swap
#   vol2000-contaminated.img   2000's volume after the incident
#   vol2000.img, vol2001.img   correct replicas (byte-identical copies)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need fdisk mkfs.ext4 truncate python3
out=${1:?usage: make-seed-4k.sh OUTDIR}
mkdir -p "$out"

# label4k IMG SCRIPT — write an sfdisk script as a GPT for 4096-byte sectors.
label4k() {
  local img=$1 script; script=$(mktemp "$img.sfdisk.XXXXXX")
  cat > "$script"
  fdisk -b 4096 "$img" >/dev/null 2>&1 <<FDISK
I
$script
w
FDISK
  rm -f "$script"
}

# disk 2000: 115 GiB = 30146560 sectors of 4096 bytes.
d0="$out/disk2000.img"
rm -f "$d0"; truncate -s 115G "$d0"
mkext4_at "$d0" $((393472 * 4096)) $((1 << 30)) 20000002-b007-4e00-8000-000000002000 boot
label4k "$d0" <<'SFDISK'
label: gpt
label-id: 2000AAAA-0000-4000-8000-000000002000
first-lba: 6
start=256, size=131072, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=2000AAAA-0001-4000-8000-000000002000, name="EFI System"
start=131328, size=262144, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=2000AAAA-0002-4000-8000-000000002000, name="boot"
start=393472, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=2000AAAA-0003-4000-8000-000000002000, name="root"
SFDISK

# disk 2001: 10 GiB = 2621440 sectors of 4096 bytes.
d1="$out/disk2001.img"
rm -f "$d1"; truncate -s 10G "$d1"
mkext4_at "$d1" $((256 * 4096)) $((8 << 30)) 20010001-da7a-4e00-8000-000000002001 pgdata
label4k "$d1" <<'SFDISK'
label: gpt
label-id: 2001BBBB-0000-4000-8000-000000002001
first-lba: 6
start=256, size=2097152, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=2001BBBB-0001-4000-8000-000000002001, name="pgdata"
start=2097408, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, uuid=2001BBBB-0002-4000-8000-000000002001, name="swap"
SFDISK

sparse_copy "$d0" "$out/vol2000.img"
sparse_copy "$d1" "$out/vol2001.img"
sparse_copy "$d0" "$out/vol2000-contaminated.img"
overlay "$d1" "$out/vol2000-contaminated.img" $((10 * 1024 * 1024 * 1024))
echo "4Kn seed images in $out"
