// The integration tests run shell scripts and send POSIX signals: they need Linux or macOS.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
