"""A fake Aurora install (tests/php/fake-aurora) wired to a running emulator, for the PHP transport (standard library
only: tests/demo/emulator_ctl.py makes one for molecule).

``emulator`` below is anything with the emulator's ``host_url``, ``php_entry()`` and ``settings_files()``: an
``Emulator`` of fixtures.py, or emulator_ctl.py's client of an emulator it started.
"""
import json
import shutil
from pathlib import Path

FAKE_AURORA = Path(__file__).resolve().parents[1] / "php" / "fake-aurora"
# The settings files of an Aurora install, under data/settings/ (tests/emulator/aurora/settings_files.py).
SETTINGS_FILE_PATTERNS = ("config.json", "config.json.bak", "modules/*.config.json", "modules/*.config.json.bak")


def make_fake_aurora(emulator, folder, version="9.8.5"):
    """Copy tests/php/fake-aurora into ``folder`` (a Path), wire it to ``emulator`` and copy the emulator's settings
    files into it; return ``folder``."""
    shutil.copytree(FAKE_AURORA, folder, dirs_exist_ok=True)
    settings = folder / "data" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    # The host side: Aurora's PHP API runs on the Aurora host, so no web-server outage reaches it.
    (settings / "emulator.json").write_text(json.dumps({"Url": emulator.host_url,
                                                        "Key": emulator.php_entry()["key"]}))
    (folder / "VERSION").write_text(version)
    files = sync_settings_files(emulator, folder)
    for path in files:  # an install has a folder per installed module (empty here)
        if path.startswith("modules/") and path.endswith(".config.json"):
            (folder / "modules" / path[len("modules/"):-len(".config.json")]).mkdir(parents=True, exist_ok=True)
    return folder


def sync_settings_files(emulator, folder):
    """Make data/settings/ of the fake Aurora in ``folder`` hold the emulator's settings files as they are now (a
    corrupt one as it is): a file whose text differs is rewritten in place (the same inode, so a flock on it holds),
    a settings file the emulator does not have is removed. Returns the files, {path under data/settings/: text}."""
    files = emulator.settings_files()
    settings = Path(folder) / "data" / "settings"
    present = {path.relative_to(settings).as_posix() for pattern in SETTINGS_FILE_PATTERNS
               for path in settings.glob(pattern)}
    for path in sorted(present - set(files)):
        (settings / path).unlink()
    for path, text in files.items():
        if Path(path).is_absolute() or ".." in Path(path).parts:
            raise AssertionError(f"the emulator has a settings file outside data/settings/: {path!r}")
        target, data = settings / path, text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as file:
            file.write(data)
    return files
