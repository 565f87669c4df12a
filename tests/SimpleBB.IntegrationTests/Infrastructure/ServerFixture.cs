using Serilog;
using Serilog.Core;
using SimpleBB.Hosting;
using SimpleBB.Server;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>
/// A real server on 127.0.0.1 (port 0 unless given) logging to a real server.log in a temp folder.
/// Disposing it stops it cleanly and fails the test if the server logged an error it was not told to expect.
/// </summary>
internal sealed class ServerFixture : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Logger _logger;
    private readonly Task _run;

    private ServerFixture(string logPath, ServerOptions options)
    {
        LogPath = logPath;
        var sink = new FileLogSink(logPath, LogSetup.FileFormatter(), 64L * 1024 * 1024, 3);
        _logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        Server = new SimpleBbServer(options, _logger, sink);
        Server.Start();
        _run = Server.RunAsync(_stop.Token);
    }

    public SimpleBbServer Server { get; }

    /// <summary>The logger writing server.log (the web dashboard logs there too).</summary>
    public ILogger Logger => _logger;

    public string LogPath { get; }

    public int Port => Server.LocalEndPoint.Port;

    public bool ErrorsExpected { get; set; }

    public static ServerFixture Start(string folder, int port = 0, Func<ServerOptions, ServerOptions>? configure = null)
    {
        var options = new ServerOptions { Listen = "127.0.0.1", Port = port, Name = "test-server", StoreFile = Path.Combine(folder, "simplebb.db"), HistoryFile = Path.Combine(folder, "history.jsonl"), OutputFolder = folder };
        return new ServerFixture(Path.Combine(folder, "server.log"), configure?.Invoke(options) ?? options);
    }

    public string Log => LogFiles.Read(LogPath);

    public Task WaitForLogAsync(string fragment, int count = 1, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(() => LogFiles.Count(LogPath, fragment) >= count, $"{count} server.log line(s) with \"{fragment}\"\n{Log}", timeout);

    public Task WaitForBuildersAsync(int count) =>
        Eventually.TrueAsync(() => Server.ConnectedBuilders == count, $"{count} connected builder(s)\n{Log}");

    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
            _logger.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (!ErrorsExpected)
        {
            var errors = LogFiles.Lines(LogPath).Where(l => l.Contains("[ERR]", StringComparison.Ordinal)).ToArray();
            Assert.True(errors.Length == 0, "the server logged errors:\n" + string.Join('\n', errors));
        }
    }
}
