# afterlogic.aurora - developer commands. `make test` is the one command CI runs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
VENVS := .venvs

# The supported ansible-core minor versions, oldest first: the oldest is requires_ansible in meta/runtime.yml. Each has
# its pins in tests/versions/ansible-<version>.txt and its own virtualenv .venvs/ansible-<version>.
ANSIBLE_VERSIONS := 2.16 2.17 2.18 2.19
FLOOR := $(firstword $(ANSIBLE_VERSIONS))
SANITY_VERSIONS := $(addprefix sanity-,$(ANSIBLE_VERSIONS))
NEWEST := $(lastword $(ANSIBLE_VERSIONS))
# `make unit` runs the unit tests with the newest in .venv; these targets run them with the others.
UNIT_VERSIONS := $(addprefix unit-,$(filter-out $(NEWEST),$(ANSIBLE_VERSIONS)))

COLLECTION_VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL := build/galaxy/afterlogic-aurora-$(COLLECTION_VERSION).tar.gz
IMPORTER := $(VENVS)/galaxy-importer

.PHONY: test venv php-cli unit unit-versions $(UNIT_VERSIONS) integration-$(FLOOR) sanity $(SANITY_VERSIONS) molecule lint \
	docs docs-sync changelog galaxy-build galaxy ee demo bench collection clean

test: venv changelog unit unit-versions sanity molecule lint docs galaxy ee

# Keep the virtualenv markers that the pattern rule below makes.
.PRECIOUS: $(VENVS)/ansible-%/.installed

venv: php-cli $(VENV)/.installed

# The PHP transport's tests run php (tests/php/fake-aurora): Debian's php-cli, installed here when root can.
php-cli:
	@command -v php >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends php-cli || \
	    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends php-cli; }; } && \
	  command -v php >/dev/null; } || \
	  { echo "php is required: install Debian's php-cli package (apt-get install php-cli)"; exit 1; }

# .venv: the pinned tools, and awx.awx (for playbooks/awx_credential_type.yml) taken from the community package.
$(VENV)/.installed: tests/requirements.txt tests/awx/requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r tests/requirements.txt
	$(BIN)/python tests/awx/install_awx_collection.py
	touch $@

# One virtualenv per supported ansible-core.
$(VENVS)/ansible-%/.installed: tests/versions/ansible-%.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	rm -rf $(VENVS)/ansible-$*
	$(PYTHON) -m venv $(VENVS)/ansible-$*
	$(VENVS)/ansible-$*/bin/pip install --quiet --upgrade pip
	$(VENVS)/ansible-$*/bin/pip install --quiet -r tests/versions/ansible-$*.txt
	touch $@

# pytest: tests/unit and tests/integration, with the newest ansible-core.
unit: venv
	$(BIN)/python -m pytest

# tests/unit with every other supported ansible-core, and tests/integration (real ansible-playbook runs of the modules, the
# role and the playbooks) with the oldest one; the slow tests (pytest.ini) run with the newest only, in `make unit`.
unit-versions: $(UNIT_VERSIONS) integration-$(FLOOR)

$(UNIT_VERSIONS): unit-%: $(VENVS)/ansible-%/.installed
	$(VENVS)/ansible-$*/bin/python -m pytest -p no:cacheprovider -m 'not slow' tests/unit

integration-$(FLOOR): $(VENVS)/ansible-$(FLOOR)/.installed
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
	  PATH="$(CURDIR)/$(VENVS)/ansible-$*/bin:$$PATH" ansible-test sanity --venv --python 3.11 --color no

# build/collections/ansible_collections/afterlogic/aurora -> this checkout, so that ansible finds afterlogic.aurora.
COLLECTIONS := $(CURDIR)/build/collections
RUN_TOOLS := PATH="$(CURDIR)/$(BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)"

collection: venv
	$(BIN)/python -c 'import sys; sys.path.insert(0, "."); from tests.helpers.collection import ensure_collection_on_path as e; e()'

# The molecule scenarios of the role (extensions/molecule/default, drift and corporate); no containers: the bundled emulator.
molecule: collection
	$(RUN_TOOLS) molecule test --all

# ansible-lint with the production profile (.ansible-lint) on the whole collection. awx.awx is in .venv's
# site-packages/ansible_collections (see venv), where ansible finds it as it finds collections installed by pip.
lint: collection
	$(RUN_TOOLS) ansible-lint

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
	! grep -i warning build/galaxy/build.log
	$(BIN)/python tests/galaxy/check_tarball.py $(TARBALL)

# galaxy-importer, the tool Galaxy runs on upload, in its own virtualenv (with awx.awx, as .venv).
$(IMPORTER)/.installed: tests/galaxy/requirements.txt tests/awx/requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	rm -rf $(IMPORTER)
	$(PYTHON) -m venv $(IMPORTER)
	$(IMPORTER)/bin/pip install --quiet --upgrade pip
	$(IMPORTER)/bin/pip install --quiet -r tests/galaxy/requirements.txt
	$(IMPORTER)/bin/python tests/awx/install_awx_collection.py
	touch $@

# The tarball imports into Galaxy with no error and no warning, installs with ansible-galaxy, and its modules, role
# and playbook run from the installed copy.
galaxy: galaxy-build $(IMPORTER)/.installed
	$(IMPORTER)/bin/python -m tests.galaxy.check_import $(TARBALL)
	COLLECTION_TARBALL=$(TARBALL) $(BIN)/python -m pytest -p no:cacheprovider tests/galaxy

# The execution environment: ansible-builder makes a build context with the collection's requirements, and finds
# them in the collection installed from the tarball.
ee: galaxy-build
	rm -rf build/ee-collections
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/build/ee-collections \
	  $(BIN)/ansible-galaxy collection install --offline --force --collections-path build/ee-collections $(TARBALL)
	$(BIN)/python tests/ee/check_ee.py build/ee-collections

# The newcomer's tour: provision the bundled emulator from playbooks/vars/example.yml, again, then --check --diff.
demo: collection
	BIN=$(BIN) bash tests/demo/demo.sh

# The performance benchmark of benchmarks/README.md (about five minutes; not part of `make test`).
bench: collection
	$(RUN_TOOLS) $(BIN)/python benchmarks/bench.py

clean:
	rm -rf $(VENV) $(VENVS) build
