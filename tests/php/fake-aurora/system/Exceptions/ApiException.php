<?php

namespace Aurora\System\Exceptions;

/**
 * Aurora's ApiException: a notification code, a message ("ApiException" when none) and the module it is about.
 */
class ApiException extends \Exception
{
    protected $aObjectParams;

    protected $oModule;

    public function __construct($iCode, $oPrevious = null, $sMessage = '', $aObjectParams = array(), $oModule = null)
    {
        parent::__construct((string) $sMessage === '' ? 'ApiException' : (string) $sMessage, (int) $iCode, $oPrevious);
        $this->aObjectParams = $aObjectParams;
        $this->oModule = $oModule;
    }

    public function GetObjectParams()
    {
        return $this->aObjectParams;
    }

    public function GetModule()
    {
        return $this->oModule;
    }
}
