# afterlogic.aurora - developer commands. `make test` is the one command CI runs.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
VENVS := .venvs
# Every virtualenv installs from a complete lock (tests/requirements/<leg>.lock: every package, direct and
# transitive, at an exact version with its hashes), written by `make lock` from <leg>.in. Each leg runs on a Python
# its .in names on its `# python:` line, found by tools/find-python; PYTHON_<leg>=/path/to/python overrides it.
LOCKS := tests/requirements

# The ansible-core releases the collection supports, oldest first: the oldest is requires_ansible in
# meta/runtime.yml (Ansible Automation Platform 2.5 ships it); the others are those maintained upstream. Each has its
# virtualenv .venvs/ansible-<version>, which runs ansible-test sanity; .venv holds the newest with every tool.
ANSIBLE_VERSIONS := 2.16 2.19 2.20 2.21
FLOOR := $(firstword $(ANSIBLE_VERSIONS))
NEWEST := $(lastword $(ANSIBLE_VERSIONS))
SANITY_VERSIONS := $(addprefix sanity-,$(ANSIBLE_VERSIONS))
# `make unit` runs every test with the newest in .venv; these targets run tests/unit (slow tests aside) with the others.
UNIT_VERSIONS := $(addprefix unit-,$(filter-out $(NEWEST),$(ANSIBLE_VERSIONS)))

COLLECTION_VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := build/galaxy/afterlogic-aurora-$(COLLECTION_VERSION).tar.gz
IMPORTER := $(VENVS)/galaxy-importer
LOCK_TOOL := $(VENVS)/lock-tool

.PHONY: test venv php-cli unit unit-versions $(UNIT_VERSIONS) integration-$(FLOOR) sanity $(SANITY_VERSIONS) molecule lint \
	docs docs-sync changelog galaxy-build galaxy ee demo bench collection lock clean

# Two checks at a time: a test spends much of its time waiting (on the emulator's answers, on ansible-playbook starting),
# so a 2-CPU machine runs two in about the time of one. Each check's output comes out whole once it is done.
CHECKS := unit unit-versions sanity molecule lint docs galaxy ee
test: venv changelog
	$(MAKE) --no-print-directory --jobs=2 --output-sync=target $(CHECKS)

# Keep the virtualenv markers that the pattern rule below makes.
.PRECIOUS: $(VENVS)/ansible-%/.installed

# $(call new_venv,DIR,LEG): DIR made anew with LEG's Python, and LEG's lock installed into it (--require-hashes:
# pip refuses a package the lock does not pin, or a file whose hash differs).
define new_venv
	@python="$(PYTHON_$(2))"; [ -n "$$python" ] || python=$$(tools/find-python $(2)) || exit 1; \
	  rm -rf $(1) && echo "$(1): $$("$$python" --version) ($$python), $(LOCKS)/$(2).lock" && "$$python" -m venv $(1)
	$(1)/bin/python -m pip install --quiet --require-hashes -r $(LOCKS)/$(2).lock
endef

venv: $(VENV)/.installed

# The PHP transport's tests run php (tests/php/fake-aurora): Debian's php-cli, installed by tools/install-php-cli
# when this user can; only the targets that run those tests need it.
php-cli:
	@tools/install-php-cli

# .venv: the newest ansible-core and the tools, and awx.awx (for playbooks/awx_credential_type.yml) taken from the
# community package.
$(VENV)/.installed: $(LOCKS)/tools.lock $(LOCKS)/awx.lock
	$(call new_venv,$(VENV),tools)
	$(BIN)/python tests/awx/install_awx_collection.py
	touch $@

# One virtualenv per supported ansible-core.
$(VENVS)/ansible-%/.installed: $(LOCKS)/ansible-%.lock
	$(call new_venv,$(VENVS)/ansible-$*,ansible-$*)
	touch $@

# Rewrites every lock from its input with uv (tools/lock.py); tests/unit/test_locks.py fails on a stale one.
$(LOCK_TOOL)/.installed: $(LOCKS)/lock-tool.lock
	$(call new_venv,$(LOCK_TOOL),lock-tool)
	touch $@

lock: $(LOCK_TOOL)/.installed
	$(LOCK_TOOL)/bin/python tools/lock.py $(LOCK_TOOL)/bin/uv

# pytest: tests/unit and tests/integration, with the newest ansible-core.
unit: venv php-cli
	$(BIN)/python -m pytest

# tests/unit with every other supported ansible-core, and tests/integration (real ansible-playbook runs of the modules, the
# role and the playbooks) with the oldest one; the slow tests (pytest.ini) run with the newest only, in `make unit`.
unit-versions: $(UNIT_VERSIONS) integration-$(FLOOR)

$(UNIT_VERSIONS): unit-%: $(VENVS)/ansible-%/.installed php-cli
	$(VENVS)/ansible-$*/bin/python -m pytest -p no:cacheprovider -m 'not slow' tests/unit

integration-$(FLOOR): $(VENVS)/ansible-$(FLOOR)/.installed php-cli
	$(VENVS)/ansible-$(FLOOR)/bin/python tests/awx/install_awx_collection.py
	$(VENVS)/ansible-$(FLOOR)/bin/python -m pytest -p no:cacheprovider -m 'not slow' tests/integration

