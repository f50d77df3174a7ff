#!/usr/bin/env bash
# Filesystems inside LVM logical volumes (README.md, "Logical volumes").
#
# usage: Fixtures/make-lvm-cases.sh OUTDIR
#   lvm-dos2000.img        2 GiB, DOS label as an installer writes it: partition 1 XFS /boot (512 MiB),
#                          partition 2 an LVM PV of VG "rhel" with LVs swap (200 MiB), root (XFS,
#                          932 MiB) and home (ext4, 400 MiB)
#   lvm-dos-cut2000.img    its first 1300 MiB only, the rest holes: the copy stopped inside root,
#                          whose last allocation group's superblock (at 1413 MiB) is missing
#   lvm-dos-gap2000.img    its first 1646 MiB only: root is whole, home (at 1646 MiB) holds nothing
#   lvm-shrunk2000.img     lvm-dos2000 whose metadata gives root 200 extents (800 MiB) while its
#                          XFS still claims 932 MiB: an LV reduced under its filesystem
#   lvm-whole2001.img      1 GiB, no partition table: the whole disk is a PV of VG "data"; LV srv
#                          (ext4, 800 MiB) in two segments, LV extents 100-199 at PV extent 150
#   lvm-whole-cut2001.img  its first 700 MiB only: srv's last backup superblock (group 5, in the
#                          second segment at 841 MiB) is missing
# The PVs are made by pvcreate/vgcreate on loop devices and the LVs written into the metadata
# with vgcfgrestore (device-mapper is not needed: nothing is activated); the filesystems are
# made apart and copied to where the metadata puts each LV.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sfdisk mkfs.xfs mkfs.ext4 mkswap pvcreate vgcreate vgcfgbackup vgcfgrestore losetup truncate python3 dd
out=${1:?usage: make-lvm-cases.sh OUTDIR}
mkdir -p "$out"
M=$((1 << 20))
conf='devices { use_devicesfile=0 obtain_device_list_from_udev=0 } activation { udev_sync=0 udev_rules=0 } backup { backup=0 archive=0 }'

# lv_metadata VG DEV LVSPEC... : writes the LVs into VG's metadata on DEV (a loop device).
# LVSPEC is NAME:START_EXTENT+COUNT@PV_EXTENT[,…] (the segments of one linear LV on pv0).
lv_metadata() {
  local vg=$1 dev=$2; shift 2
  vgcfgbackup -q --devices "$dev" --config "$conf" -f "$out/vg.txt" "$vg" >/dev/null 2>&1
  python3 - "$out/vg.txt" "$@" <<'PY'
import sys
path, specs = sys.argv[1], sys.argv[2:]
text = open(path).read()
lvs = []
for n, spec in enumerate(specs):
    name, segs = spec.split(":")
    segs = [s for s in segs.split(",")]
    body = [f'\t\t{name} {{', f'\t\t\tid = "lv{n:04d}-0000-0000-0000-0000-0000-000000"',
            '\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]', '\t\t\tflags = []', f'\t\t\tsegment_count = {len(segs)}']
    for i, s in enumerate(segs, 1):
        start, rest = s.split("+")
        count, pe = rest.split("@")
        body += [f'\t\t\tsegment{i} {{', f'\t\t\t\tstart_extent = {start}', f'\t\t\t\textent_count = {count}',
                 '\t\t\t\ttype = "striped"', '\t\t\t\tstripe_count = 1\t# linear', '\t\t\t\tstripes = [',
                 f'\t\t\t\t\t"pv0", {pe}', '\t\t\t\t]', '\t\t\t}']
    body.append('\t\t}')
    lvs.append("\n".join(body))
block = "\n\tlogical_volumes {\n\n" + "\n\n".join(lvs) + "\n\t}\n"
end = text.rindex("}")
text = text[:end] + block + text[end:]
text = text.replace("seqno = 1", "seqno = 2", 1)
open(path, "w").write(text)
PY
  vgcfgrestore -q --devices "$dev" --config "$conf" -f "$out/vg.txt" "$vg" >/dev/null 2>&1
  rm -f "$out/vg.txt"
}

