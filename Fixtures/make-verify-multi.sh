#!/usr/bin/env bash
# Multi-device guest storage (issue 21): md RAID1 members (superblocks 1.2 and 1.0), a
# btrfs RAID1, an LVM volume group spanning two whole-disk PVs, and a DOS disk written
# over a GPT disk — each faithful set next to its broken twin.
#
# usage: Fixtures/make-verify-multi.sh OUTDIR [md|btrfs|lvm|mbr|clone|gpt256|extra|sizes|zfs|ldm|raid|all]
#   md:    md12-2002.img (1 GiB, role 0) + md12-2003.img (1.5 GiB, role 1), md 1.2, array "pg:md0";
#          md12-2003-dup.img: 2003's volume carrying 2002's member (its first 1 GiB).
#          md10-2012.img + md10-2013.img (1 GiB each, md 1.0, array "pg:md1");
#          md10-2013-dup.img: 2013's volume a copy of 2012's member.
#          md09-2023.img + md09-2024.img (256 MiB each, md 0.90, roles 0 and 1);
#          md09-2024-dup.img: 2024's volume a copy of 2023's.
#          mdp-2021.img + mdp-2022.img (2 GiB each, GPT, partition 1 a Linux RAID member of
#          md 1.2 array "pg:md2" with roles 0 and 1): the usual partitioned mirror.
#   btrfs: btrfs-2004.img (256 MiB) + btrfs-2005.img (320 MiB), one btrfs RAID1;
#          btrfs-2005-dup.img: 2005's volume carrying 2004's device.
#   lvm:   lvm-2006.img (1 GiB) + lvm-2007.img (2 GiB), whole-disk PVs of VG "vgdata";
#          lvm-2007-dup.img: 2007's volume carrying 2006's PV; lvm-2006-dup.img: 2006's
#          volume carrying the first 1 GiB of 2007's PV (a 2 GiB PV on a 1 GiB volume);
#          lvm-2026.img: a 1 GiB whole-disk PV of its own, the disk since grown to 2 GiB (no pvresize);
#          gpt-2025.img (2 GiB, GPT) and gpt-2025-pv.img: its volume carrying 2006's whole-disk PV.
#   mbr:   gpt-2008.img (2 GiB, GPT) + dos-2009.img (1 GiB, DOS 0x09090909, one partition to the end);
#          gpt-2008-dup.img: 2008's volume carrying 2009's first 1 GiB (its GPT backup stays at its end).
#   clone: clone-2010.img + clone-2011.img (1 GiB each): one template disk cloned twice into
#          the VM — same disk GUID, partition GUID and filesystem UUID on both sources.
#   gpt256: gpt-entries-256.img (64 MiB): a GPT with 256-byte partition entries (legal per
#          UEFI, rejected by Linux), rewritten from sfdisk's by gpt-entry-size.py;
#          gpt-entries-128.img, the same label as sfdisk wrote it.
#   extra: extra-src-2014.img (1 GiB GPT: ext4 in partition 1, partition 2 unformatted) and
#          extra-vol-2014.img, its copy with a leftover XFS in partition 2.
#   sizes: short-2015.img (1 GiB volume, GPT written for 1 GiB − 512 bytes);
#          kb-2016.img (1 GiB + 512 bytes, GPT for its whole size: a disk that is no whole KiB).
#   zfs:   zfs-2017.img + zfs-2018.img (512 MiB each): the two sides of a mirror of pool "tank";
#          zfs-2018-dup.img: 2018's volume a copy of 2017's. zfs-2019.img (768 MiB, pool
#          "scratch" on one device) and zfs-2020.img (1 GiB, pool "backup");
#          zfs-2020-dup.img: 2020's volume carrying 2019's device. Labels by zfslabel.py,
#          checked with libblkid (blkid -p).
#   ldm:   ldm-2030.img (1 GiB) + ldm-2031.img (1.5 GiB): the two MBR dynamic disks (partition
#          type 0x42) of Windows disk group "WIN-DG0" with a mirrored volume; ldm-2031-dup.img:
#          2031's volume carrying 2030's first 1 GiB; ldm-2030-dup.img: 2030's volume carrying
#          the first 1 GiB of 2031's (a PRIVHEAD for 1.5 GiB on a 1 GiB volume).
#          ldm-gpt-2032.img + ldm-gpt-2033.img (1 GiB each): GPT dynamic disks (LDM metadata,
#          MSR and LDM data partitions) of disk group "WIN-DG1"; ldm-gpt-2033-dup.img: a copy
#          of 2032's. ldm-2034.img + ldm-2035.img (1 GiB each, MBR, group "WIN-DG2");
#          ldm-2035-front.img: 2035's volume with 2034's first 512 MiB written over its front
#          (its own database still at its end). Metadata by ldmdb.py, checked with ldmtool (libldm).
#   raid:  ddf-2042.img + ddf-2043.img (256 MiB each): the two physical disks of DDF container
#          "Linux-MD-2100-ddf-c00001" (ddfmeta.py); ddf-2043-dup.img: a copy of 2042's.
#          imsm-2044.img (512 MiB) + imsm-2045.img (640 MiB): the two disks of IMSM family
#          21002044 (imsmmpb.py); imsm-2045-dup.img: 2045's volume made 512 MiB and a copy of
#          2044's. Both checked with `mdadm --examine` on loop devices.
#
# md superblocks are written by mdsb.py (no md kernel module in containers) and checked with
# `mdadm --examine`; PVs are made by pvcreate/vgcreate on loop devices.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
out=${1:?usage: make-verify-multi.sh OUTDIR [md|btrfs|lvm|mbr|clone|gpt256|extra|sizes|zfs|ldm|raid|all]}
what=${2:-all}
mkdir -p "$out"
G=1073741824

