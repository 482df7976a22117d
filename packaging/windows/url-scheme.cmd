@echo off
rem fpsdesktop://open?guid=... for a copy of FPS Desktop set up without the installer, for the
rem user who runs this: put it next to fps-desktop.exe and run it, or give the folder that holds
rem fps-desktop.exe as its argument. The installer writes the same keys itself.
setlocal
set "app=%~1"
if "%app%"=="" set "app=%~dp0"
if not "%app:~-1%"=="\" set "app=%app%\"
if not exist "%app%fps-desktop.exe" (
  echo error: no fps-desktop.exe in %app% 1>&2
  exit /b 2
)
reg add "HKCU\Software\Classes\fpsdesktop" /ve /d "URL:FPS Desktop" /f >nul
if errorlevel 1 exit /b 1
reg add "HKCU\Software\Classes\fpsdesktop" /v "URL Protocol" /d "" /f >nul
if errorlevel 1 exit /b 1
reg add "HKCU\Software\Classes\fpsdesktop\shell\open\command" /ve /d "\"%app%fps-desktop.exe\" open-url \"%%1\"" /f >nul
if errorlevel 1 exit /b 1
echo fpsdesktop:// links now open %app%fps-desktop.exe
