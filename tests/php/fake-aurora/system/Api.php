<?php

namespace Aurora\System;

use Aurora\Fake\Emulator;

/**
 * The part of Aurora's \Aurora\System\Api that the PHP bridge uses.
 */
class Api
{
    protected static $aUserSession = array();

    protected static $oModuleManager = null;

    protected static $oSettings = null;

    public static function Init($bGrantAdminPrivileges = false)
    {
        if (self::$oModuleManager !== null) {
            return;
        }
        if ($bGrantAdminPrivileges) {
            self::GrantAdminPrivileges();
        }
        $aModules = Emulator::connect(self::DataPath() . '/settings/emulator.json');
        self::$oModuleManager = new Module\Manager($aModules);
    }

    public static function GrantAdminPrivileges()
    {
        self::$aUserSession['UserId'] = -1;
        self::$aUserSession['AuthToken'] = '';
    }

    public static function getAuthenticatedUserId()
    {
        return isset(self::$aUserSession['UserId']) ? self::$aUserSession['UserId'] : 0;
    }

    public static function GetModuleManager()
    {
        return self::$oModuleManager;
    }

    /**
     * The system settings object (data/settings/config.json), one per process, as Aurora's.
     */
    public static function &GetSettings()
    {
        if (self::$oSettings === null) {
            self::$oSettings = new Settings(self::DataPath() . '/settings/config.json');
        }
        return self::$oSettings;
    }

    public static function GetModule($sModuleName)
    {
        return self::$oModuleManager === null ? false : self::$oModuleManager->GetModule($sModuleName);
    }

    /**
     * The install's folder, resolved (as Aurora's AU_APP_ROOT_PATH): the settings objects' GetPath() is absolute.
     */
    public static function RootPath()
    {
        return rtrim(realpath(dirname(__DIR__)), '/') . '/';
    }

    public static function DataPath()
    {
        return self::RootPath() . 'data';
    }

    public static function VersionFull()
    {
        $sVersion = @file_get_contents(self::RootPath() . 'VERSION');
        return empty($sVersion) ? '0.0.0' : $sVersion;
    }
}