# place IMAGE FILE OFFSET_MIB [SKIP_MIB COUNT_MIB]: copies FILE (or a part of it) into IMAGE, sparse.
place() {
  if [ $# -eq 3 ]; then
    dd if="$2" of="$1" bs=1M seek="$3" conv=notrunc,sparse status=none
  else
    dd if="$2" of="$1" bs=1M seek="$3" skip="$4" count="$5" conv=notrunc,sparse status=none
  fi
}

# --- 2000: DOS label, /boot + PV (rhel: swap, root) -----------------------------------------
img="$out/lvm-dos2000.img"
rm -f "$img" "$out/lvm-boot.img" "$out/lvm-root.img" "$out/lvm-swap.img" "$out/lvm-home.img"
truncate -s 2G "$img"
printf 'label: dos\nlabel-id: 0x20002000\nstart=2048, size=1048576, type=83, bootable\nstart=1050624, type=8e\n' | sfdisk -q "$img"
truncate -s 512M "$out/lvm-boot.img"
mkfs.xfs -q -f -m uuid=22000000-0000-4000-8000-0000000b0070 "$out/lvm-boot.img"
place "$img" "$out/lvm-boot.img" 1
loop=$(losetup -f --show -o $((1050624 * 512)) "$img")
trap 'losetup -d "$loop" 2>/dev/null || true' EXIT
pvcreate -q --devices "$loop" --config "$conf" -u 2200Aa-0000-0000-0000-0000-0000-002000 --norestorefile "$loop" >/dev/null 2>&1
vgcreate -q --devices "$loop" --config "$conf" --setautoactivation n rhel "$loop" >/dev/null 2>&1
# The PV holds 383 extents of 4 MiB from 1 MiB into the partition (at 513 MiB on the disk).
lv_metadata rhel "$loop" swap:0+50@0 root:0+233@50 home:0+100@283
losetup -d "$loop"
trap - EXIT
# swap at 513 + 1 MiB; root at 514 + 200 MiB; home at 714 + 932 MiB.
truncate -s 200M "$out/lvm-swap.img"
mkswap -q -U 22000000-0000-4000-8000-00000005a900 "$out/lvm-swap.img" >/dev/null
place "$img" "$out/lvm-swap.img" 514
truncate -s $((233 * 4))M "$out/lvm-root.img"
mkfs.xfs -q -f -m uuid=22000000-0000-4000-8000-0000000f0070 "$out/lvm-root.img"
place "$img" "$out/lvm-root.img" 714
truncate -s 400M "$out/lvm-home.img"
mkfs.ext4 -q -F -b 4096 -U 22000000-0000-4000-8000-00000000e0e0 "$out/lvm-home.img"
place "$img" "$out/lvm-home.img" 1646
rm -f "$out/lvm-boot.img" "$out/lvm-root.img" "$out/lvm-swap.img" "$out/lvm-home.img"

sparse_copy "$img" "$out/lvm-dos-cut2000.img"
truncate -s 1300M "$out/lvm-dos-cut2000.img"
truncate -s 2G "$out/lvm-dos-cut2000.img"

# Stopped exactly where root ends (714 + 932 MiB): root is whole, home was never written.
sparse_copy "$img" "$out/lvm-dos-gap2000.img"
truncate -s 1646M "$out/lvm-dos-gap2000.img"
truncate -s 2G "$out/lvm-dos-gap2000.img"

sparse_copy "$img" "$out/lvm-shrunk2000.img"
loop=$(losetup -f --show -o $((1050624 * 512)) "$out/lvm-shrunk2000.img")
trap 'losetup -d "$loop" 2>/dev/null || true' EXIT
vgcfgbackup -q --devices "$loop" --config "$conf" -f "$out/vg.txt" rhel >/dev/null 2>&1
python3 - "$out/vg.txt" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
# root's only segment: 233 extents become 200 (lvreduce without shrinking the filesystem).
text = text.replace("extent_count = 233", "extent_count = 200", 1)
text = re.sub(r"seqno = (\d+)", lambda m: f"seqno = {int(m.group(1)) + 1}", text, count=1)
open(path, "w").write(text)
PY
vgcfgrestore -q --devices "$loop" --config "$conf" -f "$out/vg.txt" rhel >/dev/null 2>&1
rm -f "$out/vg.txt"
losetup -d "$loop"
trap - EXIT

# --- 2001: whole-disk PV (data: srv in two segments) ----------------------------------------
img="$out/lvm-whole2001.img"
rm -f "$img" "$out/lvm-srv.img"
truncate -s 1G "$img"
loop=$(losetup -f --show "$img")
trap 'losetup -d "$loop" 2>/dev/null || true' EXIT
pvcreate -q --devices "$loop" --config "$conf" -u 2200Aa-0000-0000-0000-0000-0000-002001 --norestorefile "$loop" >/dev/null 2>&1
vgcreate -q --devices "$loop" --config "$conf" --setautoactivation n data "$loop" >/dev/null 2>&1
lv_metadata data "$loop" srv:0+100@0,100+100@150
losetup -d "$loop"
trap - EXIT
truncate -s 800M "$out/lvm-srv.img"
mkfs.ext4 -q -F -b 4096 -U 22000000-0000-4000-8000-00000005e200 "$out/lvm-srv.img"
# LV bytes 0-400 MiB at PV 1 MiB; 400-800 MiB at PV extent 150 (1 + 600 MiB).
place "$img" "$out/lvm-srv.img" 1 0 400
place "$img" "$out/lvm-srv.img" 601 400 400
rm -f "$out/lvm-srv.img"
sparse_copy "$img" "$out/lvm-whole-cut2001.img"
truncate -s 700M "$out/lvm-whole-cut2001.img"
truncate -s 1G "$out/lvm-whole-cut2001.img"
