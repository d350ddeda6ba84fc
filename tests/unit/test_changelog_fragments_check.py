"""tests/changelog/check_fragments.py on throwaway git repositories: which histories and work trees it accepts."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.helpers.collection import REPO_ROOT

SCRIPT = os.path.join(REPO_ROOT, 'tests', 'changelog', 'check_fragments.py')
IDENTITY = ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false']


class Repo:
    def __init__(self, path):
        self.path = path
        path.mkdir(parents=True)
        self.git('init', '-q', '-b', 'main')

    def git(self, *args):
        return subprocess.run(['git'] + IDENTITY + list(args), cwd=str(self.path), capture_output=True, text=True,
                              check=True).stdout

    def write(self, relative, text='x\n'):
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def commit(self, message, *files, remove=()):
        for relative in files:
            self.write(relative, '%s\n' % message)
        for relative in remove:
            self.git('rm', '-q', relative)
        self.git('add', '-A')
        self.git('commit', '-q', '-m', message)

    def add_check(self, message='Changelog check', *files):
        target = self.path / 'tests' / 'changelog' / 'check_fragments.py'
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SCRIPT, str(target))
        self.commit(message, *files)

    def check(self):
        finished = subprocess.run([sys.executable, SCRIPT, str(self.path)], capture_output=True, text=True, check=False)
        return finished.returncode, finished.stdout + finished.stderr


@pytest.fixture
def repo(tmp_path):
    made = Repo(tmp_path / 'repo')
    made.commit('Before the rule: plugins without fragments', 'plugins/modules/old.py', 'roles/r/tasks/main.yml')
    return made


def test_history_before_the_check_is_not_judged(repo):
    code, output = repo.check()
    assert code == 0, output
    repo.add_check('Add the check with its fragment', 'changelogs/fragments/0.1.0.yml', 'plugins/modules/old.py')
    code, output = repo.check()
    assert code == 0 and '1 commit(s) checked' in output, output


def test_a_later_commit_to_plugins_or_roles_needs_a_fragment(repo):
    repo.add_check('Add the check', 'changelogs/fragments/0.1.0.yml')
    repo.commit('Docs only', 'README.md', 'tests/unit/test_x.py')
    repo.commit('Fix a module', 'plugins/modules/old.py', 'changelogs/fragments/fix.yml')
    code, output = repo.check()
    assert code == 0, output
    repo.commit('Change the role silently', 'roles/r/tasks/main.yml')
    code, output = repo.check()
    assert code == 1, output
    assert 'Change the role silently changes roles/r/tasks/main.yml' in output
    assert 'Fix a module' not in output


def test_a_deleted_fragment_is_no_fragment_but_a_release_commit_is(repo):
    repo.add_check('Add the check', 'changelogs/fragments/0.1.0.yml')
    repo.commit('Release with a module change', 'plugins/modules/old.py', 'changelogs/changelog.yaml',
                remove=['changelogs/fragments/0.1.0.yml'])
    assert repo.check()[0] == 0
    repo.write('changelogs/fragments/other.yml')
    repo.commit('Add a fragment')
    repo.commit('Module change that only removes a fragment', 'plugins/modules/old.py',
                remove=['changelogs/fragments/other.yml'])
    code, output = repo.check()
    assert code == 1 and 'only removes a fragment' in output, output


def test_merge_commits_are_judged_by_the_commits_they_bring(repo):
    repo.add_check('Add the check', 'changelogs/fragments/0.1.0.yml')
    repo.git('checkout', '-q', '-b', 'topic')
    repo.commit('Topic change with fragment', 'plugins/modules/new.py', 'changelogs/fragments/new.yml')
    repo.git('checkout', '-q', 'main')
    repo.commit('Unrelated', 'README.md')
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge topic', 'topic')
    assert repo.check()[0] == 0
    repo.git('checkout', '-q', '-b', 'bad')
    repo.commit('Topic change without fragment', 'plugins/module_utils/_x.py')
    repo.git('checkout', '-q', 'main')
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge bad', 'bad')
    code, output = repo.check()
    assert code == 1 and 'Topic change without fragment' in output and 'Merge bad' not in output, output


def test_uncommitted_changes_need_a_fragment_too(repo):
    repo.add_check('Add the check', 'changelogs/fragments/0.1.0.yml')
    repo.write('plugins/modules/wip.py')  # untracked
    code, output = repo.check()
    assert code == 1 and 'uncommitted changes to plugins/modules/wip.py' in output, output
    repo.write('changelogs/fragments/wip.yml')
    assert repo.check()[0] == 0
    (repo.path / 'changelogs' / 'fragments' / 'wip.yml').unlink()
    repo.git('mv', 'plugins/modules/old.py', 'plugins/modules/renamed.py')  # staged rename
    code, output = repo.check()
    assert code == 1 and 'plugins/modules/old.py' in output and 'plugins/modules/renamed.py' in output, output


def test_a_shallow_clone_checks_the_commits_it_has(repo, tmp_path):
    repo.add_check('Add the check', 'changelogs/fragments/0.1.0.yml')
    repo.commit('Fine', 'plugins/modules/old.py', 'changelogs/fragments/a.yml')
    repo.commit('Missing fragment', 'roles/r/tasks/main.yml')
    repo.commit('Fine again', 'roles/r/tasks/main.yml', 'changelogs/fragments/b.yml')
    for depth, expected in ((1, 0), (2, 0), (3, 1)):
        clone = tmp_path / ('shallow-%d' % depth)
        subprocess.run(['git', 'clone', '-q', '--depth', str(depth), 'file://%s' % repo.path, str(clone)], check=True)
        finished = subprocess.run([sys.executable, SCRIPT, str(clone)], capture_output=True, text=True, check=False)
        assert finished.returncode == expected, (depth, finished.stdout)
