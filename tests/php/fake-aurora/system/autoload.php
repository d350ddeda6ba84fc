<?php
/*
 * Fake Aurora framework for the PHP bridge's tests (plugins/module_utils/_php_bridge.py): a folder shaped like an
 * Aurora install whose modules forward every call to the running Python emulator (tests/emulator), so the real
 * bridge runs end to end against the emulator's semantics. See ../README.md.
 */

require_once __DIR__ . '/../vendor/illuminate/database/QueryException.php';
require_once __DIR__ . '/Exceptions/ApiException.php';
require_once __DIR__ . '/Enums/AbstractEnumeration.php';
require_once __DIR__ . '/Enums/EnumConvert.php';
require_once __DIR__ . '/SettingsProperty.php';
require_once __DIR__ . '/AbstractSettings.php';
require_once __DIR__ . '/Settings.php';
require_once __DIR__ . '/Module/Settings.php';
require_once __DIR__ . '/Module/AbstractModule.php';
require_once __DIR__ . '/Module/Manager.php';
require_once __DIR__ . '/Fake/NoModule.php';
require_once __DIR__ . '/Fake/SettingsMirror.php';
require_once __DIR__ . '/Fake/Emulator.php';
require_once __DIR__ . '/Api.php';
require_once __DIR__ . '/../modules/BridgeTest/Module.php';
