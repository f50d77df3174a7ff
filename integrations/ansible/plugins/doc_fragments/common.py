# -*- coding: utf-8 -*-
# Copyright: replica-audit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The options both modules share (replica_audit.verify.verify and .preflight).
    DOCUMENTATION = r'''
options:
  inventory:
    description:
      - Path, on the managed host, of the source inventory (govc C(vm.info -json) or C(device.info) JSON,
        vSphere REST, OVF, VMX, or a replica-audit manifest).
    type: path
    required: true
  vm:
    description:
      - The VM to use when the inventory holds several.
    type: str
  targets:
    description:
      - The destination volumes.
      - A string in the migratekit form C(2000:nbd://10.0.0.5/vol-a,2001:nbd://10.0.0.5/vol-b) is passed as
        C(--nbd-targets).
      - A dict of disk key to target (NBD URI, block device or image file) becomes one C(--target KEY=TARGET)
        each; a list of C(KEY=TARGET) strings likewise.
      - One of O(targets) and O(volumes) is required; they mix.
    type: raw
  volumes:
    description:
      - Disks given by cloud volume ID, a dict of disk key to volume ID, each found in O(by_id_dir)
        (C(--volume KEY=VOLUME_ID)).
    type: dict
  by_id_dir:
    description:
      - Where O(volumes) are looked up. The tool's default is C(/dev/disk/by-id).
    type: path
  sources:
    description:
      - verify only. The source disks, live, in the same forms as O(targets) (C(--nbd-sources) or
        C(--source KEY=TARGET)). Excludes O(baseline).
      - preflight ignores it, with a warning.
    type: raw
  baseline:
    description:
      - verify only. A baseline file written by C(replica-audit capture), used instead of live sources.
      - preflight ignores it, with a warning.
    type: path
  content:
    description:
      - verify only. Content comparison against the sources or baseline. The tool's default is C(sample) with
        sources or a baseline, else C(none).
      - preflight ignores it, with a warning.
    type: str
    choices: [none, sample, full]
  report_dir:
    description:
      - Where the reports are written on the managed host.
      - Default is a fresh directory made by the module under the host's temporary directory
        (returned as RV(report_dir)); it is kept, so the evidence stays.
    type: path
  ledger:
    description:
      - Append the run to an audit ledger (C(--ledger)), a path or C(sqlite:PATH) for a ledger on the host,
        C(postgres://user@host:port/db) for one ledger shared by many appliances.
      - A password in the URL is masked in every returned value.
      - In check mode the ledger is not written to.
    type: str
  binary:
    description:
      - Path of the replica-audit binary on the managed host.
      - Default is C(replica-audit) found on E(PATH), then in C(/usr/local/bin), C(/usr/bin) and
        C(/opt/replica-audit/bin).
    type: path
  jobs:
    description:
      - How many volumes to open at once (C(--jobs)). The tool's default is 4.
    type: int
  timeout:
    description:
      - Seconds to wait for any one NBD request or connection attempt (C(--timeout)). The tool's default is 30.
    type: float
  case_id:
    description:
      - The case or ticket this run belongs to, recorded in the report's provenance (C(--case-id)).
    type: str
  examiner:
    description:
      - Who ran the examination, recorded in the report's provenance (C(--examiner)).
    type: str
  require_tls:
    description:
      - Refuse plaintext targets (C(--require-tls)).
    type: bool
    default: false
  extra_args:
    description:
      - More options passed to the command as they are, after those above, for example
        C([--sector-size, '4096']).
    type: list
    elements: str
    default: []
notes:
  - The tool is read-only toward every volume, so the module never reports a change.
  - Check mode is supported; the verification still runs, because it changes nothing, but no ledger record
    is written.
  - The module runs the command with C(--format json) and returns the document it writes in O(report_dir).
  - An input the tool refuses (its exit code 2), a missing binary or an unreadable document fail the task
    with the tool's one-line message in RV(msg).
requirements:
  - The replica-audit binary on the managed host (see the role replica_audit.verify.install), and its
    runtime libraries libnbd, libfdisk and libblkid.
'''