examine() { # IMG ROLE — mdadm must agree with what mdsb.py wrote
  mdadm --examine "$1" | grep -q "Device Role : Active device $2" || {
    echo "fixtures: mdadm --examine does not accept $1" >&2; mdadm --examine "$1" >&2; exit 2; }
}

if [ "$what" = md ] || [ "$what" = all ]; then
  need mdadm python3 truncate sgdisk
  rm -f "$out"/md*.img
  truncate -s $G "$out/md12-2002.img"; truncate -s $((G + G / 2)) "$out/md12-2003.img"
  python3 "$here/mdsb.py" "$out/md12-2002.img" 1.2 21000000-0000-4000-8000-0000000000a0 21000000-0000-4000-8000-000000002002 0 2 pg:md0
  python3 "$here/mdsb.py" "$out/md12-2003.img" 1.2 21000000-0000-4000-8000-0000000000a0 21000000-0000-4000-8000-000000002003 1 2 pg:md0
  examine "$out/md12-2002.img" 0; examine "$out/md12-2003.img" 1
  sparse_copy "$out/md12-2003.img" "$out/md12-2003-dup.img"
  overlay "$out/md12-2002.img" "$out/md12-2003-dup.img" $G

  truncate -s $G "$out/md10-2012.img" "$out/md10-2013.img"
  python3 "$here/mdsb.py" "$out/md10-2012.img" 1.0 21000000-0000-4000-8000-0000000000a1 21000000-0000-4000-8000-000000002012 0 2 pg:md1
  python3 "$here/mdsb.py" "$out/md10-2013.img" 1.0 21000000-0000-4000-8000-0000000000a1 21000000-0000-4000-8000-000000002013 1 2 pg:md1
  examine "$out/md10-2012.img" 0; examine "$out/md10-2013.img" 1
  sparse_copy "$out/md10-2012.img" "$out/md10-2013-dup.img"

  truncate -s 256M "$out/md09-2023.img" "$out/md09-2024.img"
  python3 "$here/mdsb.py" "$out/md09-2023.img" 0.90 21000000-0000-4000-8000-0000000000a9 - 0 2 -
  python3 "$here/mdsb.py" "$out/md09-2024.img" 0.90 21000000-0000-4000-8000-0000000000a9 - 1 2 -
  for n in 3 4; do
    mdadm --examine "$out/md09-202$n.img" | grep -Eq "^this +$((n - 3)) " || {
      echo "fixtures: mdadm --examine does not accept md09-202$n.img" >&2; exit 2; }
  done
  sparse_copy "$out/md09-2023.img" "$out/md09-2024-dup.img"

  for n in 1 2; do
    img="$out/mdp-202$n.img"
    truncate -s $((2 * G)) "$img"
    sgdisk -U 21000000-0000-4000-8000-00000000202$n -n 1:2048:-1M -t 1:fd00 \
      -u 1:21000000-0000-4000-8000-00000000f02$n "$img" >/dev/null
    sectors=$(sgdisk -i 1 "$img" | sed -n 's/^Partition size: \([0-9]*\) sectors.*/\1/p')
    python3 "$here/mdsb.py" "$img" 1.2 21000000-0000-4000-8000-0000000000a2 21000000-0000-4000-8000-00000000d02$n \
      $((n - 1)) 2 pg:md2 $((sectors * 512)) $((2048 * 512))
    dd if="$img" of="$img.part" bs=1M skip=1 count=1 status=none
    examine "$img.part" $((n - 1)); rm -f "$img.part"
  done
