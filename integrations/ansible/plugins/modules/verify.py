#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: replica-audit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: verify
short_description: Verify replicated volumes against the source inventory with replica-audit
version_added: 0.1.0
description:
  - Runs C(replica-audit verify) on the managed host (a conversion appliance) after a VM's disks were
    replicated, and returns its verdict and its report.json document.
  - Each destination volume is opened read-only and probed; sizes, label geometry, identities and,
    with sources or a baseline, sampled content are compared with the inventory. A volume that carries
    another disk's data (cross-disk contamination) fails.
  - The task fails when the verdict is in O(fail_on); by default only C(fail) does, so an inconclusive
    run (a volume could not be read) passes the task with RV(verdict=inconclusive) to act on.
author:
  - replica-audit contributors (@replica-audit)
extends_documentation_fragment:
  - replica_audit.verify.common
options:
  fail_on:
    description:
      - The verdicts that fail the task. Add C(inconclusive) to fail when something could not be read.
    type: list
    elements: str
    choices: [fail, inconclusive, pass]
    default: [fail]
  preflight:
    description:
      - The preflight.json that C(replica_audit.verify.preflight) wrote before the copy (C(--preflight));
        findings on bytes that were already on a target say so.
    type: path
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying the target.
    support: full
    details: The verification runs in check mode too; it writes only its reports, and no ledger record.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
seealso:
  - module: replica_audit.verify.preflight
'''

EXAMPLES = r'''
- name: Verify pgtest1's two disks, given as migratekit writes them
  replica_audit.verify.verify:
    inventory: /var/lib/replica/pgtest1.json
    targets: "2000:nbd://10.0.0.5/vol-a,2001:nbd://10.0.0.5/vol-b"
  register: audit

- name: Verify attached volumes by cloud volume ID, into the shared ledger, failing on inconclusive too
  replica_audit.verify.verify:
    inventory: /var/lib/replica/pgtest1.json
    vm: pgtest1
    volumes:
      2000: 101328f1-6d2e-4c4b-9d2a-0d0f5a8a1b2c
      2001: 7c2b1e9a-4f1d-4bb0-8d57-2d7f9f1e3a44
    report_dir: /var/lib/replica/reports/pgtest1
    ledger: postgres://audit@ledger.example:5432/replica
    fail_on: [fail, inconclusive]

- name: Compare sampled content with the live sources
  replica_audit.verify.verify:
    inventory: /var/lib/replica/pgtest1.json
    targets:
      2000: /dev/vdb
      2001: /dev/vdc
    sources: "2000:nbd://esxi-proxy/src-2000,2001:nbd://esxi-proxy/src-2001"
    content: sample

- name: Say which disk carries another's data
  ansible.builtin.debug:
    msg: "{{ item.disk }} carries {{ item.carries }}"
  loop: "{{ audit.report.contamination }}"
'''

RETURN = r'''
verdict:
  description: The VM's verdict, C(pass), C(fail) or C(inconclusive). Null when the tool gave none.
  returned: always
  type: str
  sample: fail
rc:
  description:
    - The exit code of replica-audit verify, 0 pass, 1 fail, 2 usage or input error, 3 inconclusive.
    - Null when it was not run.
  returned: always
  type: int
  sample: 1
report:
  description: The report.json document (docs/CONTRACT.md of replica-audit), null when none was written.
  returned: always
  type: dict
  sample: {"schemaVersion": 1, "verdict": "fail", "vm": {"name": "pgtest1"}, "disks": [], "findings": [],
           "contamination": [{"disk": "2000", "carries": "2001", "evidence": ["implied-size"]}]}
findings:
  description: Every finding of the report, the VM's own and each disk's, each with C(disk), the disk key
    it concerns (null for the VM as a whole).
  returned: always
  type: list
  elements: dict
  sample: [{"disk": "2000", "code": "label-sized-for-other-disk", "severity": "critical",
            "message": "The volume of disk 2000 carries the partition table of disk 2001", "evidence": {}}]
report_dir:
  description: Where the reports (report.json, junit.xml, report.md, report.html) are on the managed host.
  returned: always
  type: str
  sample: /tmp/replica-audit-verify-k2j3h4
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
  description: One line, the verdict, each disk's verdict and the first serious finding, or why the run failed.
  returned: always
  type: str
  sample: "replica-audit verify of pgtest1: fail (2000 fail, 2001 pass); disk 2000: label-sized-for-other-disk: ..."
cmd:
  description: The command line that was run, a ledger password masked.
  returned: when the command was built
  type: list
  elements: str
stderr:
  description: The end of the tool's standard error (progress and warnings).
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
    module = AnsibleModule(argument_spec=argument_spec('verify'), supports_check_mode=True)
    run(module, 'verify')


if __name__ == '__main__':
    main()
