"""Fail when `ansible-galaxy collection build` warned about the collection; ignore what a dependency warns of itself.

    python -m tests.galaxy.check_build_log build/galaxy/build.log

What counts as the collection's and what as a dependency's: tests/helpers/tool_output.py.
"""

import sys

from tests.helpers.tool_output import sort_out


def main(path):
    with open(path) as handle:
        problems, foreign = sort_out(handle.read().splitlines())
    for line in foreign:
        print('not about the collection (a dependency about itself): %s' % line)
    if problems:
        sys.exit('ansible-galaxy collection build warned:\n' + '\n'.join(problems))
    print('ansible-galaxy collection build: no warning about the collection')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
