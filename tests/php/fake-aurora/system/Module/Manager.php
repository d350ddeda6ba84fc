<?php

namespace Aurora\System\Module;

/**
 * The modules: one object each, looked up case-insensitively as Aurora's module manager does.
 */
class Manager
{
    protected $aModules = array();

    protected $oLastException = null;

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

    public function GetLastException()
    {
        return $this->oLastException;
    }
}
