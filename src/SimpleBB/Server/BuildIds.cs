using System.Globalization;

namespace SimpleBB.Server;

/// <summary>
/// Build ids are "&lt;epoch&gt;-&lt;n&gt;": the epoch is the server's start time in base 36 milliseconds, so ids never repeat
/// across restarts, and an id tells whether this server instance or an earlier one issued it.
/// </summary>
internal sealed class BuildIds
{
    /// <summary>How old a result from an earlier server instance may be and still be accepted.</summary>
    public static readonly TimeSpan MaxEarlierAge = TimeSpan.FromDays(365);

    private readonly string _prefix;
    private readonly long _startMs;
    private long _next;

    public BuildIds(DateTimeOffset start)
    {
        _startMs = start.ToUnixTimeMilliseconds();
        Epoch = ToBase36(_startMs);
        _prefix = Epoch + "-";
    }

    public string Epoch { get; }

    public string Next() => _prefix + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);

    /// <summary>True when this server instance issued the id.</summary>
    public bool IsOurs(string id) => id.StartsWith(_prefix, StringComparison.Ordinal);

    /// <summary>
    /// True when the id has the shape of one an earlier server instance issued (within <see cref="MaxEarlierAge"/>);
    /// such a result may have waited in a builder's outbox across a server restart.
    /// </summary>
    public bool IsFromEarlierServer(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        if (dash is < 1 or > 12 || dash == id.Length - 1 || id.AsSpan(dash + 1).ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }
        long epoch = 0;
        foreach (var c in id.AsSpan(0, dash))
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : -1;
            if (digit < 0)
            {
                return false;
            }
            epoch = epoch * 36 + digit;
        }
        return epoch < _startMs && epoch > _startMs - (long)MaxEarlierAge.TotalMilliseconds;
    }

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
