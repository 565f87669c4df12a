using System.Net;

namespace SimpleBB.Server;

/// <summary>
/// Reads --http: "ADDR:PORT" (an IP address or host name; IPv6 in brackets, "[::1]:7901"), a port alone (loopback),
/// or "off". The default is loopback only, because build output can hold secrets.
/// </summary>
public static class HttpAddress
{
    public const string Default = "127.0.0.1:7901";

    /// <summary>True for "off" (and "none", "no", "0", "false"): no web dashboard.</summary>
    public static bool IsOff(string value) =>
        value.Trim().ToLowerInvariant() is "off" or "none" or "no" or "0" or "false";

    /// <summary>The endpoint to bind, or null with <paramref name="problem"/> saying why in one line.</summary>
    public static IPEndPoint? Parse(string value, out string problem)
    {
        problem = "";
        var text = value.Trim();
        string host;
        string portText;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            (host, portText) = ("127.0.0.1", text);
        }
        else if (text.StartsWith('[') && text.IndexOf("]:", StringComparison.Ordinal) is var close and > 0)
        {
            (host, portText) = (text[1..close], text[(close + 2)..]);
        }
        else if (text.LastIndexOf(':') is var colon and > 0 && text.IndexOf(':') == colon)
        {
            (host, portText) = (text[..colon], text[(colon + 1)..]);
        }
        else
        {
            problem = $"--http \"{value}\" must be ADDRESS:PORT (e.g. {Default}, [::1]:7901, 0.0.0.0:7901), a port, or off";
            return null;
        }
        if (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            problem = $"--http \"{value}\": the port must be a whole number from 0 to 65535";
            return null;
        }
        if (ListenAddress.Resolve(host, out var unresolved) is not { } address)
        {
            problem = unresolved.Replace("--listen", "--http", StringComparison.Ordinal);
            return null;
        }
        return new IPEndPoint(IPAddress.Parse(address), port);
    }

    /// <summary>Whether only this machine can reach the address.</summary>
    public static bool IsLoopback(IPEndPoint endpoint) => IPAddress.IsLoopback(endpoint.Address);
}
