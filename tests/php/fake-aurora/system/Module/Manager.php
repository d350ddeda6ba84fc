<?php

namespace Aurora\System\Module;

/**
 * The modules: one object each, looked up case-insensitively as Aurora's module manager does; and their settings
 * objects (Settings.php).
 */
class Manager
{
    protected $aModules = array();

    protected $oLastException = null;

    protected $aModulesSettings = array();

    public function __construct(array $aModules)
    {
        foreach ($aModules as $oModule) {
            $this->aModules[strtolower($oModule::GetName())] = $oModule;
        }
    }

    public function GetModule($sModuleName)
    {
        $sKey = strtolower((string) $sModuleName);
        return isset($this->aModules[$sKey]) ? $this->aModules[$sKey] : false;
    }

    public function isModuleLoaded($sModuleName)
    {
        return isset($this->aModules[strtolower((string) $sModuleName)]);
    }

    /**
     * The settings object of a module, one per module name and process, whether the module is loaded or not: a
     * disabled module's settings are reached here.
     */
    public function GetModuleSettings($sModuleName)
    {
        $sKey = strtolower((string) $sModuleName);
        if (!isset($this->aModulesSettings[$sKey])) {
            $this->aModulesSettings[$sKey] = new Settings($sModuleName);
        }
        return $this->aModulesSettings[$sKey];
    }

    public function getModuleConfigValue($sModuleName, $sConfigName, $sDefaultValue = null)
    {
        return $this->GetModuleSettings($sModuleName)->GetValue($sConfigName, $sDefaultValue);
    }

    public function setModuleConfigValue($sModuleName, $sConfigName, $sValue)
    {
        $this->GetModuleSettings($sModuleName)->SetValue($sConfigName, $sValue);
    }

    public function saveModuleConfigValue($sModuleName)
    {
        $this->GetModuleSettings($sModuleName)->Save();
    }

    public function GetLastException()
    {
        return $this->oLastException;
    }
}
