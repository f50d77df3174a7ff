#!/usr/bin/env bash
# Disks for issue 9 (sector sizes, protective MBR without GPT, filesystems larger than their
# container) and issue 18 (which header the evidence comes from). Sparse images, fixed identities.
#
# usage: Fixtures/make-probe-sectors.sh OUTDIR [CASE...]   (no CASE: all of them)
# Cases (OUTDIR/CASE.img):
#   gpt-512            64 MiB GPT for 512-byte sectors (the same as make-probe-cases.sh small_gpt)
#   gpt-4k             64 MiB GPT for 4096-byte sectors (fdisk -b 4096), ext4 in partition 1
#   pmbr-no-gpt        gpt-512 with its primary (LBA 1) and backup (last LBA) headers zeroed:
#                      only the protective MBR is left
#   pmbr-backup-only   a 64 MiB GPT on a 96 MiB volume, primary header zeroed: the backup is only
#                      where the protective MBR says the disk ends, not at the last LBA
#   pmbr-no-gpt-4k     the same as pmbr-no-gpt for gpt-4k (zeroed at 4096 and at the last 4096-byte LBA)
#   bigger-head        12 GiB data disk (own GPT, disk GUID DA7A…0012) whose first 12 GiB but
#                      the last MiB were overwritten by the head of a 40 GiB root disk (GPT disk GUID 4000…0040,
#                      partition 2 reaching 39 GiB, ext4 in it); the data disk's old backup stays at its end
#   bigger-root        that 40 GiB root disk;  bigger-data: that 12 GiB data disk
#   fs-oversize        GPT disk, one partition per type (ext4 xfs btrfs ntfs vfat exfat swap luks1 luks2
#                      f2fs jfs nilfs2 reiserfs minix squashfs erofs iso9660),
#                      each filesystem made for twice its partition (LUKS: header larger than it)
#   fs-faithful        the same filesystems in partitions larger than they are (either case
#                      makes both images)
#   fs-label-smaller   2 GiB disk with ext4 of 1.9 GiB in partition 1, under the GPT of a 1 GiB disk
#                      (partition 1 of 0.9 GiB at the same start): a smaller disk's label over
#                      a bigger disk's data.  fs-label-bigger-src is that 2 GiB disk as it was.
#   dos-4k             64 MiB DOS label written by fdisk -b 4096 (disk signature 0x4096d05a):
#                      primary 1 (ext4 "first", LBA 256, 16 MiB), extended 2 (LBA 4352 to the
#                      end) holding logical 5 (ext4 "logical", LBA 4608, 16 MiB)
#   dos-512            64 MiB DOS label for 512-byte sectors (0x0512d05a): primary 1, ext4
#                      "first" at LBA 2048, 16 MiB
#   dos-512-empty-grown  a 512-byte DOS label made for 8 MiB (one partition to its end, no
#                      filesystem) on a volume grown to 64 MiB: at 4096 bytes the entry ends
#                      exactly at the volume's end, and holds nothing there either
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need sgdisk fdisk mkfs.ext4 mkfs.xfs mkfs.btrfs mkntfs mkfs.fat mkfs.exfat mkswap cryptsetup truncate dd \
  mkfs.f2fs mkfs.jfs mkfs.nilfs2 mkfs.reiserfs mkfs.minix mksquashfs mkfs.erofs xorriso
out=${1:?usage: make-probe-sectors.sh OUTDIR [CASE...]}
shift
mkdir -p "$out"
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(gpt-512 gpt-4k pmbr-no-gpt pmbr-backup-only pmbr-no-gpt-4k bigger-head fs-oversize fs-faithful fs-label-smaller
                                 dos-4k dos-512 dos-512-empty-grown)

gpt512() {
  local img=$1 guid=$2
  rm -f "$img"; truncate -s 64M "$img"
  mkext4 "$img" 2048 32768 "${guid:0:8}-0e04-4e00-8000-000000000001" small
  sgdisk -U "$guid" \
    -n 1:2048:+16M -t 1:8300 -c 1:small -u 1:"${guid:0:8}-0001-4000-8000-000000000001" \
    -n 2:0:0       -t 2:8300 -c 2:rest  -u 2:"${guid:0:8}-0002-4000-8000-000000000002" "$img" >/dev/null
}

gpt4k() {
  local img=$1
  rm -f "$img"; truncate -s 64M "$img"
  mkext4_at "$img" $((256 * 4096)) $((4096 * 4096)) 40960001-0e04-4e00-8000-000000004096 fourk
  fdisk -b 4096 "$img" >/dev/null 2>&1 <<FDISK
I
$here/gpt-4k.sfdisk
w
FDISK
}

# zero IMG OFFSET BYTES
zero() { dd if=/dev/zero of="$1" bs=1 seek="$2" count="$3" conv=notrunc status=none; }

