<?php

namespace Aurora\Modules\BridgeTest;

/**
 * A module of the fake install only (the emulator has none of its methods): ways a php process misbehaves.
 */
class Module extends \Aurora\System\Module\AbstractModule
{
    /**
     * Writes $Echo and $Password to stderr, then an engine fatal error (E_COMPILE_ERROR: no handler can catch it).
     */
    public function CompileError($Echo = '', $Password = '')
    {
        self::toStderr($Echo);
        self::toStderr($Password);
        eval('function aurora_fake_twice() {} function aurora_fake_twice() {}');
        return true;
    }

    /**
     * Writes $Echo to stderr, then an uncaught \Error.
     */
    public function UncaughtError($Echo = '')
    {
        self::toStderr($Echo);
        $oNothing = null;
        return $oNothing->Missing();
    }

    /**
     * Writes a line of its own to the bridge's stdout, past any output buffer, and returns true.
     */
    public function WriteStdout($Text = '')
    {
        fwrite(STDOUT, 'not JSON: ' . $Text . "\n");
        return true;
    }

    /**
     * Stray output, a warning and a notice: none of it may reach the bridge's stdout. Returns its parameters.
     */
    public function Noise($Text = '', $Number = 0, $Flag = null, $UserId = null)
    {
        echo "stray echo of the fake framework\n";
        print 'stray print ' . $Text;
        trigger_error('a user warning of the fake framework', E_USER_WARNING);
        $aEmpty = array();
        $mMissing = $aEmpty['missing'];
        return array('Text' => $Text, 'Number' => $Number, 'Flag' => $Flag, 'UserId' => $UserId, 'Missing' => $mMissing);
    }

    /**
     * exit in the middle of a call.
     */
    public function Quit($Code = 3)
    {
        exit((int) $Code);
    }

    private static function toStderr($sText)
    {
        if ($sText !== '') {
            fwrite(STDERR, 'BridgeTest was given ' . $sText . "\n");
        }
    }
}
