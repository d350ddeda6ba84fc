"""Test session set-up: the collection importable as ansible_collections.afterlogic.aurora, and the emulator fixtures."""

from tests.helpers.collection import ensure_collection_on_path

ensure_collection_on_path()

pytest_plugins = ['tests.emulator.fixtures']
