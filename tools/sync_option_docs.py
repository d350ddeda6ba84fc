"""Generate the copies of the per-item option docs from the single modules' DOCUMENTATION (`make docs-sync`).

    .venv/bin/python -m tools.sync_option_docs [--check]     (from the root of the checkout)

The options of aurora_mail_server, aurora_user_account and aurora_mail_account are the only hand-written docs of one
mail server, one user account and one extra mail account. From them this writes the ``suboptions`` of ``servers`` in
aurora_mail_servers.py and of ``accounts`` in aurora_user_accounts.py and aurora_mail_accounts.py, and the ``options``
of the variables ``aurora_mail_servers`` and ``aurora_user_accounts``
in roles/provision/meta/argument_specs.yml; so for the other kinds, and for the role's ``aurora_settings`` (the items
of aurora_settings, which has no bulk module). Only that YAML subtree is rewritten; the rest of each file stays as it
is.
With --check nothing is written: each stale file is named and the exit code is 1.

The rules that make a copy read right where it is (an item of a bulk task, or of a role variable):

1. O(x) of an item option x becomes O(servers[].x), O(accounts[].x), O(aurora_mail_servers[].x) and so on.
2. "the task" becomes "the item": in a bulk task an option acts on its item.
3. An option that the module's argument spec marks no_log says that it is never shown; the role's copy takes the
   spec's no_log, False included.
4. ITEM_NOTES are appended: what the single module says in its own description, or what only a bulk task does;
   in the role, ROLE_NOTES too: what only the role does. The role leaves out the options of ROLE_OMITTED, which
   other role variables stand for, and reads O(x) of a module option x that is not an item option as the role
   variable O(aurora_x) (O(api_transport) is O(aurora_api_transport)).
5. The role keeps only the keys of the argument_spec format, with ``options`` for ``suboptions``; suboptions shared
   through a YAML anchor keep the anchor in the bulk module and are written out in full in the role.
6. A single module's return value RV(x) reads C(x): the role has no return values, and a bulk module has it in
   each item's result, not at the top.
"""

import argparse
import ast
import collections
import importlib
import os
import re
import sys
import textwrap

import yaml

from tests.helpers.collection import REPO_ROOT, ensure_collection_on_path

ItemDocs = collections.namedtuple('ItemDocs', 'single bulk kind role_variable')
ITEMS = (
    ItemDocs('aurora_mail_server', 'aurora_mail_servers', '_mail_server.MailServer', 'aurora_mail_servers'),
    ItemDocs('aurora_user_account', 'aurora_user_accounts', '_user_account.UserAccount', 'aurora_user_accounts'),
    ItemDocs('aurora_mail_account', 'aurora_mail_accounts', '_mail_account.MailAccount', 'aurora_mail_accounts'),
    ItemDocs('aurora_tenant', 'aurora_tenants', '_tenant.Tenant', 'aurora_tenants'),
    ItemDocs('aurora_mail_domain', 'aurora_mail_domains', '_mail_domain.MailDomain', 'aurora_mail_domains'),
    ItemDocs('aurora_group', 'aurora_groups', '_group.Group', 'aurora_groups'),
    ItemDocs('aurora_settings', None, '_settings.Settings', 'aurora_settings'),
)
ROLE_OMITTED = {'aurora_settings': ('admin_password',)}  # the role's aurora_admin_password
ROLE_SPEC = 'roles/provision/meta/argument_specs.yml'
ROLE_ITEMS_PATH = ('argument_specs', 'main', 'options')
ROLE_KEYS = ('description', 'type', 'elements', 'choices', 'default', 'required', 'no_log', 'options')

ITEM_NOTES = {
    'aurora_mail_server': {
        'name': ['Aurora allows several servers with the same name; if there are several, this item fails and lists '
                 'their ids instead of picking one.'],
        'force': ['Finding those accounts reads the accounts of every user, once per task however many servers are '
                  'deleted.'],
    },
    'aurora_user_account': {
        'server': ['Aurora is asked for the server of a domain once per task, not once per item.'],
    },
}
ROLE_NOTES = {
    'aurora_mail_server': {
        'state': ['The role deletes servers last, after the users and accounts, so that a server whose accounts the '
                  'run moves away or deletes goes without O(aurora_mail_servers[].force).'],
    },
}
NEVER_SHOWN = 'Never shown in the output, the diff or error messages.'

