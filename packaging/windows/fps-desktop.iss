; Inno Setup script for the Windows installer. Build the onedir app first
; (packaging/build.sh on Windows, or pyinstaller packaging/fps-desktop.spec),
; put the site's settings in packaging/site.json, then: iscc packaging/windows/fps-desktop.iss
#define AppVersion GetEnv("FPS_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6C1F3E52-8C8B-4F53-9E0B-3A1B2C4D5E6F}
AppName=FPS Desktop
AppVersion={#AppVersion}
AppPublisher=Finance Office
DefaultDirName={autopf}\FPS Desktop
DefaultGroupName=FPS Desktop
OutputBaseFilename=fps-desktop-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "autostart"; Description: "Start FPS Desktop when I sign in (listens for PBMS)"

[Files]
Source: "..\..\dist\fps-desktop\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion
; IT's site defaults (PBMS URLs, allowed origins, port, printers), read next to the exe.
Source: "..\site.json"; DestDir: "{app}"; Flags: onlyifdoesntexist skipifsourcedoesntexist

[Icons]
Name: "{group}\FPS Desktop"; Filename: "{app}\fps-desktop.exe"
Name: "{userstartup}\FPS Desktop"; Filename: "{app}\fps-desktop.exe"; Tasks: autostart

[Registry]
; fpsdesktop://open?guid=... opens the GUID in the running app from any web page.
Root: HKCU; Subkey: "Software\Classes\fpsdesktop"; ValueType: string; ValueData: "URL:FPS Desktop"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\fpsdesktop"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\fpsdesktop\shell\open\command"; ValueType: string; ValueData: """{app}\fps-desktop.exe"" open-url ""%1"""

[Run]
Filename: "{app}\fps-desktop.exe"; Description: "Start FPS Desktop"; Flags: nowait postinstall skipifsilent
