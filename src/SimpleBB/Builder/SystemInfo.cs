using System.Runtime.InteropServices;
using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// The machine's identity for results. On Linux and macOS this calls libc <c>uname</c> directly (the runtime's
/// OSDescription names the distribution, not the kernel); elsewhere it uses the closest equivalents.
/// </summary>
public static class SystemInfo
{
    private static readonly Lazy<Uname> Cached = new(Read);

    public static Uname Uname => Cached.Value;

    private static Uname Read()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            try
            {
                return ReadPosix();
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // Fall through to the portable answer.
            }
        }
        return new Uname
        {
            Sysname = OperatingSystem.IsWindows() ? "Windows_NT" : RuntimeInformation.OSDescription,
            Nodename = Environment.MachineName,
            Release = Environment.OSVersion.Version.ToString(),
            Version = RuntimeInformation.OSDescription,
            Machine = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
        };
    }

    private static unsafe Uname ReadPosix()
    {
        // struct utsname: Linux has six 65-byte fields, macOS and FreeBSD five of 256; the buffer fits both.
        var fieldLength = OperatingSystem.IsLinux() ? 65 : 256;
        var buffer = stackalloc byte[6 * 256];
        if (uname(buffer) != 0)
        {
            throw new DllNotFoundException("uname failed");
        }
        string Field(int index)
        {
            var span = new ReadOnlySpan<byte>(buffer + index * fieldLength, fieldLength);
            var end = span.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
        }
        return new Uname { Sysname = Field(0), Nodename = Field(1), Release = Field(2), Version = Field(3), Machine = Field(4) };
    }

    [DllImport("libc", EntryPoint = "uname")]
    private static extern unsafe int uname(byte* buffer);
}
