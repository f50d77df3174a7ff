#!/usr/bin/env bash
# Checks that a release installs and works on a machine that has only the C libraries
# (docs/RELEASE.md). Standalone, not part of `make test` (it builds a release; a few minutes).
#   1. make release, make deb (timed);
#   2. the binary's NEEDED libraries are only glibc's (libc, libm, ld-linux), libnbd,
#      libfdisk and libblkid — not libstdc++ or libgcc_s (linked in statically,
#      scripts/static-cxx.sh), nor the audit ledger's
#      clients libsqlite3 and libpq, which it loads with dlopen (docs/LEDGER.md) — and all of
#      them resolve; no symbol of full Foundation or ICU is in it (FoundationEssentials only);
#   3. make install / make uninstall into a scratch DESTDIR put every file in place and
#      remove every one;
#   4. lintian finds no error in the .deb (when lintian is installed);
#   5. the .deb is installed — `dpkg -i` as root (dpkg then also checks that its Depends hold
#      here), else (or with --extract) `dpkg -x` into a scratch root — and, with a clean
#      environment, the installed binary prints its version, the man page renders with
#      `man -l`, the bash completion loads, a PostgreSQL ledger loads libpq (and without it
#      the error names the package), and `replica-audit demo` from the installed files gives
#      the demo's verdicts (its wave recorded in an SQLite ledger); then the package is purged.
# usage: scripts/release-check.sh [--extract]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=install
[ "${1:-}" = "--extract" ] && mode=extract
[ "$(id -u)" -eq 0 ] || mode=extract
start=$SECONDS
step() { echo; echo "== release-check: $*"; }
fail() { echo "release-check: FAILED: $*" >&2; exit 1; }

scripts/deps.sh release
step "make release"
t=$SECONDS; make -s release >/dev/null; echo "release build: $((SECONDS - t)) s"
step "make deb"
t=$SECONDS; deb=$(make -s deb | tail -1); echo "$deb ($(du -k "$deb" | cut -f1) KiB, $((SECONDS - t)) s)"
[ -f "$deb" ] || fail "make deb did not write a package"
bin=.build-release/release/replica-audit
echo "binary: $(du -k "$bin" | cut -f1) KiB"

step "linked libraries"
allowed='^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|ld-linux-[a-z0-9_-]+\.so\.[0-9]+|libnbd\.so\.0|libfdisk\.so\.1|libblkid\.so\.1)$'
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "NEEDED: $(echo $needed)"
bad=$(printf '%s\n' $needed | grep -Ev "$allowed" || true)
[ -z "$bad" ] || fail "the release binary needs libraries beyond glibc, libnbd, libfdisk and libblkid (libstdc++ and libgcc are linked in statically, scripts/static-cxx.sh; the ledger's libsqlite3 and libpq are loaded at run time): $(echo $bad)"
for lib in libnbd.so.0 libfdisk.so.1 libblkid.so.1 libc.so.6; do
  printf '%s\n' $needed | grep -qx "$lib" || fail "the release binary does not link $lib (NEEDED: $(echo $needed))"
done
if ldd "$bin" | grep -q "not found"; then ldd "$bin" >&2; fail "a library of the release binary does not resolve"; fi
if readelf -d "$bin" | grep -Eq '(RPATH|RUNPATH)'; then fail "the release binary carries an RPATH/RUNPATH: $(readelf -d "$bin" | grep -E 'RPATH|RUNPATH')"; fi

