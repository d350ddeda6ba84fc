<?php

namespace Aurora\System;

/**
 * One setting of a settings object: its value (a spec setting's as the enum's value), type, enum class and
 * description, as Aurora's SettingsProperty holds them.
 */
class SettingsProperty
{
    public $Value;

    public $Type;

    public $SpecType;

    public $Description;

    public $IsDefault = true;

    public $Changed = false;

    public function __construct($mValue, $sType, $sSpecType = null, $sDescription = '')
    {
        $this->Value = $mValue;
        $this->Type = $sType;
        $this->SpecType = $sSpecType;
        $this->Description = $sDescription;
    }
}