fi

if [ "$what" = btrfs ] || [ "$what" = all ]; then
  need mkfs.btrfs truncate
  rm -f "$out"/btrfs*.img
  truncate -s 256M "$out/btrfs-2004.img"; truncate -s 320M "$out/btrfs-2005.img"
  mkfs.btrfs -q -f -L pgdata -U 21000000-0000-4000-8000-0000000000b0 -d raid1 -m raid1 \
    "$out/btrfs-2004.img" "$out/btrfs-2005.img" >/dev/null
  sparse_copy "$out/btrfs-2005.img" "$out/btrfs-2005-dup.img"
  overlay "$out/btrfs-2004.img" "$out/btrfs-2005-dup.img" $((256 << 20))
fi

if [ "$what" = lvm ] || [ "$what" = all ]; then
  need pvcreate vgcreate losetup truncate sgdisk mkfs.ext4
  rm -f "$out"/lvm*.img
  truncate -s $G "$out/lvm-2006.img"; truncate -s $((2 * G)) "$out/lvm-2007.img"
  truncate -s $G "$out/lvm-2026.img"
  l1=$(losetup -f --show "$out/lvm-2006.img")
  l2=$(losetup -f --show "$out/lvm-2007.img") || { losetup -d "$l1"; exit 2; }
  l3=$(losetup -f --show "$out/lvm-2026.img") || { losetup -d "$l1" "$l2"; exit 2; }
  trap 'losetup -d "$l1" "$l2" "$l3" 2>/dev/null || true' EXIT
  # Only these two devices, no udev, no backup files in /etc/lvm, nothing activated.
  conf='devices { use_devicesfile=0 obtain_device_list_from_udev=0 } activation { udev_sync=0 udev_rules=0 } backup { backup=0 archive=0 }'
  pvcreate -q --devices "$l1,$l2" --config "$conf" -u 2100Aa-0000-0000-0000-0000-0000-002006 --norestorefile "$l1" >/dev/null 2>&1
  pvcreate -q --devices "$l1,$l2" --config "$conf" -u 2100Aa-0000-0000-0000-0000-0000-002007 --norestorefile "$l2" >/dev/null 2>&1
  vgcreate -q --devices "$l1,$l2" --config "$conf" --setautoactivation n vgdata "$l1" "$l2" >/dev/null 2>&1
  pvcreate -q --devices "$l3" --config "$conf" -u 2100Aa-0000-0000-0000-0000-0000-002026 --norestorefile "$l3" >/dev/null 2>&1
  losetup -d "$l1" "$l2" "$l3"
  # 2026 grown in vSphere to 2 GiB after pvcreate, never pvresize'd: its PV still says 1 GiB.
  truncate -s $((2 * G)) "$out/lvm-2026.img"
  trap - EXIT
  sparse_copy "$out/lvm-2007.img" "$out/lvm-2007-dup.img"
  overlay "$out/lvm-2006.img" "$out/lvm-2007-dup.img" $G
  sparse_copy "$out/lvm-2006.img" "$out/lvm-2006-dup.img"
  overlay "$out/lvm-2007.img" "$out/lvm-2006-dup.img" $G
  rm -f "$out"/gpt-2025*.img
  truncate -s $((2 * G)) "$out/gpt-2025.img"
  sgdisk -U 21000000-0000-4000-8000-000000002025 -n 1:2048:-1M "$out/gpt-2025.img" >/dev/null
  # Its partition holds a filesystem (a GPT whose partitions hold nothing is volume-label-only).
  mkext4 "$out/gpt-2025.img" 2048 4190000 21000000-0000-4000-8000-0000000e2025 data2025
  sparse_copy "$out/gpt-2025.img" "$out/gpt-2025-pv.img"
  overlay "$out/lvm-2006.img" "$out/gpt-2025-pv.img" $G
