using System.Runtime.InteropServices;

namespace SimpleBB.Server;

/// <summary>
/// Every connection costs a file descriptor. The JIT runtime raises the soft open-file limit to the hard limit by
/// itself; a NativeAOT executable does not, so the server does it (Linux and macOS) and reports the result.
/// </summary>
internal static class FileLimit
{
    private const int RlimitNofileLinux = 7;
    private const int RlimitNofileMac = 8;

    /// <summary>Raises the soft limit to the hard limit where allowed; returns the soft limit now in force, or null if unknown.</summary>
    public static long? RaiseToHardLimit()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }
        var resource = OperatingSystem.IsLinux() ? RlimitNofileLinux : RlimitNofileMac;
        if (getrlimit(resource, out var limit) != 0)
        {
            return null;
        }
        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (setrlimit(resource, in raised) == 0)
            {
                return (long)raised.Current;
            }
        }
        return (long)limit.Current;
    }

    [StructLayout(LayoutKind.Sequential)]
    private record struct RLimit(ulong Current, ulong Maximum);

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, in RLimit limit);
}
