#!/usr/bin/env bash
# make install / make uninstall (docs/RELEASE.md). Installs the release binary
# (.build-release, `make release`) and what ships with it under DESTDIR/PREFIX:
#   bin/replica-audit
#   share/man/man1/replica-audit.1.gz
#   share/bash-completion/completions/replica-audit
#   share/zsh/site-functions/_replica-audit
#   share/fish/vendor_completions.d/replica-audit.fish
#   share/doc/replica-audit/            README.md and docs/*.md
#   share/replica-audit/Fixtures/       what `replica-audit demo` runs (demo.sh, make-seed.sh, …)
# usage: scripts/install.sh [--uninstall] DESTDIR PREFIX
# RELEASE_BIN and RELEASE_ASSETS name another binary and its release-assets.sh output (the
# tests install the debug build this way).
set -euo pipefail
uninstall=false
[ "${1:-}" = "--uninstall" ] && { uninstall=true; shift; }
[ $# -eq 2 ] || { echo "usage: scripts/install.sh [--uninstall] DESTDIR PREFIX" >&2; exit 2; }
destdir=$1 prefix=$2
case "$prefix" in /*) ;; *) echo "install: PREFIX must be an absolute path, not '$prefix'" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
base="$destdir$prefix"
# The demo's files: the script, what it sources and runs, and its inventory.
demo_files=(demo.sh make-seed.sh make-verify-rounded.sh lib.sh overlay.py inventories/demo-pgtest1.json)
docs=(README.md docs/*.md)

if $uninstall; then
  rm -f "$base/bin/replica-audit" "$base/share/man/man1/replica-audit.1.gz" \
        "$base/share/bash-completion/completions/replica-audit" "$base/share/zsh/site-functions/_replica-audit" \
        "$base/share/fish/vendor_completions.d/replica-audit.fish"
  rm -rf "$base/share/doc/replica-audit" "$base/share/replica-audit"
  echo "removed replica-audit from $base"
  exit 0
fi

bin=${RELEASE_BIN:-$root/.build-release/release/replica-audit}
assets=${RELEASE_ASSETS:-$root/.build-release/assets}
for f in "$bin" "$assets/replica-audit.1" "$assets/completions/replica-audit.bash"; do
  [ -e "$f" ] || { echo "install: $f is missing; run 'make release' first" >&2; exit 2; }
done
install -d "$base/bin" "$base/share/man/man1" "$base/share/bash-completion/completions" \
           "$base/share/zsh/site-functions" "$base/share/fish/vendor_completions.d" \
           "$base/share/doc/replica-audit/docs" "$base/share/replica-audit/Fixtures/inventories"
install -m 0755 "$bin" "$base/bin/replica-audit"
gzip -9n < "$assets/replica-audit.1" > "$base/share/man/man1/replica-audit.1.gz"
chmod 0644 "$base/share/man/man1/replica-audit.1.gz"
# bash sources the completion: no "#!" line.
sed '1{/^#!/d}' "$assets/completions/replica-audit.bash" > "$base/share/bash-completion/completions/replica-audit"
chmod 0644 "$base/share/bash-completion/completions/replica-audit"
install -m 0644 "$assets/completions/_replica-audit" "$base/share/zsh/site-functions/_replica-audit"
install -m 0644 "$assets/completions/replica-audit.fish" "$base/share/fish/vendor_completions.d/replica-audit.fish"
for f in "${docs[@]}"; do install -m 0644 "$root/$f" "$base/share/doc/replica-audit/$f"; done
for f in "${demo_files[@]}"; do
  mode=0644; case "$f" in demo.sh|make-seed.sh|make-verify-rounded.sh) mode=0755 ;; esac  # lib.sh is sourced, overlay.py run by python3
  install -m "$mode" "$root/Fixtures/$f" "$base/share/replica-audit/Fixtures/$f"
done
echo "installed replica-audit into $base"
