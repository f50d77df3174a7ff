# -*- coding: utf-8 -*-
# Copyright: replica-audit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared code of the replica_audit.verify modules: argument spec, command line,
running the replica-audit binary on the managed host and reading its JSON document.

The CLI contract these modules rely on (options, exit codes, report.json and
preflight.json fields) is docs/CONTRACT.md in the replica-audit repository.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import tempfile

from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.six import string_types

# The verdicts each command can give, and the exit code that goes with each
# (docs/CONTRACT.md). Exit 2 is a usage or input error: no verdict at all.
VERDICTS = {
    'verify': {'pass': 0, 'fail': 1, 'inconclusive': 3},
    'preflight': {'ready': 0, 'blocked': 1, 'inconclusive': 3},
}
DOCUMENT = {'verify': 'report.json', 'preflight': 'preflight.json'}
DEFAULT_FAIL_ON = {'verify': ['fail'], 'preflight': ['blocked']}
# Words a playbook written for verify may use with preflight: 'fail' means 'blocked'.
FAIL_ON_ALIASES = {'preflight': {'fail': 'blocked'}, 'verify': {}}


def argument_spec(command):
    """The arguments of both modules (the same names; preflight ignores the source ones)."""
    verdicts = sorted(set(VERDICTS[command]) | set(FAIL_ON_ALIASES[command]))
    spec = dict(
        inventory=dict(type='path', required=True),
        vm=dict(type='str'),
        targets=dict(type='raw'),
        volumes=dict(type='dict'),
        by_id_dir=dict(type='path'),
        sources=dict(type='raw'),
        baseline=dict(type='path'),
        content=dict(type='str', choices=['none', 'sample', 'full']),
        report_dir=dict(type='path'),
        ledger=dict(type='str'),
        fail_on=dict(type='list', elements='str', choices=verdicts, default=DEFAULT_FAIL_ON[command]),
        binary=dict(type='path'),
        jobs=dict(type='int'),
        timeout=dict(type='float'),
        case_id=dict(type='str'),
        examiner=dict(type='str'),
        require_tls=dict(type='bool', default=False),
        extra_args=dict(type='list', elements='str', default=[]),
    )
    if command == 'verify':
        spec['preflight'] = dict(type='path')
    return spec


class ArgumentError(Exception):
    """A module argument the binary could never accept: reported as failed, with msg."""


def redact_url(text):
    """Hides the password of a URL such as postgres://user:secret@host/db."""
    if text is None:
        return None
    text = re.sub(r'(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://[^/:@\s]*):[^@/\s]*@', r'\g<scheme>:********@', text)
    return re.sub(r'(?P<key>[?&]password=)[^&\s]+', r'\g<key>********', text)


def _key(name, key):
    key = to_native(key).strip()
    if not key:
        raise ArgumentError('%s: a disk key is empty' % name)
    if '=' in key:
        raise ArgumentError("%s: the disk key '%s' contains '='" % (name, key))
    return key


def _value(name, key, value):
    if value is None or isinstance(value, (dict, list, bool)):
        raise ArgumentError('%s: the value for disk %s must be a string, got %s'
                            % (name, key, 'nothing' if value is None else type(value).__name__))
    value = to_native(value).strip()
    if not value:
        raise ArgumentError('%s: the value for disk %s is empty' % (name, key))
    return value


