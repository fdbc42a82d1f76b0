@echo off
REM The engine's Node.js dynamic-provider plugin for this project on Windows (see the sh script beside it).
node "%~dp0..\dynamicProviderHost.js" %*
