using System.Globalization;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;

namespace SimpleBB.IntegrationTests;

/// <summary>How the server executable starts and stops when things are not fine.</summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Server_on_SIGTERM_says_bye_to_connected_peers_flushes_its_log_and_exits_0()
    {
        var log = _dir["server.log"];
        var port = EndToEndTests.FreePort();
        await using var server = ChildProcess.Start("server", ["--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--log-file", log, "--quiet", "--no-auth"]);
        await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == 1, "the server to listen\n" + server.Output);
        await using var builder = await RawPeer.HelloAsync(port, Roles.Builder, "waiting");
        await using var suggester = await RawPeer.HelloAsync(port, Roles.Suggest, "idle");

        Assert.Equal(0, await server.TerminateAsync());

        Assert.Equal("server shutting down", (await builder.ReceiveAsync<Bye>()).Reason);
        Assert.IsType<Bye>(await suggester.ReceiveAsync<Bye>());
        Assert.True(await builder.IsClosedByServerAsync());
        Assert.EndsWith("Server stopped", LogFiles.Lines(log)[^1]);
    }

    [Fact]
    public async Task Server_exits_1_at_start_when_its_log_cannot_be_written_because_the_disk_is_full()
    {
        var result = await Executables.RunAsync("server", ["--listen", "127.0.0.1", "--port", "0", "--log-file", "/dev/full", "--store", _dir["simplebb.db"], "--quiet", "--no-auth"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot write log file /dev/full", result.Stderr);
    }
}