# place IMG START_MIB SCRATCH — copy a scratch filesystem image's data extents into IMG at
# START_MIB (SEEK_DATA/SEEK_HOLE: only what mkfs wrote is copied, IMG stays sparse).
place() {
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
dst, start, src = sys.argv[1], int(sys.argv[2]) << 20, sys.argv[3]
s, d = os.open(src, os.O_RDONLY), os.open(dst, os.O_WRONLY)
size, pos = os.fstat(s).st_size, 0
while pos < size:
    try:
        pos = os.lseek(s, pos, os.SEEK_DATA)
    except OSError:
        break
    end = os.lseek(s, pos, os.SEEK_HOLE)
    while pos < end:
        chunk = os.pread(s, min(1 << 20, end - pos), pos)
        os.pwrite(d, chunk, start + pos)
        pos += len(chunk)
PY
}

# mkscratch TYPE FILE MIB — a filesystem (or LUKS header) of MIB MiB in FILE.
mkscratch() {
  local type=$1 f=$2 mib=$3
  rm -f "$f"; truncate -s "${mib}M" "$f"
  case "$type" in
  ext4)  mkfs.ext4 -q -F -b 4096 -U 0e040000-0000-4000-8000-0000000000e4 -E lazy_itable_init=1,lazy_journal_init=1 "$f" ;;
  xfs)   mkfs.xfs -q -f -m uuid=0f5f0000-0000-4000-8000-0000000000f5 "$f" ;;
  btrfs) mkfs.btrfs -q -f -U b7f50000-0000-4000-8000-0000000000b7 "$f" >/dev/null ;;
  ntfs)  mkntfs -Q -F -q -U "$f" >/dev/null 2>&1 ;;
  vfat)  mkfs.fat -F 32 -i 0FA70001 "$f" >/dev/null ;;
  exfat) mkfs.exfat -L exfat "$f" >/dev/null ;;
  swap)  mkswap -q -U 5a090000-0000-4000-8000-00000000005a "$f" >/dev/null ;;
  f2fs)     mkfs.f2fs -q -f "$f" >/dev/null ;;
  jfs)      mkfs.jfs -q "$f" >/dev/null ;;
  nilfs2)   mkfs.nilfs2 -q -f -B 512 "$f" >/dev/null ;;
  reiserfs) mkfs.reiserfs -q -f -u 4e150000-0000-4000-8000-0000000004e1 "$f" >/dev/null 2>&1 ;;
  minix)    mkfs.minix -3 "$f" >/dev/null ;;
  squashfs|erofs|iso9660)
    # Read-only images of a 2.9 MB tree, uncompressed: their size is their content's.
    local tree; tree=$(mktemp -d "$f.tree.XXXXXX")
    seq 1 400000 > "$tree/numbers"
    rm -f "$f"
    case "$type" in
    squashfs) mksquashfs "$tree" "$f" -quiet -noappend -noI -noD -noF -noX -all-time 0 -mkfs-time 0 >/dev/null ;;
    erofs)    mkfs.erofs --quiet -T0 "$f" "$tree" >/dev/null ;;
    iso9660)  xorriso -as mkisofs -quiet -V numbers -o "$f" "$tree" 2>/dev/null ;;
    esac
    rm -rf "$tree" ;;
  luks1|luks2)
    printf 'not-a-secret' > "$f.key"
    cryptsetup luksFormat -q --type "$type" --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
      --uuid "1c5${type: -1}0000-0000-4000-8000-0000000001c5" --key-file "$f.key" "$f"
    rm -f "$f.key" ;;
  esac
}

# fs_disks OVERSIZE FAITHFUL — one partition per type in each image, from the same scratch
# filesystems: in OVERSIZE each partition is smaller than its filesystem (a LUKS header larger
# than its partition), in FAITHFUL each is larger.
fs_disks() {
  local big=$1 ok=$2 start=1 n=1 scratch small=() fit=()
  rm -f "$big" "$ok"; truncate -s 2G "$big"; truncate -s 2G "$ok"
  scratch=$(mktemp "$big.scratch.XXXXXX")
  for spec in ext4:64 xfs:300 btrfs:256 ntfs:64 vfat:64 exfat:32 swap:64 luks1:4 luks2:20 \
              f2fs:64 jfs:32 nilfs2:64 reiserfs:64 minix:16 squashfs:4 erofs:4 iso9660:4; do
    local type=${spec%%:*} mib=${spec##*:} part
    mkscratch "$type" "$scratch" "$mib"
    place "$big" "$start" "$scratch"
    place "$ok" "$start" "$scratch"
    case "$type" in luks1) part=1 ;; luks2) part=8 ;; *) part=$((mib / 2)) ;; esac
    small+=(-n "$n:$((start * 2048)):+${part}M" -c "$n:$type")
    fit+=(-n "$n:$((start * 2048)):+$((mib + 8))M" -c "$n:$type")
    start=$((start + mib + 9))
    n=$((n + 1))
  done
  rm -f "$scratch"
  sgdisk -U F5F50000-0000-4000-8000-00000000F5F5 "${small[@]}" "$big" >/dev/null
  sgdisk -U F5F50000-0000-4000-8000-00000000F5F5 "${fit[@]}" "$ok" >/dev/null
}

