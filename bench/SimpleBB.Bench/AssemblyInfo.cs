// The benchmark drives Unix processes (file modes, signals, /proc): Linux, and macOS where /proc is not needed.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
