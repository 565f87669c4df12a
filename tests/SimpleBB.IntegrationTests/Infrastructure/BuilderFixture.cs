using Serilog;
using Serilog.Core;
using SimpleBB.Builder;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>A real builder agent in this process with its own data folder, talking to a server on 127.0.0.1.</summary>
internal sealed class BuilderFixture : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Logger _logger;
    private readonly Task _run;

    private BuilderFixture(BuilderOptions options, string logPath)
    {
        Options = options;
        LogPath = logPath;
        _logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.File(logPath).CreateLogger();
        Agent = new BuilderAgent(options, _logger);
        _run = Agent.RunAsync(_stop.Token);
    }

    public BuilderAgent Agent { get; }

    public BuilderOptions Options { get; }

    public string LogPath { get; }

    public string Log => LogFiles.Read(LogPath);

    /// <summary>Starts a builder named <paramref name="name"/> whose data lives in &lt;folder&gt;/&lt;name&gt;.</summary>
    public static BuilderFixture Start(string folder, int port, string name, string scripts,
        Func<BuilderOptions, BuilderOptions>? configure = null)
    {
        var data = Path.Combine(folder, name);
        var options = new BuilderOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Name = name,
            ScriptsDirectory = scripts,
            DataDirectory = data,
            MinBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(400),
            ShutdownGrace = TimeSpan.FromSeconds(1),
            KillGrace = TimeSpan.FromSeconds(1),
        };
        Directory.CreateDirectory(data);
        return new BuilderFixture(configure?.Invoke(options) ?? options, Path.Combine(data, "builder.log"));
    }

    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(60));
            _logger.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
