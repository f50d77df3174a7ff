#!/usr/bin/env bash
# The sanity checks of the collection, as `ansible-test sanity` runs them, without the
# per-test virtual environments ansible-test would make (it downloads a pip bootstrap
# script for them, which an offline machine cannot):
#   validate-modules  documentation against argument specs, RETURN, EXAMPLES (ansible-test's own checker)
#   pep8              pycodestyle with ansible-test's settings
#   compile           every Python file
#   ansible-doc       both modules render; the role's argument spec renders
# usage: tests/sanity.sh VENV_DIR COLLECTIONS_PATH
#   VENV_DIR          a virtual environment with ansible-core, voluptuous, antsibull-docs-parser,
#                     pycodestyle (scripts/ansible-venv.sh in the replica-audit repository)
#   COLLECTIONS_PATH  where replica_audit.verify is installed (it holds ansible_collections/)
set -euo pipefail
venv=${1:?usage: sanity.sh VENV_DIR COLLECTIONS_PATH}
collections=$(cd "${2:?usage: sanity.sh VENV_DIR COLLECTIONS_PATH}" && pwd)
root="$collections/ansible_collections/replica_audit/verify"
[ -f "$root/galaxy.yml" ] || [ -f "$root/MANIFEST.json" ] || { echo "no replica_audit.verify in $collections" >&2; exit 2; }
export ANSIBLE_COLLECTIONS_PATH="$collections"
python="$venv/bin/python"
sanity=$("$python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_util/controller/sanity"))')
version=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["collection_info"]["version"])' "$root/MANIFEST.json")
cd "$root"
status=0

echo "== validate-modules"
out=$("$python" "$sanity/validate-modules/validate.py" --format json --arg-spec \
        --collection ansible_collections/replica_audit/verify --collection-version "$version" \
        plugins/modules/*.py) || true
if ! "$python" - "$out" <<'PY'
import json, sys
report = json.loads(sys.argv[1])
bad = 0
for path, result in sorted(report.items()):
    for item in result.get('errors', []) + result.get('traces', []):
        bad += 1
        print('%s:%s:%s: %s %s' % (path, item.get('line', 0), item.get('column', 0), item.get('code', 'trace'), item.get('msg', item)))
sys.exit(1 if bad else 0)
PY
then status=1; fi

echo "== pep8"
ignore=$(grep -v '^#' "$sanity/pep8/current-ignore.txt" | grep . | sort | paste -sd, -)
"$python" -m pycodestyle --max-line-length 160 --config /dev/null --ignore "$ignore" \
  $(find plugins -name '*.py' | sort) || status=1

echo "== compile"
"$python" -m py_compile $(find plugins -name '*.py' | sort) || status=1

echo "== ansible-doc"
"$venv/bin/ansible-doc" replica_audit.verify.verify replica_audit.verify.preflight > /dev/null || status=1
"$venv/bin/ansible-doc" -t role replica_audit.verify.install > /dev/null || status=1

[ $status -eq 0 ] && echo "sanity: all checks passed"
exit $status