def mapping_arguments(name, value, spec_option, pair_option):
    """A migratekit string ('2000:nbd://h/a,2001:nbd://h/b') becomes one spec option;
    a dict {2000: TARGET} becomes one KEY=TARGET option per disk; a list of
    'KEY=TARGET' strings is passed as it is."""
    if value is None:
        return []
    if isinstance(value, string_types):
        value = value.strip()
        if not value:
            raise ArgumentError('%s is empty' % name)
        if spec_option is None:
            raise ArgumentError('%s must be a dict of disk key to value' % name)
        return [spec_option, value]
    if isinstance(value, dict):
        if not value:
            raise ArgumentError('%s is an empty dict' % name)
        args = []
        for key in sorted(value, key=lambda k: to_native(k)):
            args += [pair_option, '%s=%s' % (_key(name, key), _value(name, key, value[key]))]
        return args
    if isinstance(value, list):
        if not value:
            raise ArgumentError('%s is an empty list' % name)
        args = []
        for item in value:
            if not isinstance(item, string_types) or '=' not in item:
                raise ArgumentError("%s: each list item must be a 'KEY=VALUE' string, got %r" % (name, item))
            key, rest = item.split('=', 1)
            args += [pair_option, '%s=%s' % (_key(name, key), _value(name, key, rest))]
        return args
    raise ArgumentError('%s must be a string (KEY:URI,KEY:URI) or a dict of disk key to value, got %s'
                        % (name, type(value).__name__))


def build_command(binary, command, params, report_dir, ledger):
    """The replica-audit command line (a list, never a shell string)."""
    if params.get('targets') is None and not params.get('volumes'):
        raise ArgumentError('give the destination volumes with targets (string or dict) or volumes (dict)')
    args = [binary, command, '--inventory', params['inventory'], '--format', 'json', '--report-dir', report_dir]
    if params.get('vm'):
        args += ['--vm', params['vm']]
    args += mapping_arguments('targets', params.get('targets'), '--nbd-targets', '--target')
    if params.get('volumes') is not None:
        args += mapping_arguments('volumes', params['volumes'], None, '--volume')
    if params.get('by_id_dir'):
        args += ['--by-id-dir', params['by_id_dir']]
    if command == 'verify':
        if params.get('sources') is not None and params.get('baseline'):
            raise ArgumentError('sources and baseline exclude each other: give one reference')
        args += mapping_arguments('sources', params.get('sources'), '--nbd-sources', '--source')
        if params.get('baseline'):
            args += ['--baseline', params['baseline']]
        if params.get('content'):
            args += ['--content', params['content']]
        if params.get('preflight'):
            args += ['--preflight', params['preflight']]
    if params.get('jobs') is not None:
        if params['jobs'] < 1:
            raise ArgumentError('jobs must be 1 or more')
        args += ['--jobs', str(params['jobs'])]
    if params.get('timeout') is not None:
        if params['timeout'] <= 0:
            raise ArgumentError('timeout must be more than 0 seconds')
        args += ['--timeout', str(params['timeout'])]
    if params.get('case_id'):
        args += ['--case-id', params['case_id']]
    if params.get('examiner'):
        args += ['--examiner', params['examiner']]
    if params.get('require_tls'):
        args.append('--require-tls')
    if ledger:
        args += ['--ledger', ledger]
    args += list(params.get('extra_args') or [])
    return args


def first_error_line(stderr):
    """The tool's one-line error: the first line that says 'replica-audit: …' or 'Error: …'
    (a summary may come before it on stderr), else the first line that says something."""
    lines = [line.strip() for line in (stderr or '').splitlines() if line.strip()]
    for line in lines:
        for prefix in ('Error: ', 'replica-audit: '):
            if line.startswith(prefix):
                return line[len(prefix):]
    return lines[0] if lines else ''


def flatten_findings(document):
    """Every finding of the document, each with the disk it concerns (null for the VM)."""
    findings = []
    for finding in document.get('findings') or []:
        if isinstance(finding, dict):
            item = dict(finding)
            item.setdefault('disk', None)
            findings.append(item)
    for disk in document.get('disks') or []:
        if not isinstance(disk, dict):
            continue
        for finding in disk.get('findings') or []:
            if isinstance(finding, dict):
                item = dict(finding)
                item['disk'] = disk.get('key')
                findings.append(item)
    return findings