fi

if [ "$what" = mbr ] || [ "$what" = all ]; then
  need sgdisk sfdisk mkfs.ext4 truncate
  rm -f "$out"/gpt-2008*.img "$out"/dos-2009.img
  truncate -s $((2 * G)) "$out/gpt-2008.img"
  mkext4 "$out/gpt-2008.img" 2048 $((4194304 - 2048 - 2048)) 21000000-0000-4000-8000-00000000e008 data8
  sgdisk -U 21000000-0000-4000-8000-000000002008 -n 1:2048:$((4194304 - 2048 - 1)) -u 1:21000000-0000-4000-8000-00000000f008 \
    "$out/gpt-2008.img" >/dev/null
  truncate -s $G "$out/dos-2009.img"
  mkext4 "$out/dos-2009.img" 2048 $((2097152 - 2048)) 21000000-0000-4000-8000-00000000e009 data9
  printf 'label: dos\nlabel-id: 0x09090909\nstart=2048, type=83\n' | sfdisk -q "$out/dos-2009.img" >/dev/null 2>&1
  sparse_copy "$out/gpt-2008.img" "$out/gpt-2008-dup.img"
  overlay "$out/dos-2009.img" "$out/gpt-2008-dup.img" $G
fi

if [ "$what" = clone ] || [ "$what" = all ]; then
  need sgdisk mkfs.ext4 truncate
  rm -f "$out"/clone-*.img
  truncate -s $G "$out/clone-2010.img"
  mkext4 "$out/clone-2010.img" 2048 $((2097152 - 2048 - 2048)) 21000000-0000-4000-8000-00000000e010 template
  sgdisk -U 21000000-0000-4000-8000-000000002010 -n 1:2048:$((2097152 - 2048 - 1)) -u 1:21000000-0000-4000-8000-00000000f010 \
    "$out/clone-2010.img" >/dev/null
  sparse_copy "$out/clone-2010.img" "$out/clone-2011.img"
fi

if [ "$what" = gpt256 ] || [ "$what" = all ]; then
  need sfdisk python3 truncate
  rm -f "$out"/gpt-entries-*.img
  truncate -s 64M "$out/gpt-entries-128.img"
  printf 'label: gpt\nfirst-lba: 2048\nstart=2048, size=32768, uuid=21000000-0000-4000-8000-000000001256\n' \
    | sfdisk -q "$out/gpt-entries-128.img" >/dev/null 2>&1
  sparse_copy "$out/gpt-entries-128.img" "$out/gpt-entries-256.img"
  python3 "$here/gpt-entry-size.py" "$out/gpt-entries-256.img" 256
fi

