# -*- coding: utf-8 -*-
# Copyright (c) afterlogic.aurora contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The PHP bridge script that ``_php_bridge.PhpBridge`` runs with ``php`` on the Aurora host, and nothing else.

It is a Python file so that Ansible ships it with the modules (it packs the module_utils they import), and a PHP
file too: php reads the lines before ``<?php`` as text, so ``php -l`` checks this very file
(tests/unit/test_php_bridge_script.py). BRIDGE_SOURCE is the script from ``<?php`` to ``?>``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

BRIDGE_SOURCE = r'''<?php
/*
 * afterlogic.aurora PHP bridge: Aurora's own PHP API, driven by plugins/module_utils/_php_bridge.py,
 * which writes this text to a file of its own and runs it with php.
 *
 * Protocol: one JSON document per line; stdout carries nothing else.
 *   stdin, first line   {"AuroraPath": "/var/www/aurora", "MinPhpVersion": "7.4.0"}
 *   stdout              {"Ready": true, "PhpVersion": "8.2.7", "AuroraVersion": "9.8.5"}, or {"Fatal": "..."}
 *   stdin, then         {"Module": "Core", "Method": "GetUsers", "Parameters": {...}}, one per line
 *   stdout, for each    {"AuthenticatedUserId": -1, "Module": ..., "Method": ..., "Result": ...}
 *                    or {"AuthenticatedUserId": -1, "ErrorCode": n, "ErrorMessage": "..." (if any), "Module": ...}
 *                    or {"Fatal": "one sentence"}, after which php exits
 *   End of stdin ends php. Secrets (passwords in Parameters) come only through stdin.
 *
 * What each step mirrors in Aurora (afterlogic/aurora-framework and afterlogic/aurora-module-core, read for this;
 * no code copied):
 *  1. PHP version: MinPhpVersion from the caller (the framework's composer.json names none).
 *  2. system/autoload.php, then \Aurora\System\Api::Init(true): system/Api.php Init($bGrantAdminPrivileges)
 *     loads the vendor autoloader and bootstrap, calls GrantAdminPrivileges() (the session's UserId -1 with an
 *     empty AuthToken: the super-administrator without a token), reads the encryption key and settings and loads
 *     the modules, once per process. The bridge calls GrantAdminPrivileges() once more after Init: an Init that
 *     had already run grants nothing.
 *  3. Module: modules/Core/Entries.php EntryApi: Api::GetModule($sModule); no AbstractModule -> ApiException
 *     ModuleNotFound (113, "Module not found"), answered by ExceptionResponse with Module "".
 *  4. Parameters: system/Module/AbstractModule.php CallMethod() of a web-API call sets UserId to
 *     Api::getAuthenticatedUserId() when it is not set, and prepareMethodArguments(..., $bWebApi = true) maps the
 *     named parameters to the method's positional ones through ReflectionMethod: by name, else the parameter's
 *     default, else null. The bridge does that mapping itself, then calls CallMethod($sMethod, $aPositional)
 *     with $bWebApi false, as the module decorators do: canCallMethod() then applies no web-API denial
 *     (denyMethodsCallByWebApi, 116), so in-process methods such as Core.GetUserByPublicId work. (CallMethod's
 *     positional branch uses isset(): an explicit null for a parameter with a default becomes that default.)
 *     A method that does not exist or is not public: MethodNotFound (114) with the module, as CallMethod throws it.
 *  5. Answer: EntryApi -> AbstractModule::DefaultResponse -> system/Managers/Response.php DefaultResponse():
 *     AuthenticatedUserId, Module (the module's GetName()), Method (as sent) and Result through
 *     Response::GetResponseObject() (objects with toResponseArray() become arrays with "@Object"). CallMethod
 *     starts from $mResult = false and keeps it when the method returns null: "not found" is Result false.
 *     @Time, @TimeApiInit and SubscriptionsResult are left out.
 *  6. Errors: EntryApi catches \Exception and gives an ApiException without a module the called module; then
 *     Response::ExceptionResponse(): an ApiException -> ErrorCode getCode(), ErrorMessage getMessage() unless it
 *     is empty or "ApiException", Module its module's GetName(); any other \Exception -> ErrorCode 999
 *     (UnknownError), Module "". (ExceptionResponse gives the message only with DisplayServerErrorInformation; the
 *     bridge always does, as the recorded answers of WebMail Lite 9.8.5 show it.) Like EntryApi, a module
 *     manager's GetLastException() that appeared during the call is thrown.
 *  7. Database errors: an Illuminate\Database\QueryException (CallMethod wraps it into an ApiException whose
 *     previous it is) answers Result false without ErrorCode, as the web API does (docs/aurora-api-notes.md,
 *     "Envelope"; aurora-module-core's users manager, in getUserByPublicId for one, catches it, logs it with
 *     Api::LogException and returns null).
 *  8. PHP errors: warnings and notices go to stderr (display_errors=stderr and an error handler), stray echo and
 *     print output to stderr (an output buffer). An uncaught \Error (the web API's HTTP 500 with an empty body)
 *     or an engine fatal (register_shutdown_function + error_get_last) becomes {"Fatal": ...} and php exits.
 */

error_reporting(E_ALL);
ini_set('display_errors', 'stderr');
ini_set('log_errors', '0');
ini_set('html_errors', '0');

final class AuroraAnsibleBridge
{
    const FATAL_ERRORS = 4437; // E_ERROR | E_PARSE | E_CORE_ERROR | E_COMPILE_ERROR | E_USER_ERROR | E_RECOVERABLE_ERROR
    const SETTINGS = '@Settings'; // the bridge's own "module": the settings files (settings() below)

    private static $stage = 'reading its configuration';
    private static $over = false; // a Fatal line is out, or stdin ended: nothing more to say

    public static function main()
    {
        register_shutdown_function(array(__CLASS__, 'atShutdown'));
        set_error_handler(array(__CLASS__, 'onError'), E_ALL & ~(E_USER_ERROR | E_RECOVERABLE_ERROR));
        ob_start(array(__CLASS__, 'strayOutput'), 1);
        if (!self::boot()) {
            return;
        }
        while (($sLine = fgets(STDIN)) !== false) {
            if (trim($sLine) === '') {
                continue;
            }
            try {
                $aAnswer = self::handle($sLine);
            } catch (\Throwable $oError) {
                self::fatal('PHP error while ' . self::$stage . ': ' . self::describe($oError));
                exit(1);
            }
            self::$stage = 'waiting for a request';
            self::keepOutputBuffer();
            self::emit($aAnswer);
        }
        self::$over = true;
    }

    private static function boot()
    {
        $sLine = fgets(STDIN);
        if ($sLine === false) {
            self::$over = true;
            return false;
        }
        $aConfig = json_decode($sLine, true);
        if (!is_array($aConfig) || !isset($aConfig['AuroraPath']) || !is_string($aConfig['AuroraPath'])
            || $aConfig['AuroraPath'] === '') {
            return self::fatal('the PHP bridge expects {"AuroraPath": "<the Aurora install folder>"} as its first input line');
        }
        $sMinimum = isset($aConfig['MinPhpVersion']) ? (string) $aConfig['MinPhpVersion'] : '7.4.0';
        if (version_compare(PHP_VERSION, $sMinimum, '<')) {
            return self::fatal(sprintf('%s is PHP %s but Aurora needs PHP %s or later; set php_executable (AURORA_PHP) '
                . 'to a newer PHP', PHP_BINARY, PHP_VERSION, $sMinimum));
        }
        $sRoot = rtrim($aConfig['AuroraPath'], '/');
        $sAutoload = ($sRoot === '' ? '' : $sRoot) . '/system/autoload.php';
        if (!is_file($sAutoload)) {
            return self::fatal(sprintf('%s does not exist: aurora_path (%s) must be the Aurora install folder, the one '
                . 'holding system/autoload.php', $sAutoload, $aConfig['AuroraPath']));
        }
        if (!is_readable($sAutoload)) {
            return self::fatal(sprintf('%s is not readable by the user %s; run the task as the web server\'s user '
                . '(become_user)', $sAutoload, self::user()));
        }
        @chdir($sRoot === '' ? '/' : $sRoot);
        try {
            self::$stage = 'including ' . $sAutoload;
            require_once $sAutoload;
            if (!class_exists('Aurora\System\Api')) {
                return self::fatal(sprintf('%s defines no \Aurora\System\Api: %s is not an Aurora 9 install', $sAutoload,
                    $aConfig['AuroraPath']));
            }
            self::$stage = 'running \Aurora\System\Api::Init(true) of ' . $aConfig['AuroraPath'];
            \Aurora\System\Api::Init(true);
            if (method_exists('Aurora\System\Api', 'GrantAdminPrivileges')) {
                \Aurora\System\Api::GrantAdminPrivileges();
            }
        } catch (\Throwable $oError) {
            return self::fatal('PHP error while ' . self::$stage . ': ' . self::describe($oError));
        }
        self::$stage = 'waiting for a request';
        self::keepOutputBuffer();
        self::emit(array('Ready' => true, 'PhpVersion' => PHP_VERSION, 'AuroraVersion' => self::auroraVersion()));
        return true;
    }

    private static function handle($sLine)
    {
        $aRequest = json_decode($sLine, true);
        $sModule = is_array($aRequest) && isset($aRequest['Module']) && is_string($aRequest['Module'])
            ? $aRequest['Module'] : null;
        $sMethod = is_array($aRequest) && isset($aRequest['Method']) && is_string($aRequest['Method'])
            ? $aRequest['Method'] : null;
        if ($sModule === null || $sMethod === null) {
            return self::error(103, 'Invalid input parameter', '');
        }
        $mParameters = isset($aRequest['Parameters']) ? $aRequest['Parameters'] : array();
        if (!is_array($mParameters)) {
            $mParameters = array($mParameters); // EntryApi wraps a JSON scalar: it binds no named parameter
        }
        self::$stage = 'running ' . $sModule . '.' . $sMethod;
        if ($sModule === self::SETTINGS) {
            try {
                return self::settings($sMethod, $mParameters);
            } catch (\Exception $oException) {
                return self::error(999, self::describe($oException), self::SETTINGS);
            }
        }
        return self::call($sModule, $sMethod, $mParameters);
    }

    /*
     * The settings files, through Aurora's own settings objects (system/AbstractSettings.php: Load($bForceLoad),
     * GetValues() of SettingsProperty {Value, Type, SpecType}, SetValue(), Save(), GetPath(); system/Enums: an enum
     * class's getMap(), the name stored in the file => the value; the system settings are Api::GetSettings(), a
     * module's Api::GetModuleManager()->GetModuleSettings($sName)). Core.UpdateSettings stores the administrator's
     * password as password_hash(trim(...), PASSWORD_BCRYPT), and AdminAuth checks a login with password_verify(trim).
     *   GetSettingsFile {Module, Hidden}              the file re-read: Path and Settings {key: {Value, Type, Enum}},
     *                                                  the Value of each key matching the pattern Hidden left out
     *   SaveSettingsFile {Module, Values, Hidden,     the file re-read, the values set and saved, then as above
     *                     AdminPassword}
     *   GetAdminPasswordMatch {Password}              {Matches}: whether it is the administrator's password
     */
    private static function settings($sMethod, array $aParameters)
    {
        $sModule = isset($aParameters['Module']) ? (string) $aParameters['Module'] : 'system';
        $oSettings = $sModule === 'system' ? \Aurora\System\Api::GetSettings()
            : \Aurora\System\Api::GetModuleManager()->GetModuleSettings($sModule);
        if (!is_object($oSettings)) {
            return self::error(113, 'Module not found', '');
        }
        $oSettings->Load(true);
        if ($sMethod === 'GetAdminPasswordMatch') {
            $sHash = (string) $oSettings->GetValue('AdminPassword', '');
            $sPassword = isset($aParameters['Password']) ? trim((string) $aParameters['Password']) : '';
            return self::result(self::SETTINGS, $sMethod,
                array('Matches' => $sHash !== '' && password_verify($sPassword, $sHash)));
        }
        if ($sMethod === 'SaveSettingsFile') {
            $aValues = isset($aParameters['Values']) && is_array($aParameters['Values']) ? $aParameters['Values'] : array();
            foreach ($aValues as $sKey => $mValue) {
                $oSettings->SetValue($sKey, $mValue);
            }
            if (isset($aParameters['AdminPassword'])) {
                $oSettings->SetValue('AdminPassword',
                    password_hash(trim((string) $aParameters['AdminPassword']), PASSWORD_BCRYPT));
            }
            if (!$oSettings->Save()) {
                return self::result(self::SETTINGS, $sMethod, false);
            }
            $oSettings->Load(true);
        } elseif ($sMethod !== 'GetSettingsFile') {
            return self::error(114, null, self::SETTINGS);
        }
        $sHidden = isset($aParameters['Hidden']) ? (string) $aParameters['Hidden'] : '/$^/';
        $aShown = array();
        foreach ($oSettings->GetValues() as $sKey => $oProperty) {
            $sSpec = isset($oProperty->SpecType) ? (string) $oProperty->SpecType : '';
            $aShown[$sKey] = array('Value' => preg_match($sHidden, (string) $sKey) ? null : $oProperty->Value,
                'Type' => $oProperty->Type, 'Enum' => $sSpec !== '' && class_exists($sSpec) ? (new $sSpec())->getMap() : null);
        }
        return self::result(self::SETTINGS, $sMethod, array('Path' => $oSettings->GetPath(), 'Settings' => (object) $aShown));
    }

    private static function call($sModule, $sMethod, array $aParameters)
    {
        $oModule = \Aurora\System\Api::GetModule($sModule);
        if (!($oModule instanceof \Aurora\System\Module\AbstractModule)) {
            return self::error(113, 'Module not found', '');
        }
        $sName = self::moduleName($oModule);
        if (empty($sMethod)) {
            return self::error(999, 'UnknownError', ''); // EntryApi builds no response item for an empty method
        }
        if (!method_exists($oModule, $sMethod)) {
            return self::error(114, null, $sName);
        }
        $oMethod = new \ReflectionMethod($oModule, $sMethod);
        if (!$oMethod->isPublic()) {
            return self::error(114, null, $sName);
        }
        $aArguments = self::positional($oMethod, $aParameters);
        $oBefore = self::lastException();
        try {
            $mResult = $oModule->CallMethod($sMethod, $aArguments);
            $oAfter = self::lastException();
            if ($oAfter !== null && $oAfter !== $oBefore) {
                throw $oAfter;
            }
        } catch (\Exception $oException) {
            if (self::isQueryException($oException)) {
                return self::result($sName, $sMethod, false);
            }
            return self::exceptionAnswer($oException, $oModule);
        }
        return self::result($sName, $sMethod, self::responseObject($mResult, $sName, $sMethod, $aParameters));
    }

    private static function positional(\ReflectionMethod $oMethod, array $aParameters)
    {
        if (!isset($aParameters['UserId'])) {
            $aParameters['UserId'] = \Aurora\System\Api::getAuthenticatedUserId();
        }
        $aArguments = array();
        foreach ($oMethod->getParameters() as $oParameter) {
            if ($oParameter->isVariadic()) {
                break;
            }
            $sName = $oParameter->getName();
            if (array_key_exists($sName, $aParameters)) {
                $mValue = $aParameters[$sName];
            } elseif ($oParameter->isDefaultValueAvailable()) {
                $mValue = $oParameter->getDefaultValue();
            } else {
                $mValue = null;
            }
            $aArguments[$oParameter->getPosition()] = $mValue;
        }
        return $aArguments;
    }

    private static function lastException()
    {
        if (!method_exists('Aurora\System\Api', 'GetModuleManager')) {
            return null;
        }
        $oManager = \Aurora\System\Api::GetModuleManager();
        return is_object($oManager) && method_exists($oManager, 'GetLastException') ? $oManager->GetLastException() : null;
    }

    private static function isQueryException($oException)
    {
        for ($oCause = $oException; $oCause !== null; $oCause = $oCause->getPrevious()) {
            if ($oCause instanceof \Illuminate\Database\QueryException) {
                return true;
            }
        }
        return false;
    }

    private static function exceptionAnswer($oException, $oCalled)
    {
        if (!($oException instanceof \Aurora\System\Exceptions\ApiException)) {
            return self::error(999, null, '');
        }
        $oModule = method_exists($oException, 'GetModule') ? $oException->GetModule() : null;
        $sMessage = (string) $oException->getMessage();
        return self::error($oException->getCode(), $sMessage === 'ApiException' ? null : $sMessage,
            self::moduleName($oModule ? $oModule : $oCalled));
    }

    private static function responseObject($mResult, $sModule, $sMethod, array $aParameters)
    {
        $aContext = array('Module' => $sModule, 'Method' => $sMethod, 'Parameters' => $aParameters);
        if (class_exists('Aurora\System\Managers\Response')
            && method_exists('Aurora\System\Managers\Response', 'GetResponseObject')) {
            return \Aurora\System\Managers\Response::GetResponseObject($mResult, $aContext);
        }
        return self::plain($mResult, $aContext);
    }

    private static function plain($mValue, array $aContext)
    {
        if (is_array($mValue)) {
            foreach ($mValue as $mKey => $mItem) {
                $mValue[$mKey] = self::plain($mItem, $aContext);
            }
            return $mValue;
        }
        if (!is_object($mValue)) {
            return $mValue;
        }
        $aObject = array('@Object' => 'Object/' . get_class($mValue));
        if (method_exists($mValue, 'toResponseArray')) {
            return array_merge($aObject, self::plain($mValue->toResponseArray($aContext), $aContext));
        }
        if ($mValue instanceof \JsonSerializable) {
            return self::plain($mValue->jsonSerialize(), $aContext);
        }
        return array_merge($aObject, self::plain(get_object_vars($mValue), $aContext));
    }

    private static function result($sModule, $sMethod, $mResult)
    {
        return array('AuthenticatedUserId' => self::userId(), 'Module' => $sModule, 'Method' => $sMethod,
            'Result' => $mResult);
    }

    private static function error($iCode, $sMessage, $sModule)
    {
        $aAnswer = array('AuthenticatedUserId' => self::userId(), 'ErrorCode' => (int) $iCode);
        if ($sMessage !== null && $sMessage !== '') {
            $aAnswer['ErrorMessage'] = (string) $sMessage;
        }
        $aAnswer['Module'] = $sModule;
        return $aAnswer;
    }

    private static function userId()
    {
        return method_exists('Aurora\System\Api', 'getAuthenticatedUserId')
            ? \Aurora\System\Api::getAuthenticatedUserId() : -1;
    }

    private static function moduleName($oModule)
    {
        return is_object($oModule) && method_exists($oModule, 'GetName') ? (string) $oModule->GetName() : '';
    }

    private static function auroraVersion()
    {
        try {
            if (method_exists('Aurora\System\Api', 'VersionFull')) {
                $sVersion = trim((string) \Aurora\System\Api::VersionFull());
                return $sVersion === '' ? null : $sVersion;
            }
        } catch (\Throwable $oError) {
            fwrite(STDERR, 'Aurora version unknown: ' . self::describe($oError) . "\n");
        }
        return null;
    }

    private static function emit(array $aLine)
    {
        $iFlags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;
        if (defined('JSON_INVALID_UTF8_SUBSTITUTE')) {
            $iFlags |= JSON_INVALID_UTF8_SUBSTITUTE;
        }
        $sJson = json_encode($aLine, $iFlags);
        if ($sJson === false) {
            $sJson = json_encode(array('Fatal' => 'the PHP bridge could not encode its answer while ' . self::$stage
                . ' as JSON: ' . json_last_error_msg()));
            self::$over = true;
        }
        $sJson .= "\n";
        while ($sJson !== '') {
            $iWritten = fwrite(STDOUT, $sJson);
            if ($iWritten === false || $iWritten === 0) {
                exit(1); // the caller is gone
            }
            $sJson = (string) substr($sJson, $iWritten);
        }
        fflush(STDOUT);
        if (self::$over) {
            exit(1);
        }
    }

    private static function fatal($sSentence)
    {
        if (!self::$over) {
            self::emit(array('Fatal' => $sSentence));
        }
        self::$over = true;
        return false;
    }

    public static function atShutdown()
    {
        if (self::$over) {
            return;
        }
        $aError = error_get_last();
        if (is_array($aError) && ($aError['type'] & self::FATAL_ERRORS)) {
            self::fatal(sprintf('PHP fatal error while %s: %s in %s on line %d', self::$stage,
                self::firstLine($aError['message']), $aError['file'], $aError['line']));
        } else {
            self::fatal('php stopped while ' . self::$stage . ' (exit or die in the code it ran)');
        }
    }

    public static function onError($iType, $sMessage, $sFile = '', $iLine = 0)
    {
        if (error_reporting() & $iType) { // not silenced with @
            $aNames = array(E_WARNING => 'Warning', E_NOTICE => 'Notice', E_DEPRECATED => 'Deprecated',
                E_USER_WARNING => 'Warning', E_USER_NOTICE => 'Notice', E_USER_DEPRECATED => 'Deprecated');
            fwrite(STDERR, sprintf("PHP %s: %s in %s on line %d\n", isset($aNames[$iType]) ? $aNames[$iType] : 'error '
                . $iType, $sMessage, $sFile, $iLine));
        }
        return true;
    }

    public static function strayOutput($sBuffer)
    {
        if ($sBuffer !== '') {
            fwrite(STDERR, $sBuffer);
        }
        return '';
    }

    private static function keepOutputBuffer()
    {
        while (ob_get_level() > 1) {
            ob_end_flush();
        }
        if (ob_get_level() === 0) {
            ob_start(array(__CLASS__, 'strayOutput'), 1);
        }
    }

    private static function describe($oError)
    {
        return sprintf('%s: %s in %s on line %d', get_class($oError), self::firstLine($oError->getMessage()),
            $oError->getFile(), $oError->getLine());
    }

    private static function firstLine($sText)
    {
        $aLines = preg_split('/\R/', trim((string) $sText));
        return $aLines[0];
    }

    private static function user()
    {
        if (function_exists('posix_geteuid') && function_exists('posix_getpwuid')) {
            $aUser = posix_getpwuid(posix_geteuid());
            if (is_array($aUser)) {
                return $aUser['name'];
            }
        }
        return (string) get_current_user();
    }
}

AuroraAnsibleBridge::main();
?>'''
