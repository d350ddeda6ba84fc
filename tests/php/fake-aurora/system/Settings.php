<?php

namespace Aurora\System;

/**
 * The system settings, data/settings/config.json: the object Api::GetSettings() returns.
 */
class Settings extends AbstractSettings
{
    protected function fileName()
    {
        return 'System';
    }
}