WIDTH = 120
INDENT = '  '
DOCUMENTATION_START = "DOCUMENTATION = r'''\n"
DOCUMENTATION_END = "'''\n"
OPTION_REFERENCE = re.compile(r'O\(([^)]*)\)')
THE_TASK = re.compile(r'\b([Tt]he) task\b')
MARKUP = re.compile(r'\b[A-Z]+\([^)]*\)')
UNBREAKABLE_SPACE = '\ue000'  # not a space to textwrap


# ---- reading ---------------------------------------------------------------------------------------------------------

class _AnchorKeepingLoader(yaml.SafeLoader):
    """A SafeLoader that remembers, by the id of each anchored object, the name of its anchor."""

    def __init__(self, stream):
        super().__init__(stream)
        self._anchor_of_node = {}
        self.anchors = {}

    def compose_node(self, parent, index):
        event = self.peek_event()
        node = super().compose_node(parent, index)
        if not isinstance(event, yaml.AliasEvent) and event.anchor:
            self._anchor_of_node[node] = event.anchor
        return node

    def construct_object(self, node, deep=False):
        data = super().construct_object(node, deep)
        if node in self._anchor_of_node:
            self.anchors[id(data)] = self._anchor_of_node[node]
        return data


def load_with_anchors(text):
    loader = _AnchorKeepingLoader(text)
    try:
        return loader.get_single_data(), loader.anchors
    finally:
        loader.dispose()


def module_path(module):
    return os.path.join('plugins', 'modules', module + '.py')


def read(root, path):
    with open(os.path.join(root, path), encoding='utf-8') as source:
        return source.read()


def documentation_of(source):
    tree = ast.parse(source)
    return next(node.value.value for node in tree.body
                if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'DOCUMENTATION')


def item_argument_spec(kind):
    """(the bulk module's list option, the item spec) of a kind, ``module.Class`` in module_utils."""
    ensure_collection_on_path()
    module, name = kind.split('.')
    kind_class = getattr(importlib.import_module('ansible_collections.afterlogic.aurora.plugins.module_utils.' + module),
                         name)
    return kind_class.option, kind_class.item_spec()


# ---- the rules -------------------------------------------------------------------------------------------------------

def item_text(text, prefix, item_options, for_role=False):
    """Rules 1, 2 and 4 on one paragraph."""
    def reference(match):
        path = match.group(1)
        if re.split(r'[.=\[]', path)[0] in item_options:
            return 'O(%s%s)' % (prefix, path)
        if for_role and '#' not in path and not path.startswith('aurora_'):
            return 'O(aurora_%s)' % path
        return match.group(0)
    return THE_TASK.sub(r'\1 item', OPTION_REFERENCE.sub(reference, text))


def item_description(description, prefix, item_options, spec_option, notes, for_role=False):
    """Rules 1 to 4: the description as it reads for an item, a string when it is one paragraph."""
    paragraphs = [description] if isinstance(description, str) else list(description)
    paragraphs = [item_text(paragraph, prefix, item_options, for_role) for paragraph in paragraphs]
    if spec_option.get('no_log') and not any(NEVER_SHOWN in paragraph for paragraph in paragraphs):
        paragraphs.append(NEVER_SHOWN)
    paragraphs += notes
    return paragraphs[0] if isinstance(description, str) and len(paragraphs) == 1 else paragraphs


RETURN_VALUE = re.compile(r'RV\(([^)]*)\)')


def module_return_values(description):
    """Rule 6: the single module's return value RV(x) reads C(x) in a copy."""
    if isinstance(description, str):
        return RETURN_VALUE.sub(r'C(\1)', description)
    return [RETURN_VALUE.sub(r'C(\1)', paragraph) for paragraph in description]


