"""`antsibull-docs lint-collection-docs` of the checkout, with no other copy of the collection in sight.

antsibull-docs 2.28.0 lints a copy of the collection made in a temporary directory and, to check references to other
collections, adds ANSIBLE_COLLECTIONS_PATH after it. When that path holds this collection too (build/collections,
as `make` sets it), the plugin pages take their edit links from one copy and the plugin files from the other: the
links become "../../../tmp/antsibull-docs-<random>/..." and, when the random name ends in "_" (one run in 37), RST
reads it as a reference and the lint fails. With the collections path empty, the links are "plugins/modules/<name>.py"
and the lint depends on the docs only; collections installed as Python packages (awx.awx) are still found.
"""
import os
import sys
import tempfile

from antsibull_docs.cli.antsibull_docs import run

# The plugin docs and docs/docsite, with every reference to a collection, this one or another, checked.
OPTIONS = ['--plugin-docs', '--check-extra-docs-refs', '--validate-collection-refs', 'all',
           '--disallow-unknown-collection-refs', '.']


def main():
    """Lint the collection in the current directory; returns antsibull-docs' exit code."""
    with tempfile.TemporaryDirectory(prefix='no-collections-') as empty:
        os.environ.pop('ANSIBLE_COLLECTIONS_PATHS', None)
        os.environ['ANSIBLE_COLLECTIONS_PATH'] = empty
        return run(['antsibull-docs', 'lint-collection-docs'] + OPTIONS)


if __name__ == '__main__':
    sys.exit(main())
