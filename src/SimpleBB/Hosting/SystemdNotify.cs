using System.Net.Sockets;
using System.Text;

namespace SimpleBB.Hosting;

/// <summary>
/// The sd_notify(3) protocol, which is one datagram to the socket systemd names in NOTIFY_SOCKET: with Type=notify a
/// unit counts as started when the daemon says READY=1, and STATUS= shows in `systemctl status`. Written here
/// because it is ten lines, and no package is needed for ten lines. Does nothing outside systemd.
/// </summary>
public static class SystemdNotify
{
    /// <summary>True when a service manager listens (NOTIFY_SOCKET is set).</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 };

    /// <summary>Sends "KEY=value" lines; returns false (and never throws) when there is no one to tell or it fails.</summary>
    public static bool Send(string state)
    {
        if (Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is not { Length: > 0 } path || OperatingSystem.IsWindows())
        {
            return false;
        }
        try
        {
            // "@name" is a Linux abstract socket, written with a leading NUL.
            var endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(state), endpoint);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            return false;
        }
    }
}
