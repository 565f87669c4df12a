using System.Net;
using System.Net.Sockets;

namespace SimpleBB.Server;

/// <summary>
/// Turns --listen into the IP address to bind: people write "localhost" or the machine's name as readily as an
/// address. A name is resolved once at start (IPv4 preferred, as 0.0.0.0 is the default).
/// </summary>
public static class ListenAddress
{
    /// <summary>The address as text, or null with <paramref name="problem"/> saying why in one line.</summary>
    public static string? Resolve(string value, out string problem)
    {
        problem = "";
        if (IPAddress.TryParse(value, out var address))
        {
            return address.ToString();
        }
        try
        {
            var addresses = Dns.GetHostAddresses(value);
            if ((addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()) is { } first)
            {
                return first.ToString();
            }
            problem = $"--listen \"{value}\" resolves to no address";
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            problem = $"--listen \"{value}\" is neither an IP address nor a host name this machine can resolve ({ex.Message})";
        }
        return null;
    }
}
