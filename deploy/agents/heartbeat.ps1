<#
.SYNOPSIS
  hangcheck heartbeat for Windows test hosts: one UDP datagram per run (or one per interval with -Loop).

.DESCRIPTION
  Sends this host's heartbeat to hangcheck's ingest as one "hc1" line over UDP (no connection is held, so it
  can never add to a server's socket table), optionally signed with HMAC-SHA256. The sequence number is kept
  per boot in a state file; the boot id is derived from the OS boot time exactly as the Java agent derives it
  ("d-" + the first 16 bytes of SHA-256 of "<hostId>|<boot epoch seconds / 10>", in hex).
  Works with Windows PowerShell 5.1 and PowerShell 7. Install notes: README.md next to this file.

.EXAMPLE
  powershell.exe -NoProfile -ExecutionPolicy Bypass -File heartbeat.ps1 -Ingest ingest.lab:8081 -Labels "pool=changelist,os=windows"
#>
[CmdletBinding()]
param(
    # ingest host:port (env HANGCHECK_INGEST); UDP goes to the same port number as HTTP
    [string]$Ingest = $(if ($env:HANGCHECK_INGEST) { $env:HANGCHECK_INGEST } else { '127.0.0.1:8081' }),
    # this host's id (env HANGCHECK_HOST_ID); default the computer name in lower case
    [string]$HostId = $(if ($env:HANGCHECK_HOST_ID) { $env:HANGCHECK_HOST_ID } else { $env:COMPUTERNAME.ToLowerInvariant() }),
    # labels k=v,k=v (env HANGCHECK_LABELS); os=windows is added if absent
    [string]$Labels = $env:HANGCHECK_LABELS,
    # HMAC key (env HANGCHECK_HMAC_KEY): hex:..., base64:... or text (its UTF-8 bytes); the host's own key or its pool's
    # (`./lab credentials HOST` prints HANGCHECK_HMAC_KEY=hex:...); without one the datagram is unsigned
    [string]$HmacKey = $env:HANGCHECK_HMAC_KEY,
    # state file for the sequence number
    [string]$StatePath = $(Join-Path $env:ProgramData 'hangcheck\heartbeat.seq'),
    # with -Loop: seconds between heartbeats (env HANGCHECK_INTERVAL, plain seconds)
    [int]$IntervalSeconds = $(if ($env:HANGCHECK_INTERVAL) { [int]$env:HANGCHECK_INTERVAL } else { 60 }),
    # keep running, one heartbeat per interval (+/- 10 % jitter), instead of one per run
    [switch]$Loop
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

function Fail([int]$Code, [string]$Message) {
    [Console]::Error.WriteLine("hangcheck-heartbeat: $Message")
    exit $Code
}

function ConvertTo-Hex([byte[]]$Bytes) {
    return (($Bytes | ForEach-Object { $_.ToString('x2') }) -join '')
}

function Get-KeyBytes([string]$Text) {
    if ([string]::IsNullOrEmpty($Text)) { return $null }
    if ($Text.StartsWith('hex:')) {
        $hex = $Text.Substring(4)
        if ($hex.Length -eq 0 -or $hex.Length % 2 -ne 0) { Fail 2 'HMAC key is not valid hex' }
        $bytes = New-Object byte[] ($hex.Length / 2)
        for ($i = 0; $i -lt $bytes.Length; $i++) { $bytes[$i] = [Convert]::ToByte($hex.Substring(2 * $i, 2), 16) }
        return ,$bytes
    }
    if ($Text.StartsWith('base64:')) { return ,([Convert]::FromBase64String($Text.Substring(7))) }
    return ,([Text.Encoding]::UTF8.GetBytes($Text))
}

# --- settings, checked once ----------------------------------------------------------------------------
if ($HostId -notmatch '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$') { Fail 2 "host id '$HostId' must match ^[A-Za-z0-9][A-Za-z0-9._-]*$" }
$target = $Ingest -replace '^[a-z]+://', '' -replace '/.*$', ''
if ($target -match '^(.+):(\d+)$') { $udpHost = $Matches[1]; $udpPort = [int]$Matches[2] } else { $udpHost = $target; $udpPort = 8081 }

$labelTokens = New-Object System.Collections.Generic.List[string]
$hasOs = $false
if ($Labels) {
    foreach ($pair in $Labels.Split(',')) {
        if ($pair.Trim().Length -eq 0) { continue }
        $kv = $pair.Trim().Split('=', 2)
        if ($kv.Length -ne 2) { Fail 2 "label '$pair' is not key=value" }
        if ($kv[0] -cnotmatch '^[a-z][a-z0-9_.-]{0,62}$') { Fail 2 "label key '$($kv[0])' must match ^[a-z][a-z0-9_.-]*$" }
        if ($kv[1] -cnotmatch '^[A-Za-z0-9._:/-]{1,128}$') { Fail 2 "label value '$($kv[1])' must match [A-Za-z0-9._:/-]{1,128}" }
        if ($kv[0] -eq 'os') { $hasOs = $true }
        $labelTokens.Add("l.$($kv[0])=$($kv[1])")
    }
}
if (-not $hasOs) { $labelTokens.Add('l.os=windows') }
try {
    $key = Get-KeyBytes $HmacKey
} catch {
    Fail 2 "HMAC key is not valid: $($_.Exception.Message)"
}
if ($null -eq $key) {
    # Ingest requires signatures by default and drops an unsigned datagram without an answer: say so on every run.
    [Console]::Error.WriteLine('hangcheck-heartbeat: no HMAC key (-HmacKey / HANGCHECK_HMAC_KEY): the datagram goes unsigned, and an ingest that requires signatures (the default) drops it')
}
$Epoch = New-Object DateTime 1970, 1, 1, 0, 0, 0, ([DateTimeKind]::Utc)

function Get-Boot {
    # LastBootUpTime is fixed for the whole boot; TickCount is the fallback when CIM is unavailable.
    try {
        $boot = (Get-CimInstance -ClassName Win32_OperatingSystem).LastBootUpTime.ToUniversalTime()
    } catch {
        $ticks = [double][Environment]::TickCount
        if ($ticks -lt 0) { $ticks += 4294967296 }   # TickCount wraps after 24.9 days
        $boot = [DateTime]::UtcNow.AddMilliseconds(-$ticks)
    }
    $bootEpoch = [int64][Math]::Floor(($boot - $Epoch).TotalSeconds)
    $slot = [int64][Math]::Floor($bootEpoch / 10)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    try {
        $digest = $sha.ComputeHash([Text.Encoding]::UTF8.GetBytes("$HostId|$slot"))
    } finally {
        $sha.Dispose()
    }
    return @{ Id = 'd-' + (ConvertTo-Hex $digest[0..15]); Time = $boot }
}

function Get-NextSeq([string]$BootId) {
    $seq = 0
    if (Test-Path -LiteralPath $StatePath) {
        $parts = (Get-Content -LiteralPath $StatePath -TotalCount 1) -split ' '
        if ($parts.Length -eq 2 -and $parts[0] -eq $BootId -and $parts[1] -match '^\d{1,18}$') { $seq = [int64]$parts[1] + 1 }
    }
    $dir = Split-Path -Parent $StatePath
    if ($dir -and -not (Test-Path -LiteralPath $dir)) { New-Item -ItemType Directory -Path $dir -Force | Out-Null }
    Set-Content -LiteralPath $StatePath -Value "$BootId $seq" -Encoding Ascii
    return $seq
}

function Send-Heartbeat {
    $boot = Get-Boot
    $seq = Get-NextSeq $boot.Id
    $now = [DateTime]::UtcNow
    $sent = [int64][Math]::Floor(($now - $Epoch).TotalMilliseconds)
    $up = [int64][Math]::Max(0, [Math]::Floor(($now - $boot.Time).TotalSeconds))
    $line = "hc1 host=$HostId boot=$($boot.Id) seq=$seq sent=$sent up=$up"
    if ($labelTokens.Count -gt 0) { $line += ' ' + ($labelTokens -join ' ') }
    if ($null -ne $key) {
        $hmac = New-Object System.Security.Cryptography.HMACSHA256 -ArgumentList (, $key)
        try {
            $line += ' sig=' + (ConvertTo-Hex $hmac.ComputeHash([Text.Encoding]::ASCII.GetBytes($line)))
        } finally {
            $hmac.Dispose()
        }
    }
    $bytes = [Text.Encoding]::ASCII.GetBytes($line)
    if ($bytes.Length -gt 1024) { Fail 2 'heartbeat line is longer than 1024 bytes (too many labels?)' }
    $udp = New-Object System.Net.Sockets.UdpClient
    try {
        [void]$udp.Send($bytes, $bytes.Length, $udpHost, $udpPort)
    } finally {
        $udp.Close()   # never leaves a socket behind
    }
    Write-Verbose $line
}

if ($Loop) {
    if ($IntervalSeconds -lt 1) { Fail 2 'IntervalSeconds must be at least 1' }
    $random = New-Object System.Random
    while ($true) {
        try { Send-Heartbeat } catch { [Console]::Error.WriteLine("hangcheck-heartbeat: $($_.Exception.Message)") }
        Start-Sleep -Milliseconds ([int]($IntervalSeconds * 1000 * (0.9 + 0.2 * $random.NextDouble())))
    }
} else {
    try { Send-Heartbeat } catch { Fail 1 $_.Exception.Message }
    exit 0
}