class ItemCopy:
    """How one copy (bulk module or role) writes the options of an item; shared suboptions stay shared.

    ``spec`` is the module's argument spec of an item: an option documented but not in it (validate-modules reports
    that) is copied as documented.
    """

    def __init__(self, prefix, item_options, for_role, omitted=()):
        self.prefix = prefix
        self.item_options = [name for name in item_options if name not in omitted]
        self.for_role = for_role
        self.omitted = omitted
        self._copies = {}

    def options(self, options, spec, notes):
        if id(options) not in self._copies:
            self._copies[id(options)] = dict((name, self.option(option, spec.get(name, {}), notes.get(name, [])))
                                             for name, option in options.items() if name not in self.omitted)
        return self._copies[id(options)]

    def option(self, option, spec_option, notes):
        copy = {}
        for key, value in option.items():
            if key == 'description':
                value = module_return_values(item_description(value, self.prefix, self.item_options, spec_option,
                                                              notes, self.for_role))
            elif key == 'suboptions':
                value = self.options(value, spec_option.get('options', {}), {})
                key = 'options' if self.for_role else key
            copy[key] = value
        if self.for_role:
            if 'no_log' in spec_option:
                copy['no_log'] = spec_option['no_log']
            copy = dict((key, copy[key]) for key in ROLE_KEYS if key in copy)
        return copy

    def anchors(self, anchors):
        """The anchors of the single module's options, by the id of their copies (none in the role)."""
        if self.for_role:
            return {}
        return dict((id(self._copies[original]), name) for original, name in anchors.items()
                    if original in self._copies)


# ---- writing YAML in the style of the files --------------------------------------------------------------------------

