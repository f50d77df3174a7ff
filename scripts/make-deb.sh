#!/usr/bin/env bash
# make deb (docs/RELEASE.md): builds replica-audit_VERSION_ARCH.deb from the release build
# with dpkg-deb. The tree is what `make install` lays out under PREFIX=/usr; DEBIAN/control
# is packaging/debian/control.in with Depends computed by dpkg-shlibdeps from the binary's
# NEEDED libraries (libc6, libnbd0, libfdisk1, libblkid1, … with their minimum versions), and
# the version is the tool's own (`replica-audit --version`) plus the build stamp
# (scripts/build-info.sh --package-version). MAINTAINER overrides the Maintainer field (and
# the changelog's signature). Writes the .deb into .build-release/ and prints its path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for t in dpkg-deb dpkg-shlibdeps gzip strip; do
  command -v "$t" >/dev/null || { echo "make-deb: '$t' is missing (run 'scripts/deps.sh release')" >&2; exit 2; }
done
bin="$root/.build-release/release/replica-audit"
[ -x "$bin" ] || { echo "make-deb: $bin is missing; run 'make release' first" >&2; exit 2; }
maintainer=${MAINTAINER:-replica-audit maintainers <replica-audit@example.org>}
version=$("$root/scripts/build-info.sh" --package-version "$("$bin" --version)")
arch=$(dpkg --print-architecture)
work="$root/.build-release/deb"
stage="$work/replica-audit_${version}_$arch"
rm -rf "$work" && mkdir -p "$stage"
"$root/scripts/install.sh" "$stage" /usr >/dev/null
# Stripped as Debian policy wants (the symbols stay in .build-release/release/replica-audit);
# the dynamic symbol table the Swift runtime uses stays.
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$stage/usr/bin/replica-audit"
doc="$stage/usr/share/doc/replica-audit"
install -m 0644 "$root/packaging/debian/copyright" "$doc/copyright"
# The changelog: one entry for this build, dated with its commit.
date=$(git -C "$root" show -s --format=%cD HEAD 2>/dev/null || date -R)
printf 'replica-audit (%s) unstable; urgency=medium\n\n  * Release build of commit %s.\n\n -- %s  %s\n' \
  "$version" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$maintainer" "$date" | gzip -9n > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# Depends: dpkg-shlibdeps reads the NEEDED entries and the shlibs/symbols files of the
# packages that own the libraries; it wants a debian/control, so it runs in a scratch dir.
mkdir -p "$work/shlibs/debian"
printf 'Source: replica-audit\n\nPackage: replica-audit\nArchitecture: any\n' > "$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e"$stage/usr/bin/replica-audit" 2>"$work/shlibdeps.log" | sed -n 's/^shlibs:Depends=//p') || {
  cat "$work/shlibdeps.log" >&2; echo "make-deb: dpkg-shlibdeps failed" >&2; exit 1; }
[ -n "$depends" ] || { echo "make-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

mkdir -p "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@MAINTAINER@|$maintainer|" -e "s|@ARCH@|$arch|" -e "s|@SIZE@|$size|" -e "s|@DEPENDS@|$depends|" \
  "$root/packaging/debian/control.in" > "$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort | xargs md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
find "$stage" -type d -exec chmod 0755 {} +
deb="$root/.build-release/replica-audit_${version}_$arch.deb"
rm -f "$root"/.build-release/replica-audit_*.deb
dpkg-deb --root-owner-group --build -Zgzip -z6 "$stage" "$deb" >/dev/null
echo "$deb"
