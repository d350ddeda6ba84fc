<?php

namespace Aurora\System;

use Aurora\Fake\Emulator;
use Aurora\Fake\SettingsMirror;

/**
 * Aurora's AbstractSettings (system/AbstractSettings.php): the settings object of one settings file, with the
 * methods Aurora's have. What happens on the host's files is the emulator's (tests/emulator/aurora/settings.py):
 * Load() has the emulator's settings store load the file (the defaults, then the file over them; its .bak when the file
 * is unreadable; the defaults saved when neither is) through the in-process entry (Core.@ReadSettings); SetValue()
 * casts here, in PHP, as Aurora does (a spec value through Enums\EnumConvert); Save() sends the whole object
 * (Core.@WriteSettings), which the emulator writes as any save: .bak, then the whole file rewritten, so it races with
 * the web API's writers. The file at GetPath() is the emulator's file as this install last copied it
 * (Fake/SettingsMirror.php): after a Save(), the file saved and its .bak.
 */
abstract class AbstractSettings
{
    protected $aContainer = array();

    protected $sPath;

    protected $bIsLoaded = false;

    protected $bExists = false;

    public function __construct($sSettingsPath)
    {
        $this->sPath = $sSettingsPath;
    }

    /**
     * The name the emulator knows the file by: "System" (config.json) or the module's name.
     */
    abstract protected function fileName();

    public function __isset($sName)
    {
        $this->Load();
        return isset($this->aContainer[$sName]);
    }

    public function __set($sName, $mValue)
    {
        $this->SetValue($sName, $mValue);
    }

    public function __get($sName)
    {
        return $this->GetValue($sName);
    }

    public function GetValues()
    {
        $this->Load();
        return $this->aContainer;
    }

    public function SetValues($aValues)
    {
        $this->aContainer = $aValues;
    }

    public function GetPath()
    {
        return $this->sPath;
    }

    public function IsExists()
    {
        $this->Load();
        return $this->bExists;
    }

    public function GetValue($sKey, $mDefault = null)
    {
        $this->Load();
        return isset($this->aContainer[$sKey]) ? $this->aContainer[$sKey]->Value : $mDefault;
    }

    public function GetSettingsProperty($sKey)
    {
        $this->Load();
        return isset($this->aContainer[$sKey]) ? $this->aContainer[$sKey] : null;
    }

    /**
     * @deprecated as in Aurora
     */
    public function GetConf($sKey, $mDefault = null)
    {
        return $this->GetValue($sKey, $mDefault);
    }

    /**
     * A known setting keeps its type and the value is cast to it; a new one takes gettype()'s name. A spec value must
     * be one of its enum class's values, strictly, or it becomes null. Returns false, as Aurora's does.
     */
    public function SetValue($sKey, $mValue)
    {
        $this->Load();
        if (!isset($this->aContainer[$sKey])) {
            $this->aContainer[$sKey] = new SettingsProperty($mValue, \gettype($mValue));
        }
        $oProperty = $this->aContainer[$sKey];
        switch ($oProperty->Type) {
            case 'string':
                $mValue = (string) $mValue;
                break;
            case 'int':
            case 'integer':
                $mValue = (int) $mValue;
                break;
            case 'bool':
            case 'boolean':
                $mValue = (bool) $mValue;
                break;
            case 'spec':
                $mValue = $oProperty->SpecType === null ? null
                    : Enums\EnumConvert::validate($mValue, $oProperty->SpecType);
                break;
            case 'array':
                // inferred: only an array is re-indexed (Aurora's code assumes one)
                if (\is_array($mValue) && \array_keys($mValue) === \range(0, \count($mValue) - 1)) {
                    $mValue = \array_values($mValue);
                }
                break;
            default:
                $mValue = null;
                break;
        }
        $oProperty->Value = $mValue;
        $oProperty->Changed = true;
        return false;
    }

    /**
     * @deprecated as in Aurora
     */
    public function SetConf($sKey, $mValue)
    {
        return $this->SetValue($sKey, $mValue);
    }

    public function Load($bForceLoad = false)
    {
        if ($this->bIsLoaded && !$bForceLoad) {
            return true;
        }
        $aRead = Emulator::call('Core', '@ReadSettings', array('Name' => $this->fileName()));
        foreach ($aRead['Values'] as $sKey => $aSlots) {
            $oProperty = new SettingsProperty($aSlots[0], $aSlots[1], $aSlots[2], $aSlots[3]);
            $oProperty->IsDefault = (bool) $aSlots[4];
            $this->aContainer[$sKey] = $oProperty;
        }
        if (isset($aRead['Files'])) {
            SettingsMirror::write($aRead['Files']);
        }
        $this->bExists = (bool) $aRead['Exists'];
        $this->bIsLoaded = true;
        return true;
    }

    /**
     * The whole object to the file (the emulator backs the file up whatever $bBackupConfigFile says); false when the
     * object holds nothing.
     */
    public function Save($bBackupConfigFile = true)
    {
        $this->Load();
        $aValues = array();
        foreach ($this->aContainer as $sKey => $oProperty) {
            $aValues[$sKey] = array($oProperty->Value, $oProperty->Type, $oProperty->SpecType, $oProperty->Description);
        }
        if (\count($aValues) === 0) {
            return false;
        }
        $mSaved = Emulator::call('Core', '@WriteSettings', array('Name' => $this->fileName(), 'Values' => $aValues));
        if (!\is_array($mSaved)) {
            return false;
        }
        SettingsMirror::write($mSaved);
        return true;
    }
}