def summary(command, document, verdict, report_dir):
    """One line a person reads first: the verdict, each disk's verdict, the worst findings."""
    vm = document.get('vm')
    name = vm.get('name') if isinstance(vm, dict) else vm
    parts = []
    for disk in document.get('disks') or []:
        if isinstance(disk, dict):
            state = disk.get('verdict') or disk.get('state')
            parts.append('%s %s' % (disk.get('key'), state))
    line = 'replica-audit %s of %s: %s' % (command, name or '(unnamed VM)', verdict)
    if parts:
        line += ' (%s)' % ', '.join(parts)
    serious = [f for f in flatten_findings(document)
               if f.get('severity') in ('critical', 'error') or (command == 'preflight' and f.get('blocking'))]
    if serious:
        first = serious[0]
        where = 'disk %s: ' % first['disk'] if first.get('disk') is not None else ''
        line += '; %s%s: %s' % (where, first.get('code'), first.get('message'))
        if len(serious) > 1:
            line += ' (and %d more)' % (len(serious) - 1)
    line += '; reports in %s' % report_dir
    return line


def mtime(path):
    """The modification time of path in nanoseconds, None when there is no such file."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def read_document(path, stdout, before=None):
    """The JSON document this run wrote in the report directory, else the one on stdout.
    A file whose modification time is still `before` is an earlier run's and is never
    taken for this one's. Returns (document, error)."""
    errors = []
    if os.path.isfile(path) and before is not None and mtime(path) == before:
        errors.append('%s is left from an earlier run (this run did not write it)' % path)
    elif os.path.isfile(path):
        try:
            with open(path, 'rb') as handle:
                document = json.loads(handle.read().decode('utf-8'))
            if isinstance(document, dict):
                return document, None
            errors.append('%s is not a JSON object' % path)
        except (IOError, OSError, ValueError) as error:
            errors.append('%s is not readable JSON: %s' % (path, to_native(error)))
    else:
        errors.append('%s was not written' % path)
    text = (stdout or '').strip()
    if text:
        try:
            document = json.loads(text)
            if isinstance(document, dict):
                return document, None
            errors.append('stdout is not a JSON object')
        except ValueError as error:
            errors.append('stdout is not JSON (%s): %s' % (to_native(error), text[:200]))
    else:
        errors.append('stdout is empty')
    return None, '; '.join(errors)


