; Inno Setup script (6.4 as shipped) for the Windows installer. Build the onedir app first
; (pyinstaller packaging/fps-desktop.spec; packaging/windows/ci.sh does it all under Wine),
; optionally put the site's settings in packaging/site.json, then:
;   iscc packaging\windows\fps-desktop.iss          (/DDist=<onedir folder> to build from elsewhere)
;
; IT installs it
;   for every user of the PC:   fps-desktop-<version>-setup.exe /VERYSILENT /ALLUSERS [/SITE=<site.json>]
;   for one user, without admin: fps-desktop-<version>-setup.exe /VERYSILENT /CURRENTUSER [/SITE=...]
; and removes it with "unins000.exe /VERYSILENT" in the install folder.
;
; The fpsdesktop:// link handler and the start at sign-in are written under HKA: the machine's
; keys for an all-users install (every user who signs in gets them, also one who never started
; the app, and the uninstaller removes them), the user's own keys for a per-user install.

#ifndef Dist
  #define Dist AddBackslash(SourcePath) + "..\..\dist\fps-desktop"
#endif
; The version is the package's (fps_desktop/__init__.py), as the spec stamped it into the exe.
#define AppVersion GetStringFileInfo(Dist + "\fps-desktop.exe", PRODUCT_VERSION)
#if AppVersion == ""
  #error fps-desktop.exe carries no version: build the onedir with packaging/fps-desktop.spec on Windows
#endif

[Setup]
AppId={{6C1F3E52-8C8B-4F53-9E0B-3A1B2C4D5E6F}
AppName=FPS Desktop
AppVersion={#AppVersion}
AppVerName=FPS Desktop {#AppVersion}
AppPublisher=Finance Office
VersionInfoVersion={#AppVersion}
DefaultDirName={code:ProgramsFolder}\FPS Desktop
DefaultGroupName=FPS Desktop
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\fps-desktop.exe
OutputBaseFilename=fps-desktop-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; All users by default (IT's case); "only for me" from the dialog or /CURRENTUSER needs no admin.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
; Setup closes a running FPS Desktop (its files are in use) and starts it again afterwards.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "chinesesimplified"; MessagesFile: "compiler:Default.isl,zh_CN.isl"

[CustomMessages]
english.AutoStart=Start FPS Desktop when I sign in (it receives documents from PBMS)
chinesesimplified.AutoStart=登录时启动 FPS Desktop（接收 PBMS 发来的单据）

[Tasks]
Name: "autostart"; Description: "{cm:AutoStart}"

[Files]
Source: "{#Dist}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion
; IT's site defaults (PBMS URLs, allowed origins, port, printers), read next to the exe: built in
; from packaging/site.json, or given when installing with /SITE=<path>, which wins.
#if FileExists(AddBackslash(SourcePath) + "..\site.json")
Source: "..\site.json"; DestDir: "{app}"; Flags: ignoreversion; Check: not SiteGiven
#endif
Source: "{param:SITE}"; DestDir: "{app}"; DestName: "site.json"; Flags: external ignoreversion; Check: SiteGiven

[Icons]
Name: "{autoprograms}\FPS Desktop"; Filename: "{app}\fps-desktop.exe"

[Registry]
; fpsdesktop://open?guid=... opens the GUID in the running app from any web page.
Root: HKA; Subkey: "Software\Classes\fpsdesktop"; ValueType: string; ValueData: "URL:FPS Desktop"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\fpsdesktop"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\fpsdesktop\DefaultIcon"; ValueType: string; ValueData: """{app}\fps-desktop.exe"",0"
Root: HKA; Subkey: "Software\Classes\fpsdesktop\shell\open\command"; ValueType: string; ValueData: """{app}\fps-desktop.exe"" open-url ""%1"""
; Started at sign-in, so the PBMS listener is there before the first push.
Root: HKA; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "FPS Desktop"; ValueData: """{app}\fps-desktop.exe"""; Flags: uninsdeletevalue; Tasks: autostart

[Run]
Filename: "{app}\fps-desktop.exe"; Description: "{cm:LaunchProgram,FPS Desktop}"; Flags: nowait postinstall skipifsilent

[Code]
// Program Files for all users; for one user %LOCALAPPDATA%\Programs, Windows' UserProgramFiles
// folder, spelled out as Wine 8.0 cannot look that folder up (so CI installs per user as well).
function ProgramsFolder(Param: String): String;
begin
  if IsAdminInstallMode() then
    Result := ExpandConstant('{commonpf}')
  else
    Result := ExpandConstant('{localappdata}\Programs');
end;

function SiteGiven(): Boolean;
begin
  Result := ExpandConstant('{param:SITE}') <> '';
end;

function InitializeSetup(): Boolean;
begin
  Result := True;
  if SiteGiven() and not FileExists(ExpandConstant('{param:SITE}')) then
  begin
    SuppressibleMsgBox(FmtMessage(SetupMessage(msgSourceDoesntExist), [ExpandConstant('{param:SITE}')]),
      mbCriticalError, MB_OK, IDOK);
    Result := False;
  end;
end;
