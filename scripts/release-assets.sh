#!/usr/bin/env bash
# Writes what `make install` and `make deb` ship beside the binary, generated from the built
# binary's own command definitions (docs/RELEASE.md): the man page (scripts/man-page.py) and
# the bash, zsh and fish completions (`--generate-completion-script`).
# usage: scripts/release-assets.sh BINARY OUTDIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/release-assets.sh BINARY OUTDIR" >&2; exit 2; }
bin=$1 out=$2
[ -x "$bin" ] || { echo "release-assets: $bin is not an executable (run 'make release')" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out/completions"
python3 "$here/man-page.py" "$bin" "$out/replica-audit.1"
"$bin" --generate-completion-script bash > "$out/completions/replica-audit.bash"
"$bin" --generate-completion-script zsh > "$out/completions/_replica-audit"
"$bin" --generate-completion-script fish > "$out/completions/replica-audit.fish"
for f in "$out/replica-audit.1" "$out"/completions/*; do
  [ -s "$f" ] || { echo "release-assets: $f came out empty" >&2; exit 1; }
done