def run(module, command):
    """Runs `replica-audit COMMAND` for the module's arguments and exits the module."""
    params = module.params
    result = dict(changed=False, verdict=None, rc=None, report=None, findings=[], report_dir=None,
                  cmd=None, stderr='', ledger=None, ledger_run=None)
    if command == 'preflight':
        ignored = [name for name in ('sources', 'baseline', 'content') if params.get(name) is not None]
        if ignored:
            module.warn('preflight reads no sources or content before the copy: %s ignored' % ', '.join(ignored))

    binary = params.get('binary')
    if binary:
        if not os.path.isfile(binary) or not os.access(binary, os.X_OK):
            module.fail_json(msg='replica-audit binary %s is not an executable file on %s'
                             % (binary, os.uname()[1]), **result)
    else:
        binary = module.get_bin_path('replica-audit', opt_dirs=['/usr/local/bin', '/usr/bin', '/opt/replica-audit/bin'])
        if not binary:
            module.fail_json(msg='replica-audit is not installed on this host (not found on PATH, /usr/local/bin, '
                                 '/usr/bin or /opt/replica-audit/bin): install it with the role '
                                 'replica_audit.verify.install or give its path in binary', **result)

    ledger = params.get('ledger')
    if ledger is not None and not ledger.strip():
        module.fail_json(msg='ledger is empty: give a path, sqlite:PATH or postgres://user@host:port/db', **result)
    if ledger:
        # A password in the ledger URL is masked in everything the task returns, invocation included.
        match = re.match(r'[A-Za-z][A-Za-z0-9+.-]*://[^/:@\s]*:([^@/\s]+)@', ledger)
        if match:
            module.no_log_values.add(match.group(1))
        for secret in re.findall(r'[?&]password=([^&\s]+)', ledger):
            module.no_log_values.add(secret)
    if ledger and module.check_mode:
        # Check mode changes nothing: the verification runs and reports, the ledger gets no record.
        ledger = None

    report_dir = params.get('report_dir')
    created = False
    if not report_dir:
        report_dir = tempfile.mkdtemp(prefix='replica-audit-%s-' % command)
        created = True
    else:
        # The tool makes the report directory itself but not its parents.
        parent = os.path.dirname(os.path.abspath(report_dir))
        if not os.path.isdir(parent):
            try:
                os.makedirs(parent)
            except OSError as error:
                module.fail_json(msg='cannot make the parent of report_dir %s: %s' % (report_dir, to_native(error)),
                                 **result)
    result['report_dir'] = report_dir

    try:
        args = build_command(binary, command, params, report_dir, ledger)
    except ArgumentError as error:
        if created:
            _remove_empty(report_dir)
            result['report_dir'] = None
        module.fail_json(msg=to_native(error), **result)
    result['cmd'] = [redact_url(a) for a in args]
    result['ledger'] = redact_url(ledger)

    # What the report directory held before: a document left there by an earlier run is never
    # returned as this run's.
    document_path = os.path.join(report_dir, DOCUMENT[command])
    before = mtime(document_path)
    # LANG=C: the tool's messages are not localised, but its children's may be.
    rc, stdout, stderr = module.run_command(args, check_rc=False, environ_update={'LC_ALL': 'C'})
    result['rc'] = rc
    result['stderr'] = (stderr or '')[-4000:]

    if rc == 2:
        message = first_error_line(stderr) or 'usage or input error (exit 2) with no message'
        # Exit 2 after the reports were written (a ledger that cannot be written): the run's
        # document is returned all the same, so nothing it found is lost.
        document, _ = read_document(document_path, None, before)
        if document is not None:
            result.update(verdict=document.get('verdict'), report=document, findings=flatten_findings(document))
            module.fail_json(msg='replica-audit %s ran (verdict %s, reports in %s) but exited 2: %s'
                             % (command, document.get('verdict'), report_dir, message), **result)
        if created:
            _remove_empty(report_dir)
        module.fail_json(msg='replica-audit %s refused its input: %s' % (command, message), **result)
    if rc not in VERDICTS[command].values():
        module.fail_json(msg='replica-audit %s ended abnormally (exit %s): %s'
                         % (command, rc, first_error_line(stderr) or 'no message'), **result)

    document, error = read_document(document_path, stdout, before)
    if document is None:
        module.fail_json(msg='replica-audit %s exited %s but its %s could not be read: %s'
                         % (command, rc, DOCUMENT[command], error), **result)
    verdict = document.get('verdict')
    if verdict not in VERDICTS[command]:
        module.fail_json(msg='replica-audit %s wrote an unknown verdict %r (exit %s)' % (command, verdict, rc), **result)
    if VERDICTS[command][verdict] != rc:
        module.fail_json(msg='replica-audit %s: the verdict %s does not match the exit code %s; treat the run as failed'
                         % (command, verdict, rc), **result)

    result.update(verdict=verdict, report=document, findings=flatten_findings(document))
    if ledger:
        # The tool says 'recorded in the audit ledger URL as run N' on stderr.
        match = re.search(r'recorded in the audit ledger .* as run (\d+)', stderr or '')
        result['ledger_run'] = int(match.group(1)) if match else None
    result['msg'] = summary(command, document, verdict, report_dir)
    if module.check_mode and params.get('ledger'):
        result['msg'] += '; check mode: no ledger record written'
    fail_on = [FAIL_ON_ALIASES[command].get(v, v) for v in params['fail_on']]
    if verdict in fail_on:
        module.fail_json(**result)
    # Said explicitly: Ansible takes a result with a non-zero rc and no 'failed' as failed.
    result['failed'] = False
    module.exit_json(**result)


def _remove_empty(path):
    try:
        os.rmdir(path)
    except OSError:
        pass
