#!/usr/bin/env bash
# The newcomer's tour, run by `make demo` (which builds .venv first): provision the bundled Aurora emulator from
# playbooks/vars/example.yml with the playbook afterlogic.aurora.provision, three times:
#   1. on a fresh Aurora: everything is created (changed);
#   2. again: nothing to do (all ok, changed=0);
#   3. after one edit of the vars (an IMAP port) with --check --diff: the predicted change, and nothing written.
# The emulator is stopped at the end, also on failure or Ctrl-C. Each step checks its own outcome.
set -euo pipefail

cd "$(dirname "$0")/../.."
BIN=${BIN:-.venv/bin}
STATE=build/demo
EMULATOR_CTL=tests/demo/emulator_ctl.py
ADMIN_PASSWORD=demo-admin-password   # the emulator's own test password, nothing real

export PATH="$PWD/$BIN:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/build/collections"   # build/collections/ansible_collections/afterlogic/aurora -> .
export ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False ANSIBLE_RETRY_FILES_ENABLED=False

if [ -t 1 ]; then BOLD=$'\033[1m' RED=$'\033[1;31m' PLAIN=$'\033[0m'; else BOLD='' RED='' PLAIN=''; fi
bold() { printf '\n%s%s%s\n' "$BOLD" "$*" "$PLAIN"; }
fail() { printf '\n%sdemo failed: %s%s\n' "$RED" "$*" "$PLAIN" >&2; exit 1; }

stop_emulator() { python "$EMULATOR_CTL" stop "$STATE" >/dev/null 2>&1 || true; }
trap stop_emulator EXIT
trap 'exit 130' INT TERM

# Colours when a person watches (the output also goes through tee, which would turn them off).
if [ -t 1 ]; then export ANSIBLE_FORCE_COLOR=True; fi

# changed=N of the recap line in a playbook's output.
changed_count() { sed 's/\x1b\[[0-9;]*m//g' "$1" | sed -n 's/^localhost *: .*changed=\([0-9]*\).*/\1/p' | tail -n 1; }

run_playbook() {  # run_playbook LOG ARGS... : ansible-playbook, shown and kept in LOG
  local log=$1
  shift
  printf '$ ansible-playbook %s\n' "$*"
  if ! ansible-playbook "$@" 2>&1 | tee "$log"; then
    fail "ansible-playbook $* failed"
  fi
}

mkdir -p "$STATE"
rm -f "$STATE"/run*.log "$STATE/my-aurora.yml"
python -c 'import sys; sys.path.insert(0, "."); from tests.helpers.collection import ensure_collection_on_path as e; e()'

bold "Starting the bundled Aurora emulator (tests/emulator/aurora_emulator.py)"
# Aurora logs in to the IMAP server before it saves a new mail account; the example hosts (mail.mydomain.com, ...)
# do not exist, so the demo turns that check (Mail.DoImapLoginOnAccountCreate) off.
AURORA_URL=$(python "$EMULATOR_CTL" start "$STATE" --admin-password "$ADMIN_PASSWORD" --no-imap-check)
export AURORA_URL AURORA_USERNAME=superadmin AURORA_PASSWORD=$ADMIN_PASSWORD
echo "Aurora API at $AURORA_URL (AURORA_URL, AURORA_USERNAME and AURORA_PASSWORD are set for the playbook)"

bold "1/3  Provision the fresh Aurora from playbooks/vars/example.yml: everything is created"
run_playbook "$STATE/run1.log" afterlogic.aurora.provision -e @playbooks/vars/example.yml
[ "$(changed_count "$STATE/run1.log")" -gt 0 ] || fail "the first run changed nothing"

bold "2/3  Run it again: Aurora already holds everything, so nothing changes (changed=0)"
run_playbook "$STATE/run2.log" afterlogic.aurora.provision -e @playbooks/vars/example.yml
[ "$(changed_count "$STATE/run2.log")" -eq 0 ] || fail "the second run changed something"

bold "3/3  Edit one value, then preview with --check --diff: the change is shown, nothing is written"
sed 's/incoming_port: 143$/incoming_port: 993/' playbooks/vars/example.yml > "$STATE/my-aurora.yml"
diff -u --label playbooks/vars/example.yml --label my-aurora.yml playbooks/vars/example.yml "$STATE/my-aurora.yml" || true
run_playbook "$STATE/run3.log" afterlogic.aurora.provision -e "@$STATE/my-aurora.yml" --check --diff
[ "$(changed_count "$STATE/run3.log")" -eq 1 ] || fail "the check run did not predict exactly one changed task"
grep -q '"incoming_port": 993' "$STATE/run3.log" || fail "the diff does not show the new port"
python - "$AURORA_URL" <<'EOF' || fail "the check run wrote to Aurora"
import json, sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
servers = json.load(opener.open(sys.argv[1] + '_emulator/state', timeout=10))['servers']
port = [server['IncomingPort'] for server in servers if server['Name'] == 'mydomain']
print('Aurora still holds IMAP port %s for mydomain: the check run wrote nothing.' % port[0])
sys.exit(port != [143])
EOF

bold "Done. Against your own Aurora (vault the real passwords):"
echo '  AURORA_URL=https://mail.example.com/webmail/ AURORA_PASSWORD=... \'
echo '    ansible-playbook afterlogic.aurora.provision -e @my-aurora.yml --check --diff   # then without --check'
