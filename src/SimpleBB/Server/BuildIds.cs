using System.Globalization;

namespace SimpleBB.Server;

/// <summary>
/// Build ids are "&lt;epoch&gt;-&lt;n&gt;": the epoch is the server's start time in base 36 milliseconds, so ids never repeat
/// across restarts, and an id tells whether this server instance or an earlier one issued it.
/// </summary>
internal sealed class BuildIds
{
    private readonly string _prefix;
    private long _next;

    public BuildIds(DateTimeOffset start)
    {
        Epoch = ToBase36(start.ToUnixTimeMilliseconds());
        _prefix = Epoch + "-";
    }

    public string Epoch { get; }

    public string Next() => _prefix + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);

    /// <summary>True when this server instance issued the id.</summary>
    public bool IsOurs(string id) => id.StartsWith(_prefix, StringComparison.Ordinal);

    private static string ToBase36(long value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        Span<char> buffer = stackalloc char[16];
        var i = buffer.Length;
        do
        {
            buffer[--i] = digits[(int)(value % 36)];
            value /= 36;
        }
        while (value > 0);
        return new string(buffer[i..]);
    }
}
