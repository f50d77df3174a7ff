#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: replica-audit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: preflight
short_description: Check the destination volumes before the copy with replica-audit
version_added: 0.1.0
description:
  - Runs C(replica-audit preflight) on the managed host before a single byte is replicated, and returns its
    verdict and its preflight.json document.
  - The mapping is checked first (two disks on one target, unmapped or unknown disks, volumes not found),
    then each target is opened read-only; its size, flags and first and last MiB are read.
  - The task fails when the verdict is in O(fail_on); by default only C(blocked) does, because replicating
    then would corrupt or lose data.
author:
  - replica-audit contributors (@replica-audit)
extends_documentation_fragment:
  - replica_audit.verify.common
options:
  fail_on:
    description:
      - The verdicts that fail the task. C(fail) is taken as C(blocked), so one list serves both modules.
    type: list
    elements: str
    choices: [blocked, fail, inconclusive, ready]
    default: [blocked]
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying the target.
    support: full
    details: The check runs in check mode too; it writes only its reports, and no ledger record.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
seealso:
  - module: replica_audit.verify.verify
'''

EXAMPLES = r'''
- name: Check the targets before the copy
  replica_audit.verify.preflight:
    inventory: /var/lib/replica/pgtest1.json
    targets: "2000:nbd://10.0.0.5/vol-a,2001:nbd://10.0.0.5/vol-b"
    report_dir: /var/lib/replica/preflight/pgtest1
  register: ready

- name: Verify after the copy, telling verify what the targets already held
  replica_audit.verify.verify:
    inventory: /var/lib/replica/pgtest1.json
    targets: "2000:nbd://10.0.0.5/vol-a,2001:nbd://10.0.0.5/vol-b"
    preflight: "{{ ready.report_dir }}/preflight.json"
'''

RETURN = r'''
verdict:
  description: C(ready), C(blocked) or C(inconclusive) (a target could not be opened). Null when the tool gave none.
  returned: always
  type: str
  sample: blocked
rc:
  description:
    - The exit code of replica-audit preflight, 0 ready, 1 blocked, 2 usage or input error, 3 could not check.
    - Null when it was not run.
  returned: always
  type: int
  sample: 1
report:
  description: The preflight.json document (docs/CONTRACT.md of replica-audit), null when none was written.
  returned: always
  type: dict
  sample: {"schemaVersion": 1, "verdict": "blocked", "vm": "pgtest1", "disks": [], "findings": []}
findings:
  description: Every finding, the VM's own and each disk's, each with C(disk), the disk key it concerns
    (null for the VM as a whole).
  returned: always
  type: list
  elements: dict
  sample: [{"disk": null, "code": "duplicate-target", "severity": "critical", "message": "..."}]
report_dir:
  description: Where the reports (preflight.json, junit.xml, report.md, summary.txt) are on the managed host.
  returned: always
  type: str
  sample: /tmp/replica-audit-preflight-k2j3h4
changed:
  description: Always false; the tool never writes to a volume.
  returned: always
  type: bool
  sample: false
failed:
  description: True when the verdict is in O(fail_on), or when the tool could not run or refused its input.
  returned: always
  type: bool
  sample: true
msg:
  description: One line, the verdict, each disk's state and the first blocking finding, or why the run failed.
  returned: always
  type: str
cmd:
  description: The command line that was run, a ledger password masked.
  returned: when the command was built
  type: list
  elements: str
stderr:
  description: The end of the tool's standard error.
  returned: always
  type: str
ledger:
  description: The ledger the run was recorded in (password masked); null when none, or in check mode.
  returned: always
  type: str
ledger_run:
  description: The run's ID in the ledger, as the tool reported it (C(replica-audit ledger show ID)); null when not recorded.
  returned: always
  type: int
  sample: 42
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.replica_audit.verify.plugins.module_utils.replica_audit import (
    argument_spec,
    run,
)


def main():
    module = AnsibleModule(argument_spec=argument_spec('preflight'), supports_check_mode=True)
    run(module, 'preflight')


if __name__ == '__main__':
    main()