# ansible-test sanity with every supported ansible-core. ansible-test needs the collection under
# ansible_collections/<namespace>/<name>; each version gets its own copy of the tracked and new files.
sanity: $(SANITY_VERSIONS)

$(SANITY_VERSIONS): sanity-%: $(VENVS)/ansible-%/.installed
	$(VENVS)/ansible-$*/bin/python tests/sanity/prepare_pip_bootstrap.py
	rm -rf build/sanity-$* && mkdir -p build/sanity-$*/ansible_collections/afterlogic/aurora
	git ls-files --cached --others --exclude-standard -z | \
	  xargs -0 -I{} cp --parents {} build/sanity-$*/ansible_collections/afterlogic/aurora/
	cd build/sanity-$*/ansible_collections/afterlogic/aurora && git init -q && git add -A && \
	  PATH="$(CURDIR)/$(VENVS)/ansible-$*/bin:$$PATH" ansible-test sanity --venv --color no \
	    --python $$($(CURDIR)/$(VENVS)/ansible-$*/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# build/collections/ansible_collections/afterlogic/aurora -> this checkout, so that ansible finds afterlogic.aurora.
COLLECTIONS := $(CURDIR)/build/collections
RUN_TOOLS := PATH="$(CURDIR)/$(BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)"

collection: venv
	$(BIN)/python -c 'import sys; sys.path.insert(0, "."); from tests.helpers.collection import ensure_collection_on_path as e; e()'

# The molecule scenarios of the role (extensions/molecule/default, drift and corporate); no containers: the bundled emulator.
# corporate runs the role over Aurora's PHP API, on a fake Aurora install (tests/php/fake-aurora), so php is needed.
molecule: collection php-cli
	$(RUN_TOOLS) molecule test --all

# ansible-lint as contributors run it: with no argument, from the root of the checkout, in the active .venv. Its
# configuration (.ansible-lint) makes it install the checkout as afterlogic.aurora; awx.awx is in .venv's
# site-packages/ansible_collections (see venv), where ansible finds it as it finds collections installed by pip.
lint: venv
	source $(BIN)/activate && ansible-lint

# The docs: antsibull-docs' lint of the plugin docs and docs/docsite, references included (its options, and why it runs
# through there: tests/docs/lint_collection_docs.py), ansible-doc of every module and role, the user guide's code blocks.
docs: collection
	$(RUN_TOOLS) $(BIN)/python -m tests.docs.lint_collection_docs
	$(RUN_TOOLS) $(BIN)/python -m tests.docs.check_docs

# Rewrites the bulk modules' and the role's copies of the item options from the single modules' DOCUMENTATION, their
# only hand-written copy (tools/sync_option_docs.py; tests/unit/test_option_docs_sync.py fails when they are stale).
docs-sync: collection
	$(RUN_TOOLS) $(BIN)/python -m tools.sync_option_docs

# The changelog: fragments and changelog.yaml are valid, and every change to plugins/ or roles/ has a fragment.
changelog: venv
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog lint-changelog-yaml --strict changelogs/changelog.yaml
	$(BIN)/python tests/changelog/check_fragments.py

# The tarball, as `ansible-galaxy collection build` makes it, with a checked file list.
galaxy-build: venv
	rm -rf build/galaxy && mkdir -p build/galaxy
	set -o pipefail; $(BIN)/ansible-galaxy collection build --output-path build/galaxy . 2>&1 | tee build/galaxy/build.log
	$(BIN)/python -m tests.galaxy.check_build_log build/galaxy/build.log
	$(BIN)/python tests/galaxy/check_tarball.py $(TARBALL)

# galaxy-importer, the tool Galaxy runs on upload, in its own virtualenv (with awx.awx, as .venv).
$(IMPORTER)/.installed: $(LOCKS)/galaxy-importer.lock $(LOCKS)/awx.lock
	$(call new_venv,$(IMPORTER),galaxy-importer)
	$(IMPORTER)/bin/python tests/awx/install_awx_collection.py
	touch $@

# The tarball imports into Galaxy with no error and no warning, installs with ansible-galaxy, and its modules, role
# and playbook run from the installed copy.
galaxy: galaxy-build $(IMPORTER)/.installed
	$(IMPORTER)/bin/python -m tests.galaxy.check_import $(TARBALL)
	COLLECTION_TARBALL=$(TARBALL) $(BIN)/python -m pytest -p no:cacheprovider tests/galaxy

# The execution environment: ansible-builder makes the build context ./context from meta/execution-environment.yml as a
# user runs it, and finds the collection's requirements in the collection installed from the tarball (tests/ee/check_ee.py).
ee: galaxy-build
	rm -rf context build/ee-collections
	$(BIN)/ansible-builder create -f meta/execution-environment.yml
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/ee-collections \
	  $(BIN)/ansible-galaxy collection install --offline --force --collections-path build/ee-collections $(TARBALL)
	$(BIN)/python tests/ee/check_ee.py context build/ee-collections

# The newcomer's tour: provision the bundled emulator from playbooks/vars/example.yml, again, then --check --diff.
demo: collection
	BIN=$(BIN) bash tests/demo/demo.sh

# The performance benchmark of benchmarks/README.md (about five minutes; not part of `make test`).
bench: collection
	$(RUN_TOOLS) $(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) $(VENVS) build
