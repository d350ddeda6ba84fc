"""The code blocks of the user guide (docs/docsite/rst/*.rst), so that tests can run or compare what it shows."""

import os
import re

from tests.helpers.collection import REPO_ROOT

DOCS_DIR = os.path.join(REPO_ROOT, 'docs', 'docsite', 'rst')
DIRECTIVE = re.compile(r'^(?P<indent> *)\.\. code-block:: *(?P<language>\S+) *$')
OPTION = re.compile(r'^ *:(?P<name>[a-z-]+):(?: *(?P<value>.*))?$')


def code_blocks(path):
    """[(language, caption or None, text)] of every ``.. code-block::`` in the RST file ``path``, in order."""
    with open(path) as handle:
        lines = handle.read().splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        found = DIRECTIVE.match(lines[index])
        index += 1
        if not found:
            continue
        indent = len(found.group('indent'))
        options = {}
        while index < len(lines) and OPTION.match(lines[index]):
            option = OPTION.match(lines[index])
            options[option.group('name')] = (option.group('value') or '').strip()
            index += 1
        body = []
        while index < len(lines) and (not lines[index].strip() or len(lines[index]) - len(lines[index].lstrip()) > indent):
            body.append(lines[index])
            index += 1
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        margin = min(len(line) - len(line.lstrip()) for line in body if line.strip()) if body else 0
        text = '\n'.join(line[margin:] for line in body) + '\n'
        blocks.append((found.group('language'), options.get('caption'), text))
    return blocks


def code_block(name, caption):
    """The text of the code block with ``caption`` in docs/docsite/rst/``name``; fails when there is not exactly one."""
    texts = [text for _language, found, text in code_blocks(os.path.join(DOCS_DIR, name)) if found == caption]
    assert len(texts) == 1, 'docs/docsite/rst/%s: %d code blocks with the caption %r' % (name, len(texts), caption)
    return texts[0]
