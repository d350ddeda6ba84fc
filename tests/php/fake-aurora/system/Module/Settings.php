<?php

namespace Aurora\System\Module;

/**
 * A module's settings, data/settings/modules/<Module>.config.json: what Module\Manager::GetModuleSettings() and a
 * module's getModuleSettings() return.
 */
class Settings extends \Aurora\System\AbstractSettings
{
    public $ModuleName;

    public function __construct($sModuleName)
    {
        $this->ModuleName = $sModuleName;
        parent::__construct(\Aurora\System\Api::DataPath() . '/settings/modules/' . $sModuleName . '.config.json');
    }

    protected function fileName()
    {
        return $this->ModuleName;
    }
}
