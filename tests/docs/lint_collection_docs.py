"""`antsibull-docs lint-collection-docs` of this collection, with temporary directory names that never end in "_".

antsibull-docs 2.28.0 lints a copy of the collection made in a new temporary directory, and the edit link it writes
into each plugin page holds that directory's path. Python draws the random part of the name from letters, digits
and "_"; a name ending in "_" reads as an RST reference there, and the lint fails with 'Unknown target name:
"antsibull-docs-..."' in about one run out of 37, whatever the docs say. Without "_" the lint depends on the docs only.
"""
import string
import sys
import tempfile

from antsibull_docs.cli.antsibull_docs import run

NAME_CHARACTERS = string.ascii_lowercase + string.digits
# The plugin docs and docs/docsite, with every reference to a collection, this one or another, checked.
OPTIONS = ['--plugin-docs', '--check-extra-docs-refs', '--validate-collection-refs', 'all',
           '--disallow-unknown-collection-refs', '.']


def lint():
    """antsibull-docs' lint of the collection in the current directory, as it comes; returns its exit code."""
    return run(['antsibull-docs', 'lint-collection-docs'] + OPTIONS)


def main():
    tempfile._RandomNameSequence.characters = NAME_CHARACTERS
    return lint()


if __name__ == '__main__':
    sys.exit(main())
