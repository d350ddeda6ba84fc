<?php

namespace Aurora\System\Module;

use Aurora\Fake\Emulator;
use Aurora\System\Exceptions\ApiException;

/**
 * Aurora's AbstractModule as far as the PHP bridge needs it: GetName() and CallMethod() for calls that are not
 * web-API calls (the module decorators' and the bridge's), and the module's settings: getConfig(), setConfig(),
 * saveModuleConfig() and getModuleSettings() (which each Aurora 9 module declares).
 */
abstract class AbstractModule
{
    protected $oModuleSettings = null;

    /**
     * Aurora\Modules\<Name>\Module -> <Name>.
     */
    public static function GetName()
    {
        $aParts = explode('\\', static::class);
        return count($aParts) > 1 ? $aParts[count($aParts) - 2] : '';
    }

    public function loadModuleSettings()
    {
        if ($this->oModuleSettings === null) {
            $this->oModuleSettings = \Aurora\System\Api::GetModuleManager()->GetModuleSettings(static::GetName());
        }
        return $this->oModuleSettings;
    }

    public function getModuleSettings()
    {
        return $this->loadModuleSettings();
    }

    /**
     * Saves the module's settings object to its file: true when written.
     */
    public function saveModuleConfig()
    {
        return $this->loadModuleSettings()->Save();
    }

    public function getConfig($sName, $mDefaultValue = null)
    {
        return $this->loadModuleSettings()->GetValue($sName, $mDefaultValue);
    }

    /**
     * Sets a setting in the loaded object (saveModuleConfig() writes it); returns false, as Aurora's.
     */
    public function setConfig($sName, $sValue = null)
    {
        return $this->loadModuleSettings()->SetValue($sName, $sValue);
    }

    /**
     * Positional arguments; a missing or null one gets the parameter's default (isset, as Aurora's non-web branch of
     * prepareMethodArguments); an exception other than an ApiException is wrapped into one whose previous it is; a
     * null result is false.
     */
    final public function CallMethod($sMethod, $aArguments = array(), $bWebApi = false)
    {
        if ($bWebApi) {
            throw new \LogicException('the fake Aurora framework models no web-API calls');
        }
        if (!method_exists($this, $sMethod)) {
            throw new ApiException(114, null, '', array(), $this);
        }
        $oMethod = new \ReflectionMethod($this, $sMethod);
        $aPositional = array();
        foreach ($oMethod->getParameters() as $oParameter) {
            $iPosition = $oParameter->getPosition();
            if (isset($aArguments[$iPosition])) {
                $aPositional[] = $aArguments[$iPosition];
            } else {
                $aPositional[] = $oParameter->isDefaultValueAvailable() ? $oParameter->getDefaultValue() : null;
            }
        }
        try {
            $mResult = $oMethod->invokeArgs($this, $aPositional);
        } catch (ApiException $oException) {
            throw $oException;
        } catch (\Exception $oException) {
            throw new ApiException((int) $oException->getCode(), $oException, $oException->getMessage(), array(), $this);
        }
        return $mResult === null ? false : $mResult;
    }

    /**
     * The body of every method of an emulated module: its parameters by name to the emulator, the answer back as
     * PHP (a value, or a thrown ApiException, QueryException or \Error).
     */
    protected function forward($sMethod, array $aArguments)
    {
        $oMethod = new \ReflectionMethod($this, $sMethod);
        $aNamed = array();
        foreach ($oMethod->getParameters() as $oParameter) {
            $iPosition = $oParameter->getPosition();
            $bDefault = $oParameter->isDefaultValueAvailable();
            if (array_key_exists($iPosition, $aArguments)
                && !($bDefault && $aArguments[$iPosition] === $oParameter->getDefaultValue())) {
                $aNamed[$oParameter->getName()] = $aArguments[$iPosition];
            } elseif (!$bDefault) {
                $aNamed[$oParameter->getName()] = null;
            }
            // a parameter at its default is left out, so the emulator logs what a web API call of it would send
        }
        return Emulator::call(static::GetName(), $sMethod, $aNamed);
    }
}