step "FoundationEssentials only"
# docs/RELEASE.md, "Foundation and start-up": the tool imports FoundationEssentials; one use of
# an API only full Foundation has would link Foundation, FoundationInternationalization and
# ICU's data back in (~50 MB, ~2 ms of start-up). Their symbols must not be in the binary.
symbols=$(nm "$bin" 2>/dev/null || true)
[ -n "$symbols" ] || fail "nm found no symbols in $bin (cannot check for full Foundation)"
full=$(grep -cE '\$s(10Foundation|30FoundationInternationalization)' <<<"$symbols" || true)
icu=$(grep -cE '(ucol|udat|ucal|unum|ubrk)_[a-zA-Z]|icudt[0-9]+_dat' <<<"$symbols" || true)
echo "full Foundation symbols: $full, ICU symbols: $icu"
if [ "$full" -ne 0 ] || [ "$icu" -ne 0 ]; then
  grep -E '\$s(10Foundation|30FoundationInternationalization)' <<<"$symbols" | head -5 | swift demangle --simplified >&2 || true
  fail "the release binary links full Foundation or ICU ($full Foundation, $icu ICU symbols): a source uses an API FoundationEssentials lacks (docs/RELEASE.md, \"Foundation and start-up\"; FoundationEssentialsRuleTests names the file)"
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/ra-release-XXXXXX")
installed=false
cleanup() {
  if $installed; then dpkg --purge replica-audit >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step "make install / make uninstall (DESTDIR=$work/stage PREFIX=/usr/local)"
make -s install DESTDIR="$work/stage" PREFIX=/usr/local >/dev/null
for f in bin/replica-audit share/man/man1/replica-audit.1.gz share/bash-completion/completions/replica-audit \
         share/zsh/site-functions/_replica-audit share/fish/vendor_completions.d/replica-audit.fish \
         share/doc/replica-audit/README.md share/doc/replica-audit/docs/CONTRACT.md share/replica-audit/Fixtures/demo.sh; do
  [ -s "$work/stage/usr/local/$f" ] || fail "make install did not install $f"
done
echo "installed $(find "$work/stage" -type f | wc -l) files"
make -s uninstall DESTDIR="$work/stage" PREFIX=/usr/local >/dev/null
left=$(find "$work/stage" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
rm -rf "$work/stage"

if command -v lintian >/dev/null; then
  step "lintian"
  lintian --tag-display-limit 0 "$deb" > "$work/lintian.txt" 2>&1 || true
  cat "$work/lintian.txt"
  ! grep -q '^E: ' "$work/lintian.txt" || fail "lintian reports errors in $deb"
  echo "lintian: $(grep -c '^E: ' "$work/lintian.txt" || true) errors, $(grep -c '^W: ' "$work/lintian.txt" || true) warnings"
fi

step "install the package ($mode)"
dpkg-deb --info "$deb" | sed -n 's/^ \(Version\|Depends\|Installed-Size\):/  \1:/p'
if [ "$mode" = install ]; then
  if dpkg-query -W -f='${Status}' replica-audit 2>/dev/null | grep -q "install ok installed"; then
    fail "replica-audit is already installed here; remove it first or run with --extract"
  fi
  installed=true
  dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb failed (a Depends that does not hold here?)"
  prefix=/usr
else
  dpkg -x "$deb" "$work/root"
  prefix=$work/root/usr
fi
ra=$prefix/bin/replica-audit
# What a fresh login has: no LD_LIBRARY_PATH, no toolchain on PATH.
clean() { env -i HOME="$work" PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 "$@"; }

step "replica-audit --version"
version=$(clean "$ra" --version)
package=$(dpkg-deb --field "$deb" Version)
echo "$version (package $package)"
case "$package" in "$version"|"$version"+*) ;; *) fail "the package version $package does not start with the binary's $version" ;; esac
clean "$ra" --help | grep -q "verify" || fail "--help does not list verify"

step "man page"
page=$prefix/share/man/man1/replica-audit.1.gz
clean man -l "$page" > "$work/man.txt" 2> "$work/man.err" || { cat "$work/man.err" >&2; fail "man -l $page failed"; }
for heading in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" FILES; do
  grep -q "^$heading" "$work/man.txt" || fail "the man page has no $heading section"
