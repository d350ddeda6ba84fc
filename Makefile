# afterlogic.aurora - developer commands. `make test` is the one command CI runs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SANITY_TREE := build/sanity/ansible_collections/afterlogic/aurora

.PHONY: test venv unit sanity molecule lint demo collection clean

test: venv unit sanity molecule lint

venv: $(VENV)/.installed

$(VENV)/.installed: tests/requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r tests/requirements.txt
	touch $@

unit: venv
	$(BIN)/python -m pytest

# ansible-test needs the collection under ansible_collections/<namespace>/<name>; copy the tracked and new files there.
sanity: venv
	$(BIN)/python tests/sanity/prepare_pip_bootstrap.py
	rm -rf build/sanity && mkdir -p $(SANITY_TREE)
	git ls-files --cached --others --exclude-standard -z | xargs -0 -I{} cp --parents {} $(SANITY_TREE)/
	cd $(SANITY_TREE) && git init -q && git add -A && \
	  PATH="$(CURDIR)/$(BIN):$$PATH" ansible-test sanity --venv --python 3.11 --color no

# build/collections/ansible_collections/afterlogic/aurora -> this checkout, so that ansible finds afterlogic.aurora.
COLLECTIONS := $(CURDIR)/build/collections
RUN_TOOLS := PATH="$(CURDIR)/$(BIN):$$PATH" ANSIBLE_COLLECTIONS_PATH="$(COLLECTIONS)"

collection: venv
	$(BIN)/python -c 'import sys; sys.path.insert(0, "."); from tests.helpers.collection import ensure_collection_on_path as e; e()'

# Both molecule scenarios of the role (extensions/molecule/default and drift); no containers: the bundled emulator.
molecule: collection
	$(RUN_TOOLS) molecule test --all

# ansible-lint with the production profile (.ansible-lint) on the whole collection.
lint: collection
	$(RUN_TOOLS) ansible-lint

# The newcomer's tour: provision the bundled emulator from playbooks/vars/example.yml, again, then --check --diff.
demo: collection
	BIN=$(BIN) bash tests/demo/demo.sh

clean:
	rm -rf $(VENV) build
