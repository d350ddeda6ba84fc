<?php

namespace Aurora\Fake;

use Aurora\System\Api;
use Aurora\System\Exceptions\ApiException;

/**
 * The link to the running Python emulator (tests/emulator): its address and in-process key come from
 * data/settings/emulator.json, which the pytest fixture fake_aurora writes into a copy of this install.
 *
 * Calls go to the emulator's API route with the key in the X-Emulator-Php-Key header: made as the super-administrator,
 * without a token and without the web API's 116 denials. Its answer becomes PHP again: Result -> the value;
 * ErrorCode -> ApiException; {"@QueryException": message} -> Illuminate\Database\QueryException;
 * {"@PhpError": message} -> \Error; {"@Kill": true} (the "php-kill" fault) -> this php process kills itself.
 */
final class Emulator
{
    const KEY_HEADER = 'X-Emulator-Php-Key';

    private static $sUrl = null;

    private static $sKey = null;

    /**
     * Reads the settings, then has the emulator do Aurora's init (POST /_emulator/php/init): declares one module class
     * per module of its module table and one enum class per enum of its settings (\Aurora\System\Enums\TimeFormat,
     * ...), and copies its settings files to data/settings/ (SettingsMirror). Returns the modules.
     */
    public static function connect($sSettingsFile)
    {
        $sSettings = @file_get_contents($sSettingsFile);
        $aSettings = $sSettings === false ? null : json_decode($sSettings, true);
        if (!is_array($aSettings) || !isset($aSettings['Url'], $aSettings['Key'])) {
            throw new \RuntimeException('the fake Aurora install has no usable ' . $sSettingsFile
                . ' (the pytest fixture fake_aurora writes it)');
        }
        self::$sUrl = rtrim($aSettings['Url'], '/') . '/';
        self::$sKey = $aSettings['Key'];
        $aEntry = self::request('_emulator/php/init', array());
        if (!isset($aEntry['key']) || $aEntry['key'] !== self::$sKey) {
            throw new \RuntimeException('the emulator at ' . self::$sUrl . ' has another in-process key than ' . $sSettingsFile);
        }
        foreach ($aEntry['enums'] as $sClass => $aMap) {
            self::declareEnum($sClass, $aMap);
        }
        SettingsMirror::replace($aEntry['files']);
        $aModules = array(new \Aurora\Modules\BridgeTest\Module());
        foreach ($aEntry['modules'] as $sModule => $aMethods) {
            $aModules[] = self::declareModule($sModule, $aMethods);
        }
        return $aModules;
    }

    /**
     * Module.Method with named parameters, through the emulator's in-process entry.
     */
    public static function call($sModule, $sMethod, array $aParameters)
    {
        $sParameters = json_encode($aParameters, JSON_PRESERVE_ZERO_FRACTION);
        if ($sParameters === false) {
            throw new \Error('the fake Aurora install cannot encode the parameters of ' . $sModule . '.' . $sMethod
                . ': ' . json_last_error_msg());
        }
        $aAnswer = self::request('?/Api/', array('Module' => $sModule, 'Method' => $sMethod,
            'Parameters' => $sParameters));
        if (isset($aAnswer['@Kill'])) {
            // as PHP's own stack trace of a dying call does, with the call's arguments: a password among them
            fwrite(STDERR, 'PHP Stack trace: #0 ' . $sModule . '->' . $sMethod . '('
                . implode(', ', array_map('json_encode', array_values($aParameters))) . ")\n");
            self::killSelf();
        }
        if (isset($aAnswer['@QueryException'])) {
            throw new \Illuminate\Database\QueryException('mysql', 'the write of ' . $sModule . '.' . $sMethod, array(),
                new \PDOException($aAnswer['@QueryException']));
        }
        if (isset($aAnswer['@PhpError'])) {
            throw new \Error($aAnswer['@PhpError']);
        }
        if (array_key_exists('ErrorCode', $aAnswer)) {
            $sName = isset($aAnswer['Module']) ? (string) $aAnswer['Module'] : '';
            $oModule = $sName === '' ? false : Api::GetModule($sName);
            throw new ApiException($aAnswer['ErrorCode'], null,
                isset($aAnswer['ErrorMessage']) ? $aAnswer['ErrorMessage'] : '', array(),
                $oModule ? $oModule : new NoModule());
        }
        if (!array_key_exists('Result', $aAnswer)) {
            throw new \Error('the emulator answered ' . $sModule . '.' . $sMethod . ' without Result or ErrorCode');
        }
        return $aAnswer['Result'];
    }

