<?php

namespace Aurora\System\Enums;

/**
 * Aurora's enum conversions (framework system/Enums/EnumConvert.php): the map of an enum class comes from a new
 * instance's getMap() (one per class and process); a class that does not exist has an empty map.
 */
class EnumConvert
{
    protected static function GetInst($sClassName)
    {
        static $aMaps = array();
        if (!isset($aMaps[$sClassName]) && class_exists($sClassName)) {
            $oEnum = new $sClassName();
            $aMaps[$sClassName] = $oEnum->getMap();
        }
        return isset($aMaps[$sClassName]) ? $aMaps[$sClassName] : array();
    }

    /**
     * $mValue when it is one of the enum's values (strictly), else null.
     */
    public static function validate($mValue, $sClassName)
    {
        return \in_array($mValue, self::GetInst($sClassName), true) ? $mValue : null;
    }

    /**
     * The value of the name a settings file stores, or null.
     */
    public static function FromXml($sXmlValue, $sClassName)
    {
        $aMap = self::GetInst($sClassName);
        return self::validate(isset($aMap[$sXmlValue]) ? $aMap[$sXmlValue] : null, $sClassName);
    }

    /**
     * The name a settings file stores for a value (the first with that value, strictly), or ''.
     */
    public static function ToXml($mValue, $sClassName)
    {
        $sName = \array_search($mValue, self::GetInst($sClassName), true);
        return $sName === false ? '' : (string) $sName;
    }
}
