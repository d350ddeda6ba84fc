<?php

namespace Aurora\Fake;

use Aurora\System\Api;

/**
 * The settings files on this install's disk, data/settings/config.json and data/settings/modules/<Module>.config.json
 * (and their .bak), where Aurora keeps them and a settings object's GetPath() names them: a copy of the emulator's
 * files (tests/emulator/aurora/settings_files.py), which are the ones Aurora's PHP API reads and writes here.
 * Api::Init copies them all; a Save() (or a Load() that saved the defaults) copies the file it wrote and its .bak.
 * A file is rewritten in place (as Aurora's file_put_contents does: the same inode, so a flock on it holds) and only
 * when its text differs. The pytest helper sync_settings_files (tests/emulator/fixtures.py) does the same from Python.
 */
final class SettingsMirror
{
    /**
     * Every settings file as the emulator has them ({path under data/settings/: text}); a settings file it does not
     * have is removed.
     */
    public static function replace(array $aFiles)
    {
        foreach (self::present() as $sPath) {
            if (!array_key_exists($sPath, $aFiles)) {
                $aFiles[$sPath] = null;
            }
        }
        self::write($aFiles);
    }

    /**
     * {path under data/settings/: text, or null for no such file}, in the order given.
     */
    public static function write(array $aFiles)
    {
        foreach ($aFiles as $sPath => $sText) {
            $sFile = self::file((string) $sPath);
            if ($sText === null) {
                if (is_file($sFile) && !unlink($sFile)) {
                    throw new \RuntimeException('the fake Aurora install cannot remove ' . $sFile);
                }
                continue;
            }
            if (is_file($sFile) && file_get_contents($sFile) === $sText) {
                continue;
            }
            $sFolder = dirname($sFile);
            if (!is_dir($sFolder) && !mkdir($sFolder, 0777, true) && !is_dir($sFolder)) {
                throw new \RuntimeException('the fake Aurora install cannot create ' . $sFolder);
            }
            if (file_put_contents($sFile, $sText) !== strlen($sText)) {
                throw new \RuntimeException('the fake Aurora install cannot write ' . $sFile);
            }
        }
    }

    private static function folder()
    {
        return Api::DataPath() . '/settings/';
    }

    private static function file($sPath)
    {
        if ($sPath === '' || $sPath[0] === '/' || in_array('..', explode('/', $sPath), true)) {
            throw new \RuntimeException('the emulator sent a settings file outside data/settings/: '
                . var_export($sPath, true));
        }
        return self::folder() . $sPath;
    }

    /**
     * The settings files on disk now, as paths under data/settings/.
     */
    private static function present()
    {
        $sFolder = self::folder();
        $aPaths = array();
        $aGlobs = array('config.json', 'config.json.bak', 'modules/*.config.json', 'modules/*.config.json.bak');
        foreach ($aGlobs as $sGlob) {
            foreach (glob($sFolder . $sGlob) ?: array() as $sFile) {
                $aPaths[] = substr($sFile, strlen($sFolder));
            }
        }
        return $aPaths;
    }
}
