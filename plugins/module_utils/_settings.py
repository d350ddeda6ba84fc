# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Aurora's own settings, one settings file at a time (a module's, or the system's): the settings kind.

Facts relied on (docs/aurora-api-notes.md, "Settings"): Aurora casts a value to the type its file declares without a
word (``"false"`` becomes true), stores an enum by name and reports it as a number, and answers every settings write
``true`` whatever it did; so each value is checked against the declared type before anything is written, and every
write is read back. Over the web API only what ``Core.UpdateSettings`` and ``Mail.UpdateSettings`` write can be set
(``_settings_catalog``); on the Aurora host (``api_transport: php``) every setting, through Aurora's settings objects,
with the file checked first and locked while it is written (``_settings_files``). The administrator's password is
changed only when it is not already the password: over the web API, the task's own ``api_password`` is the current
one; on the host, Aurora's stored hash tells.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib

from ansible_collections.afterlogic.aurora.plugins.module_utils._diff import (
    SECRET_CHANGED,
    SECRET_PLACEHOLDER,
    describe_changes,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._kind import Kind
from ansible_collections.afterlogic.aurora.plugins.module_utils._planned import planned_entry
from ansible_collections.afterlogic.aurora.plugins.module_utils._resource import (
    CONTROL,
    FORCE,
    Field,
    Found,
    Plan,
    ResourceError,
    listed,
    result_of,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._settings_catalog import (
    ADMIN_LOGIN,
    ADMIN_PASSWORD,
    ARRAY,
    BOOL,
    CORE,
    CREDENTIAL,
    DISABLED,
    ESSENTIAL,
    INT,
    SPEC,
    STRING,
    SYSTEM,
    TYPE_ALIASES,
    WEB_ENUMS,
    WEB_SHOWN,
    WEB_WRITABLE,
    WRITE_METHOD,
    is_credential,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._settings_files import (
    modules_with_files,
    same_file,
    settings_file,
    write_lock,
)
from ansible_collections.afterlogic.aurora.plugins.module_utils._writes import NOT_DONE

BRIDGE = '@Settings'  # the PHP bridge's own calls on the settings files (_php_bridge_script.py)
HIDDEN = '/%s/' % CREDENTIAL.pattern
TYPE_WORDS = {BOOL: 'true or false (a YAML boolean, not a word)', INT: 'a whole number', STRING: 'a text',
              ARRAY: 'a list or a dictionary'}
CLOSE_NAMES = 8


class Declared:
    """What Aurora declares for a setting: its ``type`` and, for an enum, its ``enum`` {stored name: value}."""

    def __init__(self, type, enum=None, writable=True):
        self.type = TYPE_ALIASES.get(type, type)
        self.enum = enum or {}
        self.writable = writable

    def shown(self, value):
        """A value as the file stores it: an enum by its name."""
        for name, number in self.enum.items():
            if number == value and not isinstance(value, bool):
                return name
        return value


def typed(name, value, declared):
    """``(the value as Aurora holds it, None)``, or ``(None, why it cannot be)``, naming the setting."""
    kind = declared.type
    if kind == SPEC:
        if isinstance(value, str) and value in declared.enum:
            return declared.enum[value], None
        if not isinstance(value, bool) and value in declared.enum.values():
            return value, None
        names = ', '.join(sorted(declared.enum))
        numbers = ', '.join(str(number) for number in sorted(set(declared.enum.values()), key=str))
        return None, '%s must be one of %s (or %s, as the API reports them), got %r' % (name, names, numbers, value)
    fits = {BOOL: isinstance(value, bool), INT: isinstance(value, int) and not isinstance(value, bool),
            STRING: isinstance(value, str), ARRAY: isinstance(value, (list, dict))}.get(kind)
    if fits is None:
        return None, '%s is declared with type %r, which Aurora cannot read; it is not managed' % (name, kind)
    if not fits:
        return None, '%s must be %s, as Aurora declares it (%s), got %r' % (name, TYPE_WORDS[kind], kind, value)
    return value, None


def _option_errors(params):
    module = params.get('module') or ''
    settings = params.get('settings') or {}
    errors = []
    if not module.strip() or CONTROL.search(module):
        errors.append('module must name an Aurora module (Core, Mail, ...) or be system, got %r' % module)
    is_system = module.strip().lower() == SYSTEM
    password = params.get('admin_password')
    if password is not None:
        if not is_system:
            errors.append('admin_password is the super-administrator\'s, in the system settings: give it with module: '
                          'system')
        elif not password.strip():
            errors.append('admin_password must not be empty: Aurora would then let anyone log in as the '
                          'super-administrator')
        elif password != password.strip():
            errors.append('admin_password must not start or end with spaces, which Aurora drops from it')
    for name, value in settings.items():
        errors.extend(_setting_errors(module.strip(), name, value, params.get('force')))
    return errors


def _setting_errors(module, name, value, force):
    if not isinstance(name, str) or not name.strip() or CONTROL.search(name):
        return ['settings: %r is not the name of a setting' % (name,)]
    if name == ADMIN_PASSWORD:
        return ['settings.AdminPassword is a credential: give it as admin_password, which is never shown']
    if is_credential(name):
        return ['settings.%s holds a credential, which this module never takes in the clear; set it on the Aurora '
                'host' % name]
    if name == ADMIN_LOGIN and (not isinstance(value, str) or not value.strip()):
        return ['settings.AdminLogin must be a login name: an empty one would let a login with an empty name in']
    if name == DISABLED and module.lower() == CORE.lower():
        return ['settings.Disabled: Core cannot be switched off (Aurora always loads it)']
    essential = dict((key.lower(), why) for key, why in ESSENTIAL.items()).get(module.lower())
    if name == DISABLED and value is True and essential and not force:
        return ['settings.Disabled: switching %s off means %s; set force: true if that is what you want'
                % (module, essential)]
    return []


class Settings(Kind):
    """The settings of one module, or of the system, as an object: ``module`` names it, ``settings`` what to set."""

    fields = [Field('module', required=True), Field('settings', type='dict', option_default={}),
              Field('admin_password', secret=True), FORCE]
    key = 'module'
    noun = 'settings files'
    item = 'module'

    @staticmethod
    def errors(params):
        return _option_errors(params)

    def wanted(self, params):
        return dict(params, module=params['module'].strip(), settings=dict(params.get('settings') or {}))

    def identity(self, item):
        return str(item.get('module') or '').strip().lower()  # Aurora's module names ignore case

    def described(self, item):
        if self.identity(item) == SYSTEM:
            return 'the system settings'
        return 'the settings of module %s' % item.get('module')

    def planned(self, item, result):
        """The settings as the real run leaves them, for the later tasks of a check run."""
        return [planned_entry('settings', result['module'], settings=dict(result['settings']))]

    # ---- what Aurora holds (reads only) ------------------------------------------------------------

    def find(self, client, wanted):
        if client.bridge is not None:
            return self._found_on_host(client, wanted)
        return self._found_on_the_web(client, wanted)

    def _found_on_host(self, client, wanted):
        name, path, declared, current = read_on_host(client, wanted['module'])
        matches = None
        if wanted.get('admin_password') is not None:
            asked = {'Module': SYSTEM, 'Password': wanted['admin_password']}
            matches = client.call(BRIDGE, 'GetAdminPasswordMatch', asked, 'the super-administrator')['Matches']
        return Found(current=current, declared=declared, module=name, path=path, password_is_current=matches,
                     readable=True)

    def _found_on_the_web(self, client, wanted):
        name = _module_on_the_web(client, wanted['module'])
        declared, current = read_on_the_web(client, name)
        matches = None
        if wanted.get('admin_password') is not None and client.password is not None:
            matches = wanted['admin_password'] == client.password.strip()
        return Found(current=current, declared=declared, module=name, path=None, password_is_current=matches,
                     readable=name in WEB_SHOWN)

    # ---- the plan (pure) ------------------------------------------------------------------------------

    def plan(self, wanted, found):
        problems, changes, values = [], {}, {}
        for name in sorted(wanted['settings']):
            declared = found.declared.get(name)
            if declared is None:
                problems.append(_unknown(name, found))
                continue
            value, problem = typed(name, wanted['settings'][name], declared)
            if problem:
                problems.append(problem)
                continue
            if _same(found.current.get(name), value):
                continue
            if not declared.writable:
                problems.append('%s cannot be written over the web API (only Core.UpdateSettings and '
                                'Mail.UpdateSettings write, a few settings each); set api_transport: php to change '
                                'it on the Aurora host' % name)
                continue
            values[name] = value
            changes[name] = (declared.shown(found.current.get(name)), declared.shown(value))
        password = wanted.get('admin_password')
        if password is not None and found.password_is_current is None:
            problems.append('admin_password over the web API needs api_password, the current password, to change it')
        if problems:
            raise ResourceError('%s settings: %s; nothing was changed' % (found.module, '; '.join(problems)))
        new_password = password is not None and not found.password_is_current
        before = dict((name, found.declared[name].shown(found.current.get(name))) for name in wanted['settings'])
        after = dict(before, **dict((name, new) for name, (dummy, new) in changes.items()))
        if password is not None:
            before['admin_password'] = SECRET_PLACEHOLDER
            after['admin_password'] = SECRET_CHANGED if new_password else SECRET_PLACEHOLDER
        actions = ('update',) if values or new_password else ()
        described = describe_changes(dict(changes, **({'admin_password': (None, None)} if new_password else {})),
                                     secret_keys=('admin_password',))
        return Plan(actions=actions, before=before, after=after, changes=changes, password_changed=new_password,
                    msg='updated %s settings: %s' % (found.module, described) if actions else 'unchanged',
                    module=found.module, path=found.path, values=values,
                    password=password if new_password else None, declared=found.declared)

    # ---- the writes -----------------------------------------------------------------------------------

    def apply(self, client, plan):
        shown = dict((name, value) for name, value in plan.after.items() if name != 'admin_password')
        returned = {'module': plan.module, 'settings': shown, 'planned': []}
        if self.check_mode or not plan.changed:
            result = result_of(plan, returned)
            if self.check_mode and plan.changed:
                result['planned'] = self.planned(None, result)
            return result
        if client.bridge is not None:
            self._write_on_host(client, plan)
        else:
            self._write_on_the_web(client, plan)
        return result_of(plan, returned, retries=client.retries)

    def _write_on_host(self, client, plan):
        params = {'Module': plan.module, 'Values': plan.values, 'Hidden': HIDDEN}
        if plan.password is not None:
            params['AdminPassword'] = plan.password
        with write_lock(settings_file(client.bridge.aurora_path, plan.module)[1]):
            written = sorted(plan.values) + (['admin_password'] if plan.password is not None else [])
            answer, dummy = client.write(BRIDGE, 'SaveSettingsFile', params, _about(plan.module, written),
                                         lambda answer_lost: _stuck_on_host(client, plan) or NOT_DONE)
        _check_stuck(plan, _declarations(answer)[1])
        if plan.password is not None and not client.call(
                BRIDGE, 'GetAdminPasswordMatch', {'Password': plan.password}, 'the super-administrator')['Matches']:
            raise ResourceError('Aurora saved the system settings but the new admin_password is not what it '
                                'stores; run the task again', changed=True)

    def _write_on_the_web(self, client, plan):
        by_writer, names = {}, {}
        for name, value in plan.values.items():
            dummy, writer, parameter = WEB_WRITABLE[(plan.module, name)]
            by_writer.setdefault(writer, {})[parameter] = value
            names.setdefault(writer, []).append(name)
        for writer in sorted(by_writer):
            client.write(writer, WRITE_METHOD, by_writer[writer], _about(plan.module, sorted(names[writer])),
                         lambda answer_lost: _stuck_on_the_web(client, plan) or NOT_DONE)
        _check_stuck(plan, read_on_the_web(client, plan.module)[1])
        login = plan.values.get(ADMIN_LOGIN, client.username) if plan.module == SYSTEM else client.username
        client.use_credentials(login, client.password)
        if plan.password is not None:
            client.call(CORE, WRITE_METHOD, {'Password': client.password, 'NewPassword': plan.password},
                        'the super-administrator')
            if not client.login_works(login, plan.password):
                raise ResourceError('Aurora answered the change of admin_password, but the new password does not log '
                                    'in; the old one may still be the password', changed=bool(plan.values))
            client.use_credentials(login, plan.password)


# ---- reads (the kind's, and aurora_info's) ----------------------------------------------------------

def read_on_host(client, module):
    """``(the module's name as Aurora spells it, the path of its file, {setting: Declared}, {setting: value})`` of
    the settings file of ``module`` (or system) on the Aurora host: the file checked first (``_settings_files``), then
    read through Aurora's settings objects, the values of credentials left unread."""
    name, path = settings_file(client.bridge.aurora_path, module)
    read = client.call(BRIDGE, 'GetSettingsFile', {'Module': name, 'Hidden': HIDDEN}, _about(name))
    if not same_file(read.get('Path'), path):
        raise ResourceError('Aurora keeps %s in %s, not in %s: its data folder is not the install\'s data/ '
                            '(moved with inc_settings_path.php), which aurora_settings does not follow'
                            % (_about(name), read.get('Path'), path))
    declared, current = _declarations(read)
    return name, path, declared, current


def read_on_the_web(client, module):
    """``({setting: Declared}, {setting: value})`` of what the super-administrator's GetSettings shows of the settings
    of ``module`` (as Aurora spells it, or system); both empty when no GetSettings shows them."""
    current, declared = {}, {}
    if module in WEB_SHOWN:
        reader, keys = WEB_SHOWN[module]
        answer = client.call(reader, 'GetSettings', None, _about(module)) or {}
        for setting, key in keys.items():
            if key in answer:
                current[setting] = answer[key]
                declared[setting] = _declared_on_the_web(module, setting, answer[key])
    return declared, current


def readable_modules(client):
    """The modules (and system) whose settings ``settings_item`` reads: on the Aurora host those with a settings file;
    over the web API those a GetSettings shows, of the modules Aurora serves."""
    if client.bridge is not None:
        return [SYSTEM] + modules_with_files(client.bridge.aurora_path)
    return [SYSTEM] + sorted((name for name in WEB_SHOWN if name == CORE or client.has_backend_module(name)),
                             key=str.lower)


def settings_item(client, module):
    """``(item, warnings)``: the settings of ``module`` (or system) that Aurora shows, as an item of aurora_settings
    (``{module, settings}``, enums by the name Aurora stores) that the module takes back with nothing to change; None
    when its file cannot be read. Credentials are left out, and Core's Disabled (which Aurora ignores); so is any other
    value aurora_settings would refuse (an empty AdminLogin, an essential module switched off, a value not of its
    declared type), each named in the warnings."""
    try:
        if client.bridge is not None:
            name, dummy, declared, current = read_on_host(client, module)
        else:
            name = module
            declared, current = read_on_the_web(client, module)
    except ResourceError as error:
        return None, ['settings: %s are not read: %s' % (_about(module), error)]
    settings, warnings = {}, []
    for setting in sorted(declared):
        if is_credential(setting) or (setting == DISABLED and name.lower() == CORE.lower()):
            continue
        value = declared[setting].shown(current.get(setting))
        problem = _not_given_back(name, setting, value, declared[setting], current.get(setting))
        if problem:
            warnings.append('settings: %s of %s is left out, as aurora_settings would not take it back: %s'
                            % (setting, name, problem))
        else:
            settings[setting] = value
    return {'module': name, 'settings': settings}, warnings


def _not_given_back(module, setting, value, declared, current):
    problems = _setting_errors(module, setting, value, False)
    if problems:
        return problems[0]
    held, problem = typed(setting, value, declared)
    if problem is None and not _same(current, held):
        problem = '%s is held as %r, which its declared type %s does not give back' % (setting, current, declared.type)
    return problem


# ---- helpers ----------------------------------------------------------------------------------------

def _about(module, settings=()):
    """The settings of ``module`` in words, naming ``settings`` (those a write carries)."""
    about = 'the %s settings' % module if module == SYSTEM else 'the settings of module %s' % module
    return '%s (%s)' % (about, ', '.join(settings)) if settings else about


def _same(current, wanted):
    return current == wanted and isinstance(current, bool) == isinstance(wanted, bool)


def _declarations(read):
    """({setting: Declared}, {setting: value}) of a GetSettingsFile answer (credentials are not shown)."""
    settings = (read or {}).get('Settings') or {}
    declared = dict((name, Declared(slots.get('Type'), slots.get('Enum'))) for name, slots in settings.items())
    current = dict((name, slots.get('Value')) for name, slots in settings.items())
    return declared, current


def _declared_on_the_web(module, setting, value):
    writable = WEB_WRITABLE.get((module, setting))
    if writable is not None:
        return Declared(writable[0], WEB_ENUMS.get((module, setting)))
    kind = BOOL if isinstance(value, bool) else INT if isinstance(value, int) else \
        ARRAY if isinstance(value, (list, dict)) else STRING
    return Declared(kind, WEB_ENUMS.get((module, setting)), writable=False)


def _module_on_the_web(client, module):
    """The module's name as Aurora spells it, among those it serves (or system)."""
    if module.lower() == SYSTEM:
        return SYSTEM
    served = list(client.settings().get('AvailableBackendModules') or [])
    for name in served + list(WEB_SHOWN):
        if name.lower() == module.lower():
            return name
    raise ResourceError('module %r is not among the modules Aurora serves: %s (or system, for the system settings); a '
                        'module that is switched off is not served: switch it on with api_transport: php'
                        % (module, ', '.join(sorted(served)) or 'none'))


def _unknown(name, found):
    if not found.readable:
        return ('%s: the settings of %s cannot be read over the web API (no GetSettings shows them); set '
                'api_transport: php to manage them on the Aurora host' % (name, found.module))
    known = sorted(found.declared)
    close = difflib.get_close_matches(name, known, n=CLOSE_NAMES)
    hint = '; the closest are %s' % ', '.join(close) if close else ''
    if found.path:
        return '%s is not a setting of %s%s' % (name, found.module, hint or '; it has %s' % listed(known))
    return ('%s is not among the settings of %s that its GetSettings shows over the web API, so it cannot be read or '
            'written there: set api_transport: php to manage it on the Aurora host%s' % (name, found.module, hint))


def _stuck_on_host(client, plan):
    read = client.call(BRIDGE, 'GetSettingsFile', {'Module': plan.module, 'Hidden': HIDDEN}, _about(plan.module))
    current = _declarations(read)[1]
    return read if all(_same(current.get(name), value) for name, value in plan.values.items()) else None


def _stuck_on_the_web(client, plan):
    current = read_on_the_web(client, plan.module)[1]
    return current if all(_same(current.get(name), value) for name, value in plan.values.items()) else None


def _check_stuck(plan, current):
    lost = ['%s (Aurora holds %r)' % (name, plan.declared[name].shown(current.get(name)))
            for name, value in sorted(plan.values.items()) if not _same(current.get(name), value)]
    if lost:
        raise ResourceError('Aurora answered the write of the %s settings but did not keep %s; another writer may '
                            'have saved the same file at the same time: run the task again'
                            % (plan.module, ', '.join(lost)), changed=True)