    private static function declareModule($sModule, array $aMethods)
    {
        $sClass = 'Aurora\\Modules\\' . self::identifier($sModule) . '\\Module';
        if (!class_exists($sClass, false)) {
            $sCode = 'namespace Aurora\\Modules\\' . $sModule . ";\n\n"
                . "class Module extends \\Aurora\\System\\Module\\AbstractModule\n{\n";
            foreach ($aMethods as $sMethod => $aParameters) {
                $aDeclared = array();
                foreach ($aParameters as $aParameter) {
                    $sDeclared = '$' . self::identifier($aParameter[0]);
                    if (count($aParameter) > 1) {
                        $sDeclared .= ' = ' . var_export($aParameter[1], true);
                    }
                    $aDeclared[] = $sDeclared;
                }
                $sCode .= '    public function ' . self::identifier($sMethod) . '(' . implode(', ', $aDeclared) . ")\n"
                    . "    {\n        return \$this->forward(__FUNCTION__, func_get_args());\n    }\n";
            }
            eval($sCode . "}\n");
        }
        return new $sClass();
    }

    /**
     * An Aurora enum class: \Aurora\System\Enums\AbstractEnumeration with $aConsts the map {name => value}.
     */
    private static function declareEnum($sClass, array $aMap)
    {
        $aNames = array_map(array(__CLASS__, 'identifier'), explode('\\', ltrim($sClass, '\\')));
        $sName = array_pop($aNames);
        $sNamespace = implode('\\', $aNames);
        if (!class_exists($sNamespace . '\\' . $sName, false)) {
            eval('namespace ' . $sNamespace . ";\n\nclass " . $sName
                . " extends \\Aurora\\System\\Enums\\AbstractEnumeration\n{\n"
                . '    protected $aConsts = ' . var_export($aMap, true) . ";\n}\n");
        }
    }

    private static function identifier($sName)
    {
        if (!is_string($sName) || !preg_match('/^[A-Za-z_][A-Za-z0-9_]*$/', $sName)) {
            throw new \RuntimeException('the emulator sent a name that is no PHP identifier: ' . var_export($sName, true));
        }
        return $sName;
    }

    private static function request($sPath, $aFields)
    {
        $aHttp = array('method' => $aFields === null ? 'GET' : 'POST', 'timeout' => 120, 'ignore_errors' => true,
            'header' => self::KEY_HEADER . ': ' . self::$sKey . "\r\nConnection: close\r\n");
        if ($aFields !== null) {
            $aHttp['header'] .= "Content-Type: application/x-www-form-urlencoded\r\n";
            $aHttp['content'] = http_build_query($aFields);
        }
        $sError = 'no answer';
        set_error_handler(function ($iType, $sMessage) use (&$sError) {
            $sError = $sMessage;
            return true;
        });
        $sBody = file_get_contents(self::$sUrl . $sPath, false, stream_context_create(array('http' => $aHttp)));
        restore_error_handler();
        if ($sBody === false) {
            throw new \Error('the fake Aurora install got no answer from the emulator at ' . self::$sUrl . $sPath . ': '
                . $sError);
        }
        $aAnswer = json_decode($sBody, true);
        if (!is_array($aAnswer)) {
            throw new \Error('the emulator answered ' . self::$sUrl . $sPath . ' with '
                . var_export(substr($sBody, 0, 200), true));
        }
        return $aAnswer;
    }

    private static function killSelf()
    {
        if (function_exists('posix_kill') && function_exists('posix_getpid')) {
            posix_kill(posix_getpid(), 9); // SIGKILL: no shutdown function runs, stdout just ends
        }
        exit(255);
    }
}
