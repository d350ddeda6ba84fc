<?php

namespace Aurora\Fake;

/**
 * The module of an emulator error that names none (Module ""): a token, login or input error raised outside a
 * module call.
 */
class NoModule extends \Aurora\System\Module\AbstractModule
{
    public static function GetName()
    {
        return '';
    }
}
