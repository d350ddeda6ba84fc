# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The contract every kind of Aurora object follows, and the one runner of its single and bulk modules.

A kind is one class (``Kind``): its options (a ``_resource.Field`` table) and, for one object, how to check the
options (``errors``), find what Aurora holds (``find``), plan (``plan``, pure) and apply the plan (``apply``). Its
single module runs that for one object; its bulk module for each item of a list, and adds only what a list needs:

1. every item is checked first, with no API call: one invalid item, or two items for one object, fail the task
   before anything is written, and the message names every one;
2. one login and the reads the items share (``prepare``), instead of a lookup per item;
3. the items in a bounded thread pool (``parallel``; 1 = one item after the other, in the order given);
4. the results in the order of the items, each what the single module returns for it, with a summary; a failed
   item does not stop the others, and fails the task at the end.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.afterlogic.aurora.plugins.module_utils._client import client_stack, item_client
from ansible_collections.afterlogic.aurora.plugins.module_utils._errors import AuroraError
from ansible_collections.afterlogic.aurora.plugins.module_utils._module import (
    DEFAULT_PARALLEL,
    aurora_module,
    each,
    error_details,
    fail_with,
    secrets_in,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._planned import (
    PlannedAurora,
    planned_argument_spec,
    without_placeholders,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import ResourceError, argument_spec

NO_LOG_PLACEHOLDER = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'  # what Ansible shows for a no_log value
SUMMARY_KEYS = ('created', 'updated', 'unchanged', 'deleted', 'failed')
MAX_LISTED_FAILURES = 20
CATEGORIES = {'created': 'created', 'deleted': 'deleted'}  # by the first word of msg; any other change is an update


class Kind:
    """One kind of Aurora object, as its modules manage it. A kind declares:

    * ``fields``: the Field table of the options of one object, in their order; ``mutually_exclusive``;
    * ``option``, ``key``, ``noun``, ``item``: its bulk module's list option, the option that names an item, what
      the items are, and what one is called;
    * ``errors(params)``: every problem of the options, each naming its option ([] when none; pure);
    * ``find(client, wanted)``: what Aurora holds for the object (reads only);
    * ``plan(wanted, found)``: what the task does (pure; a ``_resource.Plan``);
    * ``apply(client, plan)``: the writes (none in check mode), and the module's result.

    A single module makes one instance for its object. A bulk task makes one for all its items:
    ``prepare(client, wanted, params)`` reads once what they share, and ``find`` then uses it; the other methods of a
    bulk task have defaults. ``identity(item)`` tells two items for one object apart.
    """

    fields = ()
    mutually_exclusive = ()
    option = key = noun = item = None

    def __init__(self, check_mode=False, diff=False):
        self.check_mode = check_mode
        self.diff = diff

    # ---- the options ---------------------------------------------------------------------------

    @classmethod
    def item_spec(cls):
        return argument_spec(cls.fields)

    @staticmethod
    def extra_spec():
        """The bulk module's own options besides the list, ``parallel`` and ``planned``."""
        return {}

    @staticmethod
    def errors(params):
        return []

    def wanted(self, params):
        """The options as the task means them, once errors() found none."""
        return dict(params)

    def identity(self, item):
        """What makes two items one object, compared as Aurora compares them."""
        return item.get(self.key)

    def shown(self, item, wanted):
        """The item's name in messages and in its result."""
        return item.get(self.key)

    def described(self, item):
        """The item in words, for a list of repeated items."""
        return '%s %s' % (self.item, item.get(self.key))

    # ---- one object ----------------------------------------------------------------------------

    def find(self, client, wanted):
        raise NotImplementedError

    def plan(self, wanted, found):
        raise NotImplementedError

    def apply(self, client, plan):
        raise NotImplementedError

    def ensure(self, client, wanted):
        """find, plan and apply for one object: ``(plan, the module's result)``."""
        client = item_client(client)
        plan = self.plan(wanted, self.find(client, wanted))
        result = self.apply(client, plan)
        if not self.diff:
            result.pop('diff', None)
        return plan, result

    # ---- a bulk task ---------------------------------------------------------------------------

    def prepare(self, client, wanted, params):
        """The reads the items of a bulk task share, made once (``wanted``: the items' wanted options; ``params``:
        the task's)."""

    def category(self, plan, result):
        """What a changed item counts as in the summary: created, updated or deleted."""
        return CATEGORIES.get(result['msg'].split(':')[0], 'updated')

    def done(self, index, plan):
        """What the task keeps of an item once it is done, for extra_results()."""

    def extra_results(self, results):
        """The bulk module's own return values besides ``results``, ``summary`` and ``planned``."""
        return {}

    def planned(self, item, result):
        """What a later task of a check run must see of a changed item (module_utils/_planned.py)."""
        return []


# ---- the runner ------------------------------------------------------------------------------------

def run_kind(kind_class, bulk=False):
    """The whole of a kind's module: the single module, or with ``bulk`` the bulk module."""
    if bulk:
        BulkTask(aurora_module(bulk_argument_spec(kind_class)), kind_class).run()
        return
    options = {'mutually_exclusive': kind_class.mutually_exclusive} if kind_class.mutually_exclusive else {}
    module = aurora_module(kind_class.item_spec(), **options)
    kind = kind_class(module.check_mode, module._diff)
    errors = kind.errors(module.params)
    if errors:
        fail_with(module, ResourceError('; '.join(errors)))
    try:
        dummy, result = kind.ensure(client_stack(module), kind.wanted(module.params))
    except AuroraError as error:
        fail_with(module, error)
    module.exit_json(**result)


def bulk_argument_spec(kind_class):
    """The options of a bulk module: the list of items (each with the single module's options), ``parallel``,
    ``planned`` and the kind's own options."""
    spec = {
        kind_class.option: dict(type='list', elements='dict', required=True, options=kind_class.item_spec()),
        'parallel': dict(type='int', default=DEFAULT_PARALLEL),
    }
    spec.update(planned_argument_spec())
    spec.update(kind_class.extra_spec())
    return spec


def masked(item, spec):
    """A copy of ``item`` with the values of its no_log options replaced as Ansible replaces them."""
    copy = dict(item)
    for name, option in spec.items():
        value = copy.get(name)
        if value is None:
            continue
        if option.get('no_log'):
            copy[name] = NO_LOG_PLACEHOLDER
        elif option.get('options') and isinstance(value, dict):
            copy[name] = masked(value, option['options'])
        elif option.get('options') and isinstance(value, list):
            copy[name] = [masked(nested, option['options']) if isinstance(nested, dict) else nested for nested in value]
    return copy


def failure(error):
    """An item's result for an Aurora error, as the single module's fail_with() reports it (with error.details)."""
    result = {'failed': True, 'msg': str(error), 'error': error_details(error), 'changed': error.changed}
    result.update(getattr(error, 'details', None) or {})
    return result


def repeated(kind, items):
    """``{index: index of the first item for the same object}`` of the items that repeat an earlier one."""
    first, found = {}, {}
    for index, item in enumerate(items):
        identity = kind.identity(item)
        if identity in first:
            found[index] = first[identity]
        first.setdefault(identity, index)
    return found


def label(kind, index, shown):
    return '%s[%d] %r' % (kind.option, index, shown)


def summary_text(summary, skip=()):
    parts = ['%d %s' % (summary[key], key) for key in SUMMARY_KEYS if summary[key] and key not in skip]
    return ', '.join(parts) or 'nothing'


class BulkTask:
    """One run of a bulk module: check all, read once, work on each item, report."""

    def __init__(self, module, kind_class):
        self.module = module
        params = module.params
        self.kind = kind_class(module.check_mode, module._diff)
        self.items = params[kind_class.option]
        self.wanted = [None] * len(self.items)
        self.client = None
        self.planned = None  # in check mode, the client given what earlier tasks would create (_planned.py)
        item_spec = kind_class.item_spec()
        self.secrets = [tuple(secrets_in(item, item_spec)) or None for item in self.items]
        masked_items = [masked(item, item_spec) for item in self.items]
        self.invocation = {'module_args': dict(params, **{kind_class.option: masked_items})}
        self._scrub_item_secrets_per_item(params)

    def _scrub_item_secrets_per_item(self, params):
        """Hide each item's secrets in that item's result, instead of searching every result for every secret.

        AnsibleModule searches each returned string for each no_log value: with a password per item that
        is items x strings x passwords (about a minute for 10,000 accounts). A result can only hold its own
        item's secrets, so work() scrubs each item's result of those with Ansible's own remove_values();
        the task's own secrets (api_password, api_token) stay with AnsibleModule, which still scrubs the
        whole output of them; the invocation is returned with every item's secrets already masked.
        """
        top_level = dict((name, value) for name, value in params.items() if name != self.kind.option)
        kept = secrets_in(top_level, self.module.argument_spec)
        for secrets in self.secrets:
            if secrets:
                self.module.no_log_values.difference_update(set(secrets) - kept)

    def fail(self, msg, **result):
        result.setdefault('changed', False)
        self.module.fail_json(msg=msg, invocation=self.invocation, **result)

    def validate(self):
        """Fail the task, before any API call, when an item is invalid or is for the same object as another one."""
        errors = []
        valid = []
        for index, item in enumerate(self.items):
            problems = self.kind.errors(item)
            if not problems:
                self.wanted[index] = self.kind.wanted(item)
                valid.append(index)
            where = label(self.kind, index, self.kind.shown(item, self.wanted[index]))
            for problem in problems:
                errors.append((index, '%s: %s' % (where, self._scrub(index, problem))))
        for index, first in repeated(self.kind, [self.items[index] for index in valid]).items():
            index, first = valid[index], valid[first]
            errors.append((index, '%s: the same %s as %s; give each one once per task' % (
                label(self.kind, index, self.kind.shown(self.items[index], self.wanted[index])), self.kind.key,
                label(self.kind, first, self.kind.shown(self.items[first], self.wanted[first])))))
        if errors:
            self.fail('%d problem(s) in %s, nothing was changed: %s' % (
                len(errors), self.kind.option, '; '.join(error for dummy, error in sorted(errors, key=_by_index))))

    def _scrub(self, index, value):
        secrets = self.secrets[index]
        return remove_values(value, secrets) if secrets and _holds_any(value, secrets) else value

    def work(self, index):
        wanted, self.wanted[index] = self.wanted[index], None  # freed as the items are done (10,000 accounts)
        shown = self.kind.shown(self.items[index], wanted)
        try:
            plan, result = self.kind.ensure(self.client, wanted)
            category = self.kind.category(plan, result) if result['changed'] else 'unchanged'
            self.kind.done(index, plan)
        except AuroraError as error:
            result, category = failure(error), 'failed'
        except Exception as exc:  # one item's bug must not lose the results of the others
            result = {'failed': True, 'changed': False, 'msg': 'unexpected error: %s' % exc,
                      'exception': traceback.format_exc()}
            category = 'failed'
        return self._scrub(index, dict([(self.kind.key, shown)] + list(result.items()))), category

    def run(self):
        module = self.module
        parallel = module.params['parallel']
        if parallel < 1:
            self.fail('parallel must be at least 1 (1 works on the items one after the other), got %d' % parallel)
        self.validate()
        count = len(self.items)
        if count:
            try:
                self.client = client_stack(module, connections=min(parallel, count), shared=True)
                if isinstance(self.client, PlannedAurora):
                    self.planned = self.client
                self.kind.prepare(self.client, self.wanted, module.params)
            except AuroraError as error:
                fail_with(module, error, invocation=self.invocation)
        outcomes = each(count, self.work, parallel)
        self.report(outcomes)

    def report(self, outcomes):
        results = [result for result, dummy in outcomes]
        summary = dict((key, 0) for key in SUMMARY_KEYS)
        for dummy, category in outcomes:
            summary[category] += 1
        report = dict(changed=any(result.get('changed') for result in results), summary=summary, results=results,
                      retries=sum(result.get('retries') or 0 for result in results))
        report.update(self.kind.extra_results(results))
        if self.planned is not None:
            report = without_placeholders(report, self.planned.placeholder_names())
            results = report['results']
        report['planned'] = [entry for index, result in enumerate(results)
                             if self.module.check_mode and result.get('changed') and not result.get('failed')
                             for entry in self.kind.planned(self.items[index], result)]
        for result in results:  # an item's warnings would not be shown where they are
            for warning in result.pop('warnings', None) or ():
                self.module.warn(warning)
        if self.module._diff:
            report['diff'] = [
                dict(result['diff'], before_header=label(self.kind, index, result[self.kind.key]),
                     after_header=label(self.kind, index, result[self.kind.key]))
                for index, result in enumerate(results) if result.get('changed') and 'diff' in result]
        failed = [(index, result) for index, result in enumerate(results) if result.get('failed')]
        if failed:
            self.fail(self.failure_text(failed, summary), **report)
        msg = '%d %s: %s' % (len(results), self.kind.noun, summary_text(summary)) if results else \
            'no %s given' % self.kind.noun
        self.module.exit_json(msg=msg, invocation=self.invocation, **report)

    def failure_text(self, failed, summary):
        listed = ['%s: %s' % (label(self.kind, index, result[self.kind.key]), result['msg'])
                  for index, result in failed[:MAX_LISTED_FAILURES]]
        if len(failed) > MAX_LISTED_FAILURES:
            listed.append('and %d more (see results)' % (len(failed) - MAX_LISTED_FAILURES))
        return '%d of %d %s failed: %s. The others: %s' % (
            len(failed), sum(summary.values()), self.kind.noun, '; '.join(listed), summary_text(summary, skip=('failed',)))


def _by_index(error):
    return error[0]


def _holds_any(value, secrets):
    """Whether ``value`` holds one of ``secrets`` where remove_values() looks: in a text, a key, or a number, boolean
    or null as text; most results hold none, and this walk costs a fraction of remove_values()'s."""
    if isinstance(value, dict):
        return any(_holds_any(key, secrets) or _holds_any(item, secrets) for key, item in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_any(item, secrets) for item in value)
    text = value if isinstance(value, str) else str(value)
    return any(secret in text for secret in secrets)
