// SimpleBB runs where build scripts are executable files with a #! line: Linux and macOS.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
