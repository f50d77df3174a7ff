#!/usr/bin/env bash
# Issue 16: ansible-core from PyPI, pinned, in a virtual environment of the repository
# (.work/ansible-venv, git-ignored) for Tests/AnsibleTests and integrations/ansible.
# With it, the checkers that `ansible-test sanity` would run (validate-modules, pep8),
# pinned as ansible-test pins them; ansible-test itself cannot run them offline, since it
# downloads a pip bootstrap script into every per-test virtual environment it makes.
# Idempotent: a second run with the same pins does nothing. Prints nothing on success.
# usage: scripts/ansible-venv.sh [VENV_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${1:-$(cd "$here/.." && pwd)/.work/ansible-venv}
pins=(ansible-core==2.18.12 voluptuous==0.15.2 antsibull-docs-parser==1.0.0 pycodestyle==2.12.1)
marker="$venv/.replica-audit-pins"
if [ -x "$venv/bin/ansible-playbook" ] && [ "$(cat "$marker" 2>/dev/null)" = "${pins[*]}" ]; then
  exit 0
fi
# The distribution's Python (python3-venv), not whatever python3 is first on PATH.
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
echo "installing into $venv: ${pins[*]}" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
echo "${pins[*]}" > "$marker"
