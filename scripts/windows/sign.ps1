# Signs one Windows file for the release workflow (tauri.conf.json's bundle.windows.signCommand,
# set by .github/workflows/release.yml): signtool with the certificate the workflow wrote from
# the WINDOWS_CERTIFICATE secret, SHA-256 and an RFC 3161 time stamp.
param([Parameter(Mandatory = $true)][string] $File)
$ErrorActionPreference = 'Stop'
$signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
  Sort-Object FullName -Descending | Select-Object -First 1
& $signtool.FullName sign /fd SHA256 /td SHA256 /tr 'http://timestamp.digicert.com' `
  /f $env:WINDOWS_CERTIFICATE_FILE /p $env:WINDOWS_CERTIFICATE_PASSWORD $File
if ($LASTEXITCODE -ne 0) { throw "signtool failed on $File" }