for c in "${cases[@]}"; do
  img="$out/$c.img"
  case "$c" in
  gpt-512) gpt512 "$img" 05120000-0000-4000-8000-000000000512 ;;
  gpt-4k) gpt4k "$img" ;;
  pmbr-no-gpt)
    gpt512 "$img" 0EE00000-0000-4000-8000-0000000000EE
    zero "$img" 512 512
    zero "$img" $((64 * 1024 * 1024 - 512)) 512
    ;;
  pmbr-backup-only)
    # A 64 MiB label on a 96 MiB volume whose primary header was wiped: only the backup at
    # LBA 131071 (where the protective MBR says the disk ends) is left.
    gpt512 "$img" BAC00000-0000-4000-8000-00000000BAC0
    truncate -s 96M "$img"
    zero "$img" 512 512
    ;;
  pmbr-no-gpt-4k)
    gpt4k "$img"
    zero "$img" 4096 4096
    zero "$img" $((64 * 1024 * 1024 - 4096)) 4096
    ;;
  bigger-head)
    root="$out/bigger-root.img" data="$out/bigger-data.img"
    rm -f "$root" "$data"; truncate -s 40G "$root"; truncate -s 12G "$data"
    mkext4_at "$root" $((2099200 * 512)) $((38 << 30)) 40000e04-0000-4000-8000-000000000040 root
    sgdisk -U 40000000-0000-4000-8000-000000000040 \
      -n 1:2048:+1G -t 1:8300 -c 1:boot -u 1:40000001-0000-4000-8000-000000000040 \
      -n 2:0:+38G   -t 2:8300 -c 2:root -u 2:40000002-0000-4000-8000-000000000040 "$root" >/dev/null
    sgdisk -U DA7A0000-0000-4000-8000-000000000012 \
      -n 1:2048:0 -t 1:8300 -c 1:data -u 1:DA7A0001-0000-4000-8000-000000000012 "$data" >/dev/null
    sparse_copy "$data" "$img"
    # The root disk's first 12 GiB minus the last MiB, as a sparse copy cut short would leave it.
    overlay "$root" "$img" $(((12 << 30) - (1 << 20)))
    ;;
  fs-oversize|fs-faithful)
    [ -e "$out/fs-oversize.img" ] && [ -e "$out/fs-faithful.img" ] && [ -n "${fs_done:-}" ] && continue
    fs_disks "$out/fs-oversize.img" "$out/fs-faithful.img"; fs_done=1 ;;
  fs-label-smaller)
    src="$out/fs-label-bigger-src.img" small="$out/fs-label-small.img"
    rm -f "$src" "$small"; truncate -s 2G "$src"; truncate -s 1G "$small"
    mkext4_at "$src" $((1024 * 1024)) $((1945 * 1024 * 1024)) b1660000-0000-4000-8000-0000000000b1 bigdata
    sgdisk -U B1660000-0000-4000-8000-000000000002 -n 1:2048:+1945M -c 1:bigdata "$src" >/dev/null
    sgdisk -U 5A110000-0000-4000-8000-000000000001 -n 1:2048:+921M -c 1:small "$small" >/dev/null
    sparse_copy "$src" "$img"
    overlay "$small" "$img" $((1024 * 1024))
    rm -f "$small"
    ;;
  dos-4k)
    rm -f "$img"; truncate -s 64M "$img"
    fdisk -b 4096 "$img" >/dev/null 2>&1 <<FDISK
o
x
i
0x4096d05a
r
n
p
1
256
+16M
n
e
2
4352

n
4608
+16M
w
FDISK
    mkext4_at "$img" $((256 * 4096)) $((16 << 20)) d05a4096-0001-4000-8000-000000004096 first
    mkext4_at "$img" $((4608 * 4096)) $((16 << 20)) d05a4096-0005-4000-8000-000000004096 logical
    ;;
  dos-512)
    rm -f "$img"; truncate -s 64M "$img"
    printf 'label: dos\nlabel-id: 0x0512d05a\nstart=2048, size=32768, type=83\n' | sfdisk -q "$img" >/dev/null
    mkext4_at "$img" $((2048 * 512)) $((16 << 20)) d05a0512-0001-4000-8000-000000000512 first
    ;;
  dos-512-empty-grown)
    rm -f "$img"; truncate -s 8M "$img"
    printf 'label: dos\nlabel-id: 0x0512e8e8\nstart=2048, type=83\n' | sfdisk -q "$img" >/dev/null
    truncate -s 64M "$img"
    ;;
  *) echo "make-probe-sectors.sh: unknown case $c" >&2; exit 2 ;;
  esac
done
