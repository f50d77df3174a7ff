# Shared helpers for the fixture scripts. Source it; do not run it.
# Every image is a sparse file; nothing here writes outside the given directory.
set -euo pipefail

need() {
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$t" >/dev/null 2>&1 || {
      echo "fixtures: required tool '$t' is missing (run 'make deps')" >&2; exit 2; }
  done
  export PATH="$PATH:/usr/sbin:/sbin"
}

# Filesystems go in before the partition table: mke2fs zaps the first sectors of the
# image even with an offset.

# mkext4 IMG START_SECTOR SECTORS UUID LABEL  — ext4 inside a partition of IMG.
mkext4() {
  local img=$1 start=$2 sectors=$3 uuid=$4 label=$5
  mkfs.ext4 -q -F -U "$uuid" -L "$label" -E "offset=$((start * 512)),lazy_itable_init=1,lazy_journal_init=1" \
    -O ^has_journal "$img" "$((sectors / 2))k" >/dev/null 2>&1
}

# mkvfat IMG START_SECTOR SECTORS VOLID LABEL
mkvfat() {
  local img=$1 start=$2 sectors=$3 volid=$4 label=$5
  mkfs.fat -F 32 -i "$volid" -n "$label" --offset "$start" "$img" "$((sectors / 2))" >/dev/null 2>&1
}

# mkswapat IMG START_SECTOR SECTORS UUID
mkswapat() {
  local img=$1 start=$2 sectors=$3 uuid=$4
  # mkswap of util-linux 2.38 has no --offset: build the header in a scratch file and
  # place its first page (the whole swap signature) at the partition start.
  local tmp; tmp=$(mktemp "${img}.swap.XXXXXX")
  truncate -s "$((sectors * 512))" "$tmp"
  mkswap -q -U "$uuid" "$tmp" >/dev/null
  dd if="$tmp" of="$img" bs=4096 count=1 seek="$((start * 512 / 4096))" conv=notrunc status=none
  rm -f "$tmp"
}

# sparse_copy SRC DST
sparse_copy() { cp --sparse=always "$1" "$2"; }

# overlay SRC DST BYTES — make DST's first BYTES exactly SRC's first BYTES (zeros included),
# as a replication writing one disk's data over another would. Stays sparse.
overlay() { python3 "$(dirname "${BASH_SOURCE[0]}")/overlay.py" "$1" "$2" "$3"; }

# mkext4_at IMG OFFSET_BYTES SIZE_BYTES UUID LABEL  — ext4 at a byte offset (any sector size).
mkext4_at() {
  local img=$1 offset=$2 bytes=$3 uuid=$4 label=$5
  mkfs.ext4 -q -F -b 4096 -U "$uuid" -L "$label" -E "offset=$offset,lazy_itable_init=1,lazy_journal_init=1" \
    -O ^has_journal "$img" "$((bytes / 1024))k" >/dev/null 2>&1
}

# poke IMG OFFSET HEXBYTES  — overwrite bytes in place, e.g. poke d.img 4152 ff00.
poke() {
  local img=$1 offset=$2 hex=$3
  printf '%s' "$hex" | xxd -r -p | dd of="$img" bs=1 seek="$offset" conv=notrunc status=none
}
