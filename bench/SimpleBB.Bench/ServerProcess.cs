using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SimpleBB.Protocol;

namespace SimpleBB.Bench;

/// <summary>A real simplebb-server child in its own temp folder, listening on 127.0.0.1.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string Token = "bench-token-0123456789abcdef0123456789abcdef";

    private readonly Process _process;

    private ServerProcess(Process process, string folder, int port, TimeSpan startup)
    {
        _process = process;
        Folder = folder;
        Port = port;
        Startup = startup;
    }

    public string Folder { get; }
    public int Port { get; }

    /// <summary>From Process.Start until the port accepted a connection.</summary>
    public TimeSpan Startup { get; }

    public int Pid => _process.Id;

    public string LogFile => Path.Combine(Folder, "server.log");

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>
    /// A suggest or status connection through the library's client, welcomed, with <paramref name="pipelined"/> sent
    /// after hello. Its queue takes a whole window of pipelined suggestions (see Benchmark.SuggestManyAsync).
    /// </summary>
    public Task<ProtocolClient> ConnectClientAsync(string role, IEnumerable<Message> pipelined, CancellationToken cancellationToken) =>
        ProtocolClient.ConnectAsync(
            new ProtocolClientOptions { Host = "127.0.0.1", Port = Port, MaxLineBytes = 64 * 1024 * 1024, MaxPendingMessages = 4096 },
            new Hello { Role = role, Name = "bench-" + role, Version = "bench", Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Token = Token },
            pipelined, null, cancellationToken);

    /// <summary>Resident memory now, from /proc.</summary>
    public long RssBytes => Rss.Of(_process.Id);

    public static async Task<ServerProcess> StartAsync(string bin, string folder, CancellationToken cancellationToken, IEnumerable<string>? extraArgs = null)
    {
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var info = new ProcessStartInfo(Path.Combine(bin, "simplebb-server"))
        {
            WorkingDirectory = folder,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--listen", "127.0.0.1", "--port", port.ToString(), "--max-connections", "20000", "--quiet" })
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var arg in extraArgs ?? [])
        {
            info.ArgumentList.Add(arg);
        }
        ChildEnvironment(info, folder);
        var start = Stopwatch.GetTimestamp();
        var process = Process.Start(info)!;
        // The last lines of stderr say why a server that exits at start did (a store it cannot read, say).
        var lastErrors = new Queue<string>();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (lastErrors)
            {
                if (e.Data is { Length: > 0 } line)
                {
                    lastErrors.Enqueue(line);
                    while (lastErrors.Count > 3)
                    {
                        lastErrors.Dequeue();
                    }
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (true)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (SocketException) when (!process.HasExited && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Yield();
            }
            catch (SocketException) when (process.HasExited)
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false); // stderr read to its end
                string said;
                lock (lastErrors)
                {
                    said = string.Join(" / ", lastErrors);
                }
                var code = process.ExitCode;
                process.Dispose();
                throw new IOException($"simplebb-server exited with {code} before listening{(said.Length > 0 ? ": " + said : "")}");
            }
        }
        return new ServerProcess(process, folder, port, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>The environment every benchmark child gets: its own HOME and the shared token.</summary>
    public static void ChildEnvironment(ProcessStartInfo info, string home)
    {
        info.Environment["HOME"] = home;
        info.Environment["SIMPLEBB_TOKEN"] = Token;
        foreach (var name in new[] { "SIMPLEBB_PORT", "SIMPLEBB_HOST", "SIMPLEBB_LISTEN", "SIMPLEBB_LOG_FILE", "SIMPLEBB_NO_AUTH" })
        {
            info.Environment.Remove(name);
        }
        info.Environment["SIMPLEBB_HTTP"] = "off"; // the web phase turns the page on with --http
    }

    /// <summary>A port outside the ephemeral range, free right now.</summary>
    public static int FreePort()
    {
        for (var port = 20_000 + Random.Shared.Next(12_000); ; port = 20_000 + Random.Shared.Next(12_000))
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Terminate(_process.Id);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