if [ "$what" = extra ] || [ "$what" = all ]; then
  need sgdisk mkfs.ext4 mkfs.xfs truncate dd
  rm -f "$out"/extra-*.img
  truncate -s $G "$out/extra-src-2014.img"
  mkext4 "$out/extra-src-2014.img" 2048 1048576 21000000-0000-4000-8000-00000000e014 data14
  sgdisk -U 21000000-0000-4000-8000-000000002014 -n 1:2048:+512M -u 1:21000000-0000-4000-8000-00000000f014 \
    -n 2:0:-1M -u 2:21000000-0000-4000-8000-00000000f114 "$out/extra-src-2014.img" >/dev/null
  sparse_copy "$out/extra-src-2014.img" "$out/extra-vol-2014.img"
  # A leftover XFS in partition 2 (mkfs.xfs has no offset: made apart, its head copied in).
  truncate -s 320M "$out/xfs-scratch.img"
  mkfs.xfs -q -f -m uuid=21000000-0000-4000-8000-00000000e114 "$out/xfs-scratch.img" >/dev/null
  start=$(sgdisk -i 2 "$out/extra-vol-2014.img" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
  dd if="$out/xfs-scratch.img" of="$out/extra-vol-2014.img" bs=512 count=128 seek="$start" conv=notrunc,sparse status=none
  rm -f "$out/xfs-scratch.img"
fi

if [ "$what" = sizes ] || [ "$what" = all ]; then
  need sgdisk truncate
  rm -f "$out"/short-2015.img "$out"/kb-2016.img
  truncate -s $((G - 512)) "$out/short-2015.img"
  sgdisk -U 21000000-0000-4000-8000-000000002015 -n 1:2048:-1M "$out/short-2015.img" >/dev/null
  truncate -s $G "$out/short-2015.img"
  truncate -s $((G + 512)) "$out/kb-2016.img"
  sgdisk -U 21000000-0000-4000-8000-000000002016 -n 1:2048:-1M "$out/kb-2016.img" >/dev/null
fi

if [ "$what" = zfs ] || [ "$what" = all ]; then
  need python3 blkid truncate
  rm -f "$out"/zfs-*.img
  zfs() { # IMG POOL POOL_GUID GUID TYPE CHILDREN — then libblkid must see that member
    python3 "$here/zfslabel.py" "$@"
    blkid -p -o export "$1" | grep -qx "UUID_SUB=$4" || { echo "fixtures: libblkid does not see the ZFS label of $1" >&2; exit 2; }
  }
  truncate -s 512M "$out/zfs-2017.img" "$out/zfs-2018.img"
  zfs "$out/zfs-2017.img" tank 2100000000000000017 2100000000000002017 mirror 2100000000000002017,2100000000000002018
  zfs "$out/zfs-2018.img" tank 2100000000000000017 2100000000000002018 mirror 2100000000000002017,2100000000000002018
  sparse_copy "$out/zfs-2017.img" "$out/zfs-2018-dup.img"
  truncate -s 768M "$out/zfs-2019.img"; truncate -s $G "$out/zfs-2020.img"
  zfs "$out/zfs-2019.img" scratch 2100000000000000019 2100000000000002019 disk -
  zfs "$out/zfs-2020.img" backup 2100000000000000020 2100000000000002020 disk -
  sparse_copy "$out/zfs-2020.img" "$out/zfs-2020-dup.img"
  overlay "$out/zfs-2019.img" "$out/zfs-2020-dup.img" $((768 << 20))
fi

if [ "$what" = ldm ] || [ "$what" = all ]; then
  need python3 sfdisk sgdisk ldmtool truncate
  rm -f "$out"/ldm-*.img
  dg0=21000000-0000-4000-8000-0000000000c0; d30=21000000-0000-4000-8000-000000002030; d31=21000000-0000-4000-8000-000000002031
  checkldm() { # GROUP DISKS... — ldmtool (libldm) must list the group, every disk present, and the mirror
    local group=$1; shift
    local args=(); for d in "$@"; do args+=(-d "$d"); done
    local shown; shown=$(ldmtool "${args[@]}" show diskgroup "$group" 2>/dev/null) || shown=
    local n=0 out; for d in "$@"; do n=$((n + 1))
      out=$(ldmtool "${args[@]}" show disk "$group" "Disk$n" 2>/dev/null) || out=
      [[ $out == *'"present" : true'* ]] || shown=; done
    out=$(ldmtool "${args[@]}" show volume "$group" Volume1 2>/dev/null) || out=
    [[ $out == *'"type" : "mirrored"'* ]] || shown=
    [ -n "$shown" ] || { echo "fixtures: ldmtool does not accept disk group $group on $*" >&2
      ldmtool "${args[@]}" show diskgroup "$group" >&2 || true; exit 2; }
  }
  s30=$((G / 512)); s31=$((G * 3 / 2 / 512))
  truncate -s $G "$out/ldm-2030.img"; truncate -s $((G + G / 2)) "$out/ldm-2031.img"
  printf 'label: dos\nlabel-id: 0x20302030\nstart=63, type=42\n' | sfdisk -q "$out/ldm-2030.img" >/dev/null 2>&1
  printf 'label: dos\nlabel-id: 0x20312031\nstart=63, type=42\n' | sfdisk -q "$out/ldm-2031.img" >/dev/null 2>&1
  # The database is each disk's last 1 MiB; the mirror is as large as the smaller data area.
  python3 "$here/ldmdb.py" "$out/ldm-2030.img" $d30 $dg0 WIN-DG0 $d30,$d31 63 $((s30 - 2048 - 63)) $((s30 - 2048)) \
    --mbr --volume-sectors $((s30 - 2048 - 63))
  python3 "$here/ldmdb.py" "$out/ldm-2031.img" $d31 $dg0 WIN-DG0 $d30,$d31 63 $((s31 - 2048 - 63)) $((s31 - 2048)) \
    --mbr --volume-sectors $((s30 - 2048 - 63))
  checkldm $dg0 "$out/ldm-2030.img" "$out/ldm-2031.img"
  sparse_copy "$out/ldm-2031.img" "$out/ldm-2031-dup.img"
  overlay "$out/ldm-2030.img" "$out/ldm-2031-dup.img" $G
  sparse_copy "$out/ldm-2030.img" "$out/ldm-2030-dup.img"
  overlay "$out/ldm-2031.img" "$out/ldm-2030-dup.img" $G

  dg1=21000000-0000-4000-8000-0000000000c1
  for n in 2 3; do
    img="$out/ldm-gpt-203$n.img"
    truncate -s $G "$img"
    sgdisk -U 21000000-0000-4000-8000-00000000203$n -n 1:2048:4095 -t 1:4201 -n 2:4096:36863 -t 2:0c01 \
      -n 3:36864:0 -t 3:4200 "$img" >/dev/null
    last=$(sgdisk -i 3 "$img" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
    python3 "$here/ldmdb.py" "$img" 21000000-0000-4000-8000-00000000d03$n $dg1 WIN-DG1 \
      21000000-0000-4000-8000-00000000d032,21000000-0000-4000-8000-00000000d033 36864 $((last + 1 - 36864)) 2048
  done
  checkldm $dg1 "$out/ldm-gpt-2032.img" "$out/ldm-gpt-2033.img"
  sparse_copy "$out/ldm-gpt-2032.img" "$out/ldm-gpt-2033-dup.img"

  dg2=21000000-0000-4000-8000-0000000000c2; d34=21000000-0000-4000-8000-000000002034; d35=21000000-0000-4000-8000-000000002035
  for n in 34 35; do
    truncate -s $G "$out/ldm-20$n.img"
    printf 'label: dos\nlabel-id: 0x20%s20%s\nstart=63, type=42\n' $n $n | sfdisk -q "$out/ldm-20$n.img" >/dev/null 2>&1
    d=d$n
    python3 "$here/ldmdb.py" "$out/ldm-20$n.img" ${!d} $dg2 WIN-DG2 $d34,$d35 63 $((s30 - 2048 - 63)) $((s30 - 2048)) --mbr
  done
  checkldm $dg2 "$out/ldm-2034.img" "$out/ldm-2035.img"
  sparse_copy "$out/ldm-2035.img" "$out/ldm-2035-front.img"
  overlay "$out/ldm-2034.img" "$out/ldm-2035-front.img" $((G / 2))
fi

if [ "$what" = raid ] || [ "$what" = all ]; then
  need python3 mdadm losetup truncate
  rm -f "$out"/ddf-*.img "$out"/imsm-*.img
  examine_loop() { # IMG PATTERN — mdadm --examine of IMG on a loop device must print PATTERN
    local loop text
    loop=$(losetup -f --show "$1")
    text=$(IMSM_NO_PLATFORM=1 IMSM_DEVNAME_AS_SERIAL=1 mdadm --examine "$loop" 2>&1) || true
    losetup -d "$loop"
    [[ $text =~ $2 ]] || { echo "fixtures: mdadm --examine does not accept $1" >&2; echo "$text" >&2; exit 2; }
  }
  pds=21000000-ddf0-pd00002042,21000000-ddf0-pd00002043
  for n in 0 1; do
    img="$out/ddf-204$((n + 2)).img"
    truncate -s 256M "$img"
    python3 "$here/ddfmeta.py" "$img" Linux-MD-2100-ddf-c00001 $pds $n
    # mdadm names the loop device on the line of this disk's reference number.
    examine_loop "$img" "2100000$n +[0-9]+K /dev/loop[0-9]+ +active/Online"
  done
  sparse_copy "$out/ddf-2042.img" "$out/ddf-2043-dup.img"

  disks=VMW2044SERIAL:$((512 * 2048)),VMW2045SERIAL:$((640 * 2048))
  truncate -s 512M "$out/imsm-2044.img"; truncate -s 640M "$out/imsm-2045.img"
  for n in 4 5; do
    python3 "$here/imsmmpb.py" "$out/imsm-204$n.img" 21002044 $disks
    examine_loop "$out/imsm-204$n.img" "Family : 21002044.*Checksum : [0-9a-f]+ correct.*Disk01 Serial : VMW2045SERIAL"
  done
  sparse_copy "$out/imsm-2044.img" "$out/imsm-2045-dup.img"
fi