def plain(value, in_list=False):
    """``value`` as YAML, without quotes when YAML reads it back the same."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, list):
        return '[%s]' % ', '.join(plain(element, in_list=True) for element in value)
    if not isinstance(value, str):
        return 'null' if value is None else str(value)
    text = '[%s]' % value if in_list else value
    try:
        if yaml.safe_load(text) == ([value] if in_list else value):
            return value
    except yaml.YAMLError:
        pass
    return "'%s'" % value.replace("'", "''")


def wrapped(text, first, rest):
    """``text`` filled to WIDTH, never breaking a markup such as C(a-z A-Z)."""
    text = MARKUP.sub(lambda match: match.group(0).replace(' ', UNBREAKABLE_SPACE), text)
    lines = textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False,
                          break_on_hyphens=False)
    return [line.replace(UNBREAKABLE_SPACE, ' ') for line in lines]


def description_lines(description, indent):
    if isinstance(description, str):
        return wrapped(description, indent + 'description: ', indent + INDENT)
    lines = [indent + 'description:']
    for paragraph in description:
        lines += wrapped(paragraph, indent + INDENT + '- ', indent + INDENT * 2)
    return lines


def options_lines(options, indent, anchors, emitted):
    lines = []
    for name, option in options.items():
        lines.append(indent + name + ':')
        for key, value in option.items():
            lines += key_lines(key, value, indent + INDENT, anchors, emitted)
    return lines


def key_lines(key, value, indent, anchors, emitted):
    if key == 'description':
        return description_lines(value, indent)
    if not isinstance(value, dict) or not value:  # an empty dict is a value ({}), not a block
        return ['%s%s: %s' % (indent, key, plain(value))]
    anchor = anchors.get(id(value))
    if not anchor:
        return ['%s%s:' % (indent, key)] + options_lines(value, indent + INDENT, anchors, emitted)
    if anchor in emitted:
        return ['%s%s: *%s' % (indent, key, anchor)]
    emitted.add(anchor)
    return ['%s%s: &%s' % (indent, key, anchor)] + options_lines(value, indent + INDENT, anchors, emitted)


def subtree_lines(key, options, depth, anchors):
    return key_lines(key, options, INDENT * depth, anchors, set())


# ---- rewriting a subtree in place ------------------------------------------------------------------------------------

def key_line(lines, key, indent, start, end):
    pattern = re.compile(r'%s%s:(\s|$)' % (re.escape(indent), re.escape(key)))
    for index in range(start, end):
        if pattern.match(lines[index]):
            return index
    raise LookupError('no key %r at indent %d' % (key, len(indent)))


def subtree_end(lines, start, indent):
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped and len(lines[index]) - len(lines[index].lstrip(' ')) <= len(indent):
            return index
    return len(lines)


def with_subtree(text, path, new_lines):
    """``text`` with the YAML block at the key ``path`` (2-space indentation) replaced by ``new_lines``."""
    lines = text.splitlines(keepends=True)
    start, end = 0, len(lines)
    for depth, key in enumerate(path):
        start = key_line(lines, key, INDENT * depth, start, end)
        end = subtree_end(lines, start, INDENT * depth)
    return ''.join(lines[:start] + [line + '\n' for line in new_lines] + lines[end:])


def subtree_value(data, path):
    for key in path:
        data = data[key]
    return data


def rewritten(text, path, copy, anchors):
    """``text`` with the options at ``path`` replaced by ``copy``; fails unless YAML reads the new text as ``copy``."""
    new_text = with_subtree(text, path, subtree_lines(path[-1], copy, len(path) - 1, anchors))
    if subtree_value(yaml.safe_load(new_text), path) != copy:
        raise ValueError('the generated YAML at %s does not read back as generated' % '.'.join(path))
    return new_text


# ---- the copies ------------------------------------------------------------------------------------------------------

def notes_for(single, *more):
    notes = dict(ITEM_NOTES.get(single, {}))
    for extra in more:
        for option, paragraphs in extra.get(single, {}).items():
            notes[option] = notes.get(option, []) + paragraphs
    return notes


def single_options(root, item):
    """The options of the single module under ``root``, and the names of their YAML anchors by object id."""
    documentation, anchors = load_with_anchors(documentation_of(read(root, module_path(item.single))))
    return documentation['options'], anchors


def with_bulk_copy(source, item, options, anchors):
    list_option, spec = item_argument_spec(item.kind)
    bulk = ItemCopy('%s[].' % list_option, options, for_role=False)
    copy = bulk.options(options, spec, notes_for(item.single))
    start = source.index(DOCUMENTATION_START) + len(DOCUMENTATION_START)
    end = source.index(DOCUMENTATION_END, start)
    documentation = rewritten(source[start:end], ('options', list_option, 'suboptions'), copy, bulk.anchors(anchors))
    return source[:start] + documentation + source[end:]


def with_role_copy(source, item, options):
    spec = item_argument_spec(item.kind)[1]
    role = ItemCopy('%s[].' % item.role_variable, options, for_role=True,
                    omitted=ROLE_OMITTED.get(item.role_variable, ()))
    copy = role.options(options, spec, notes_for(item.single, ROLE_NOTES))
    return rewritten(source, ROLE_ITEMS_PATH + (item.role_variable, 'options'), copy, {})


def generated_files(root):
    """{path: content as generated} of the bulk modules and the role spec, from the single modules under ``root``."""
    files = {ROLE_SPEC: read(root, ROLE_SPEC)}
    for item in ITEMS:
        options, anchors = single_options(root, item)
        if item.bulk:
            files[module_path(item.bulk)] = with_bulk_copy(read(root, module_path(item.bulk)), item, options, anchors)
        if item.role_variable:
            files[ROLE_SPEC] = with_role_copy(files[ROLE_SPEC], item, options)
    return files


def stale_files(root=REPO_ROOT, write=False):
    """The files under ``root`` whose copies differ from the generated ones; with ``write``, they are rewritten."""
    stale = []
    for path, content in sorted(generated_files(root).items()):
        if read(root, path) != content:
            stale.append(path)
            if write:
                with open(os.path.join(root, path), 'w', encoding='utf-8') as target:
                    target.write(content)
    return stale


def check(root=REPO_ROOT):
    stale = stale_files(root)
    for path in stale:
        print('%s: stale copy of the single modules\' options; run make docs-sync' % path, file=sys.stderr)
    return 1 if stale else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='write nothing; exit 1 naming each stale file')
    if parser.parse_args(argv).check:
        return check()
    written = stale_files(write=True)
    print('rewrote %s' % ', '.join(written) if written else 'option docs up to date')
    return 0


if __name__ == '__main__':
    sys.exit(main())
