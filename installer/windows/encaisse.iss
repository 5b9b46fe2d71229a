; Encaisse - Windows installer (Inno Setup 6.3 or later). Step by step: installer/README.md.
;
;   python installer\windows\version.py        (writes version.iss from app\__init__.py)
;   iscc installer\windows\encaisse.iss        (or: iscc /DAppVersion=1.2.3 installer\windows\encaisse.iss)
;
; Installs the PyInstaller one-folder bundle dist\encaisse\ (make bundle / pyinstaller installer\encaisse.spec).
; Relative paths below are from this script's folder.

#ifndef AppVersion
  #if FileExists(AddBackslash(SourcePath) + "version.iss")
    #include "version.iss"
  #else
    #error version.iss is missing: run "python installer\windows\version.py" first, or pass /DAppVersion=x.y.z
  #endif
#endif

#define AppName "Encaisse"
#define AppExe "encaisse.exe"
#define Bundle "..\..\dist\encaisse"
#define AppIcon "..\..\resources\icons\app\encaisse.ico"
#define AssocExt ".encaisse"
#define AssocKey "Encaisse.Dossier"

[Setup]
; The AppId identifies Encaisse across versions (upgrades install over it): never change it.
AppId={{12032488-9493-4C8A-B3B7-DB1B318DA213}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Without administrator rights it installs for the current user only (a TPE's PC is often locked down);
; {autopf} and HKA then mean the user's own Programs folder and HKEY_CURRENT_USER.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
SetupIconFile={#AppIcon}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
WizardStyle=modern
OutputDir=..\..\dist\installer
OutputBaseFilename=Encaisse-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
; A running Encaisse is asked to close before its files are replaced (it closes its dossier cleanly).
CloseApplications=yes

[Languages]
; French first: it is the fallback when Windows' display language is neither.
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
french.AssocName=Dossier Encaisse
english.AssocName=Encaisse dossier
french.AssocTask=Ouvrir les fichiers .encaisse avec Encaisse
english.AssocTask=Open .encaisse files with Encaisse
french.AssocGroup=Type de fichier :
english.AssocGroup=File type:

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "association"; Description: "{cm:AssocTask}"; GroupDescription: "{cm:AssocGroup}"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; The dossier files' icon (the same artwork as the program's), referred to by the association below.
Source: "{#AppIcon}"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Registry]
; .encaisse -> Encaisse.Dossier: double-clicking a dossier opens it ("encaisse.exe" "path"); its own icon.
Root: HKA; Subkey: "Software\Classes\{#AssocExt}"; ValueType: string; ValueName: ""; ValueData: "{#AssocKey}"; Flags: uninsdeletevalue; Tasks: association
Root: HKA; Subkey: "Software\Classes\{#AssocExt}\OpenWithProgids"; ValueType: string; ValueName: "{#AssocKey}"; ValueData: ""; Flags: uninsdeletevalue; Tasks: association
Root: HKA; Subkey: "Software\Classes\{#AssocKey}"; ValueType: string; ValueName: ""; ValueData: "{cm:AssocName}"; Flags: uninsdeletekey; Tasks: association
Root: HKA; Subkey: "Software\Classes\{#AssocKey}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\encaisse.ico,0"; Tasks: association
Root: HKA; Subkey: "Software\Classes\{#AssocKey}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Tasks: association
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: "{#AssocExt}"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; Uninstalling removes only what is listed above. The user's data is deliberately left alone: the dossiers
; (.encaisse files, wherever the user saved them) and the data folder %LOCALAPPDATA%\Encaisse (recent list,
; automatic backups - platformdirs' user_data_dir), so reinstalling or upgrading finds everything again.
; There is therefore no [UninstallDelete] section.
