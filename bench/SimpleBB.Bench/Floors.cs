using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SimpleBB.Bench;

/// <summary>What the machine itself costs, measured in the same run: the figures SimpleBB is compared with.</summary>
public static class Floors
{
    /// <summary>One byte there and back over a loopback TCP connection, in microseconds.</summary>
    public static Samples RoundTrip(int count)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndPoint!);
        using var server = listener.Accept();
        server.NoDelay = true;
        var echo = new Thread(() =>
        {
            // The measuring side closes both sockets when it is done, which aborts this Receive;
            // an exception left unhandled on a thread would take the whole benchmark down.
            var one = new byte[1];
            try
            {
                while (server.Receive(one) == 1)
                {
                    server.Send(one);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }) { IsBackground = true };
        echo.Start();
        var buffer = new byte[1];
        var samples = new Samples();
        for (var i = 0; i < count + count / 10; i++)
        {
            var start = Stopwatch.GetTimestamp();
            client.Send(buffer);
            client.Receive(buffer);
            if (i >= count / 10)
            {
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }
        client.Shutdown(SocketShutdown.Both);
        echo.Join(TimeSpan.FromSeconds(5));
        return samples;
    }

    /// <summary>Starting the build script and waiting for it to exit, output redirected as a builder does, in milliseconds.</summary>
    public static async Task<Samples> SpawnAsync(string script, int count)
    {
        var samples = new Samples();
        for (var i = 0; i < count + 2; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var process = Process.Start(new ProcessStartInfo(script, "master")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            await process.WaitForExitAsync().ConfigureAwait(false);
            if (i >= 2)
            {
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        return samples;
    }

    /// <summary>
    /// Starting <paramref name="width"/> copies of the build script at once and waiting until all have exited, output
    /// redirected as a builder does, in milliseconds a round: what <paramref name="width"/> builders on this machine
    /// pay for their scripts alone when a suggestion reaches them all. Measured, not derived from one spawn: on a small
    /// machine concurrent starts contend for the cores, caches and the kernel, so they do not scale with the cores.
    /// </summary>
    public static async Task<Samples> SpawnAtOnceAsync(string script, int width, int rounds)
    {
        var samples = new Samples();
        for (var round = 0; round < rounds + 1; round++)
        {
            var start = Stopwatch.GetTimestamp();
            var runs = new Task[width];
            for (var i = 0; i < width; i++)
            {
                var process = Process.Start(new ProcessStartInfo(script, "master")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                })!;
                runs[i] = WaitAndDisposeAsync(process);
            }
            await Task.WhenAll(runs).ConfigureAwait(false);
            if (round >= 1)
            {
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }
        return samples;

        static async Task WaitAndDisposeAsync(Process process)
        {
            using (process)
            {
                await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Writing one build-sized line to each of <paramref name="connections"/> loopback sockets, one after the other,
    /// in microseconds per connection: the least any fan-out can cost.
    /// </summary>
    public static Samples WritePerConnection(int connections, int rounds)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4096);
        var clients = new List<Socket>(connections);
        var accepted = new List<Socket>(connections);
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                client.Connect(listener.LocalEndPoint!);
                clients.Add(client);
                accepted.Add(listener.Accept());
            }
            var line = new byte[150];
            Array.Fill(line, (byte)'x');
            line[^1] = (byte)'\n';
            var samples = new Samples();
            var drain = new byte[64 * 1024];
            for (var round = 0; round < rounds; round++)
            {
                var start = Stopwatch.GetTimestamp();
                foreach (var socket in accepted)
                {
                    socket.Send(line);
                }
                samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds / connections);
                foreach (var client in clients)
                {
                    client.Receive(drain);
                }
            }
            return samples;
        }
        finally
        {
            foreach (var socket in clients.Concat(accepted))
            {
                socket.Dispose();
            }
        }
    }
}
