"""Fail when a change to plugins/ or roles/ comes without a changelog fragment.

    python tests/changelog/check_fragments.py [REPOSITORY]

The rule (README.md, "Contributing"): every commit that changes a file under plugins/ or roles/ also adds or changes a
file in changelogs/fragments/ (a release commit, which turns the fragments into changelogs/changelog.yaml, changes that
file instead). It holds from the commit that added this script on: the commits before it are history, written before
the rule. CI runs on a fresh clone of main, where there is no pull-request base to compare with, so the script walks
the history itself: every commit from the one that added this script to HEAD (merge commits aside: the commits they
bring in are checked one by one), then the uncommitted changes of the work tree, tracked and untracked alike, so that
a developer learns it before committing. In a shallow clone whose history does not reach that commit, every commit
present is checked.
"""

import os
import subprocess
import sys

RULED = ('plugins/', 'roles/')
FRAGMENTS = 'changelogs/fragments/'
CHANGES_FILE = 'changelogs/changelog.yaml'
THIS_SCRIPT = 'tests/changelog/check_fragments.py'


def git(repository, *args):
    return subprocess.run(['git'] + list(args), cwd=repository, capture_output=True, check=True).stdout.decode()


def verdict(changes):
    """``changes``: [(status, path)]. Returns the ruled paths changed when no fragment came with them, else []."""
    ruled = sorted(set(path for _status, path in changes if path.startswith(RULED)))
    noted = any(path.startswith(FRAGMENTS) and status != 'D' and path != FRAGMENTS.rstrip('/')
                or path == CHANGES_FILE for status, path in changes)
    return [] if noted or not ruled else ruled


def commit_changes(repository, commit):
    """[(status, path)] of a commit against its first parent; a renamed file counts with both of its paths."""
    lines = git(repository, 'diff-tree', '--no-commit-id', '--root', '-r', '-M', '--name-status', '-z', commit)
    fields = [field for field in lines.split('\0') if field]
    changes = []
    index = 0
    while index < len(fields):
        status = fields[index][0]
        count = 2 if status in 'RC' else 1
        for path in fields[index + 1:index + 1 + count]:
            changes.append((status, path))
        index += 1 + count
    return changes


def worktree_changes(repository):
    """[(status, path)] of what is not committed yet: staged, unstaged and untracked files."""
    listed = git(repository, 'status', '--porcelain=v1', '-z', '--untracked-files=all')
    fields = [field for field in listed.split('\0') if field]
    changes = []
    index = 0
    while index < len(fields):
        code, path = fields[index][:2], fields[index][3:]
        status = 'D' if 'D' in code else code.strip()[:1] or 'M'
        changes.append((status, path))
        if code[0] in 'RC':  # a rename or copy is followed by its old path
            index += 1
            changes.append(('D' if code[0] == 'R' else 'M', fields[index]))
        index += 1
    return changes


def shallow_boundary(repository):
    """The commits where a shallow clone's history is cut off: their parents are missing, so their diff is not theirs."""
    path = git(repository, 'rev-parse', '--git-path', 'shallow').strip()
    try:
        with open(os.path.join(repository, path)) as handle:
            return set(handle.read().split())
    except OSError:
        return set()


def commits_to_check(repository):
    """(commits, starting commit or None), oldest first."""
    boundary = shallow_boundary(repository)
    added = [commit for commit in
             git(repository, 'log', '--diff-filter=A', '--format=%H', '--reverse', '--', THIS_SCRIPT).split()
             if commit not in boundary]
    if not added:
        if not boundary:
            return [], None  # the check is not committed yet: only the work tree
        commits = git(repository, 'rev-list', '--no-merges', '--reverse', 'HEAD').split()
    else:
        start = added[0]
        commits = [start] + git(repository, 'rev-list', '--no-merges', '--reverse', '--ancestry-path',
                                start + '..HEAD').split()
    return [commit for commit in commits if commit not in boundary], (added[0] if added else None)


def main(repository):
    repository = os.path.abspath(repository)
    has_head = subprocess.run(['git', 'rev-parse', '--verify', '-q', 'HEAD'], cwd=repository, capture_output=True,
                              check=False).returncode == 0
    failures = []
    checked = 0
    start = None
    if has_head:
        commits, start = commits_to_check(repository)
        for commit in commits:
            checked += 1
            missing = verdict(commit_changes(repository, commit))
            if missing:
                subject = git(repository, 'log', '-1', '--format=%h %s', commit).strip()
                failures.append('commit %s changes %s' % (subject, ', '.join(missing)))
    missing = verdict(worktree_changes(repository))
    if missing:
        failures.append('uncommitted changes to %s' % ', '.join(missing))
    if failures:
        print('A change to plugins/ or roles/ needs a changelog fragment in %s (see "Contributing" in README.md):'
              % FRAGMENTS)
        for failure in failures:
            print('  ' + failure)
        print('Add a fragment (for example changelogs/fragments/<topic>.yml with a minor_changes, bugfixes or trivial '
              'entry) to each such commit; `antsibull-changelog lint` checks its format.')
        sys.exit(1)
    since = 'since %s' % start[:12] if start else 'no commit with this check yet'
    print('changelog fragments: %d commit(s) checked (%s) and the work tree; every change to plugins/ or roles/ '
          'comes with a fragment' % (checked, since))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '.')
