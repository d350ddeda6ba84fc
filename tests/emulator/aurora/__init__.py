"""Emulator of the Afterlogic Aurora web API (WebMail Lite 9.8.5 / Aurora 0.10.x) for tests.

Standard library only.  Start it with ``python3 tests/emulator/aurora_emulator.py --host 127.0.0.1 --port 0 ...``
(the options are in that script), or through tests/emulator/fixtures.py.

It answers as a real WebMail Lite 9.8.5 does.  The facts it relies on are in docs/aurora-api-notes.md; the exchanges
recorded on real servers are in tests/contract/ (tests/unit/test_emulator_contract.py replays contract.json).
Where both are silent the choice is marked ``# inferred: <why>``.

Test-control endpoints (/_emulator/*), the settings files and their race gates included: control.py.  Fault rules:
faults.py.  Overlapping writes and deadlocks: contention.py.  The database or the web server down for a while:
outage.py.  The emulator listens on two ports: the web side (the web API) and the host side (control endpoints and
the PHP bridge's in-process entry), server.py.

An API call goes: server.py (HTTP: routes, form fields, tokens, faults) -> emulator.py (EntryApi: the caller,
module and method, parameter binding, the envelope) -> a handler, given a calls.Call (the caller, role and access
checks, the write window).  The modules:
  cli.py                the command line
  server.py             the HTTP layer
  control.py            the test-control endpoints
  emulator.py           all state behind one lock, and the API entry point
  registry.py           modules, methods denied to the web API, and ``api_method`` that declares a handler
  auth_api.py           AdminAuth and Core logins (IMAP for mail users, first-login provisioning)
  settings.py           the settings store: the files of data/settings/ and the settings objects Aurora loads
  settings_files.py     the files as text, whole-file saves with .bak, and the race gates of overlapping saves
  settings_values.py    the 4-slot format and Aurora's casts of settings values
  settings_schema.py    the keys, defaults and enums of a fresh WebMail Lite 9.8.5
  settings_api.py       the modules' GetSettings
  settings_writers.py   the web API's settings writers, and the PHP API's settings loads and saves
  admin_password.py     the super-admin's bcrypt password hash
  profiles.py           the products it can start as: lite (default) and corporate (--profile)
  core_api.py           Core users
  tenants_api.py        Core tenants
  mail_servers_api.py   Mail servers
  mail_accounts_api.py  Mail accounts
  calls.py              callers and the call being executed
  store.py, schema.py   the tables and their columns (strict-mode MariaDB values)
  render.py             rows as the API shows them
  tokens.py             stateless signed tokens
  login_guard.py        the failed-login block
  imap_check.py         the IMAP LOGIN of account creation and login, and where the emulator connects for it
  faults.py, holds.py   fault rules, and the calls that "hold" faults keep waiting
  outage.py             outage windows, and the database Aurora cannot reach during one
  contention.py         write windows and deadlock victims
  php.py                PHP value semantics
  collation.py          MySQL's case- and accent-insensitive comparisons
  addresses.py          e-mail addresses and server domain lists
  listing.py            Offset and Limit of the lists
  errors.py, roles.py   the ways a call fails; the user roles
"""