done
for command in inspect verify capture inventory compare demo preflight devices "attest verify"; do
  grep -q "^   $command\$" "$work/man.txt" || fail "the man page has no section for '$command'"
done
grep -q -- "--nbd-targets" "$work/man.txt" || fail "the man page does not document verify's --nbd-targets"
echo "$(wc -l < "$work/man.txt") lines, $(grep -c '' "$work/man.err") warnings"

step "completions"
completion=$prefix/share/bash-completion/completions/replica-audit
clean bash -c "source '$completion' && complete -p replica-audit" || fail "the bash completion does not register for replica-audit"
# bash completes the subcommands after the command name.
words=$(clean bash -c "source '$completion'; COMP_WORDS=(replica-audit ver); COMP_CWORD=1; COMP_LINE='replica-audit ver'; COMP_POINT=\${#COMP_LINE};
  f=\$(complete -p replica-audit | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p'); \$f replica-audit ver replica-audit; echo \"\${COMPREPLY[*]}\"")
echo "bash: 'replica-audit ver<TAB>' → $words"
[[ " $words " == *" verify "* ]] || fail "the bash completion does not complete 'ver' to verify"
grep -q "#compdef replica-audit" "$prefix/share/zsh/site-functions/_replica-audit" || fail "the zsh completion has no #compdef"
grep -Eq "complete -c '?replica-audit'?" "$prefix/share/fish/vendor_completions.d/replica-audit.fish" || fail "the fish completion completes nothing"

step "the audit ledger's libraries (loaded at first use, docs/LEDGER.md)"
# Not linked: the installed binary loads libpq for a PostgreSQL ledger (nothing listens on
# port 1, so it must get as far as connecting), names the package when the library is
# missing, and the demo below records its wave in an SQLite ledger through libsqlite3.
pq=$(clean "$ra" ledger list --ledger postgres://audit@127.0.0.1:1/ledger 2>&1) && fail "ledger list on a closed port succeeded: $pq"
[[ "$pq" == *"cannot reach the ledger"* ]] || fail "the installed binary did not use libpq: $pq"
pq=$(clean env REPLICA_AUDIT_LIBPQ=/nonexistent/libpq.so.5 "$ra" ledger list --ledger postgres://audit@127.0.0.1:1/ledger 2>&1) && fail "ledger list without libpq succeeded"
[[ "$pq" == *"needs libpq.so.5 (Debian: apt-get install libpq5)"* ]] || fail "without libpq: $pq"
echo "libpq: loaded for a PostgreSQL ledger; without it: ${pq#replica-audit: }"

step "replica-audit demo (from the installed files, in $work/demo-run)"
mkdir -p "$work/demo-run"
t=$SECONDS
(cd "$work/demo-run" && clean "$ra" demo) > "$work/demo.txt" 2>&1 || { cat "$work/demo.txt" >&2; fail "the installed demo failed"; }
grep -E "^== |^reports in|Verdict" "$work/demo.txt"
for report in 0-preflight/preflight.json 1-appliance-mapping/report.json 2-incident/report.json 3-correct/report.json; do
  [ -s "$work/demo-run/replica-audit-demo/reports/$report" ] || fail "the installed demo wrote no ${report%%/*} report ($report)"
done
for pair in 2-incident:fail 3-correct:pass; do
  verdict=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["verdict"])' \
    "$work/demo-run/replica-audit-demo/reports/${pair%%:*}/report.json")
  [ "$verdict" = "${pair#*:}" ] || fail "the installed demo's ${pair%%:*} verdict is $verdict, not ${pair#*:}"
done
echo "demo: $((SECONDS - t)) s"

if [ "$mode" = install ]; then
  step "remove the package"
  dpkg --purge replica-audit >/dev/null
  installed=false
  [ ! -e /usr/bin/replica-audit ] && [ ! -e /usr/share/replica-audit ] || fail "dpkg --purge left files behind"
fi
echo
echo "release-check: OK in $((SECONDS - start)) s"
