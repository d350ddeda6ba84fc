<?php

namespace Aurora\System\Enums;

/**
 * The base of Aurora's enum classes (framework system/Enums/AbstractEnumeration.php): getMap() returns the protected
 * $aConsts, {name stored in a settings file => value}. The fake's enum classes (TimeFormat, DateFormat, LogLevel,
 * DbType) are declared at Api::Init from the emulator's table (Fake/Emulator.php).
 */
abstract class AbstractEnumeration
{
    protected $aConsts = array();

    public function getMap()
    {
        return $this->aConsts;
    }
}
