using System.Runtime.InteropServices;

namespace SimpleBB.Bench;

/// <summary>SIGTERM, so children shut down the way a service manager stops them.</summary>
public static partial class Signals
{
    private const int SigTerm = 15;

    public static void Terminate(int pid) => _ = kill(pid, SigTerm);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
