<?php
/*
 * Copyright (c) afterlogic.aurora contributors
 * GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
 *
 * The floor of the PHP transport's benchmark rows: a minimal in-process PHP script making, one after the other, only
 * the calls a job needs, through Aurora's own PHP API (as Aurora's documentation provisions users).
 *
 *     php benchmarks/floor.php AURORA_PATH JOB_JSON writes|reads
 *
 * JOB_JSON holds {"bench_servers": [...], "bench_accounts": [...]}, as for benchmarks/floor.py.
 *
 * writes: per server, Mail.GetServers (find it) + Mail.CreateServer; per user, Core.GetUserByPublicId (find it) +
 *         Core.CreateUser + Mail.CreateAccount.
 * reads:  one paged listing of the servers and one of the users (200 per page); Mail.GetAccounts per user.
 *
 * Prints the number of calls made.
 */

const PAGE = 200;

[$sScript, $sAuroraPath, $sJob, $sMode] = $argv + [null, null, null, null];
if ($sMode !== 'writes' && $sMode !== 'reads') {
    fwrite(STDERR, "usage: php benchmarks/floor.php AURORA_PATH JOB_JSON writes|reads\n");
    exit(2);
}
require_once $sAuroraPath . '/system/autoload.php';
\Aurora\System\Api::Init(true);
$oCore = \Aurora\System\Api::GetModule('Core');
$oMail = \Aurora\System\Api::GetModule('Mail');
$aJob = json_decode(file_get_contents($sJob), true);
$iCalls = 0;

function pages(callable $fPage, &$iCalls)
{
    $aItems = array();
    for ($iOffset = 0;; $iOffset += PAGE) {
        $iCalls++;
        $aPage = $fPage($iOffset);
        $aItems = array_merge($aItems, $aPage['Items']);
        if (count($aPage['Items']) < PAGE || count($aItems) >= $aPage['Count']) {
            return $aItems;
        }
    }
}

if ($sMode === 'writes') {
    $aServerIds = array();
    foreach ($aJob['bench_servers'] as $aServer) {
        $iCalls += 2;
        $aListed = $oMail->GetServers(TenantId: 0, Offset: 0, Limit: PAGE, Search: $aServer['name']);
        foreach ($aListed['Items'] as $aListedServer) {
            if ($aListedServer['Name'] === $aServer['name']) {
                throw new RuntimeException('the server ' . $aServer['name'] . ' exists already');
            }
        }
        $aServerIds[$aServer['name']] = $oMail->CreateServer(Name: $aServer['name'],
            IncomingServer: $aServer['incoming_server'], IncomingPort: 143, IncomingUseSsl: false,
            OutgoingServer: $aServer['outgoing_server'], OutgoingPort: 25, OutgoingUseSsl: false, SmtpAuthType: '2',
            Domains: implode("\n", $aServer['domains']), TenantId: 0);
    }
    foreach ($aJob['bench_accounts'] as $aAccount) {
        $iCalls += 3;
        if ($oCore->GetUserByPublicId(PublicId: $aAccount['email'])) {
            throw new RuntimeException('the user ' . $aAccount['email'] . ' exists already');
        }
        $iUserId = $oCore->CreateUser(TenantId: 0, PublicId: $aAccount['email'], Role: 2, IsDisabled: false);
        $oMail->CreateAccount(UserId: $iUserId, FriendlyName: $aAccount['friendly_name'], Email: $aAccount['email'],
            IncomingLogin: $aAccount['email'], IncomingPassword: $aAccount['password'],
            Server: array('ServerId' => $aServerIds[$aAccount['server']]));
    }
} else {
    pages(fn ($iOffset) => $oMail->GetServers(TenantId: 0, Offset: $iOffset, Limit: PAGE, Search: ''), $iCalls);
    $aUsers = pages(fn ($iOffset) => $oCore->GetUsers(TenantId: 0, Offset: $iOffset, Limit: PAGE, Search: ''),
        $iCalls);
    foreach ($aUsers as $aUser) {
        $iCalls++;
        $oMail->GetAccounts(UserId: $aUser['Id']);
    }
}
echo $iCalls, "\n";
