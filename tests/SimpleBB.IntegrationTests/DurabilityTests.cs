using System.Diagnostics;
using System.Globalization;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>kill -9 on either side: every result produced reaches server.log exactly once, none is invented.</summary>
public sealed class DurabilityTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    private const string Token = "durability-test-token";

    private static async Task<string> SuggestAsync(int port, string project, string revision, string? token = null)
    {
        var outcome = Assert.Single(await SuggestClient.SuggestAsync("127.0.0.1", port, "test", project, [revision], TimeSpan.FromSeconds(10), CancellationToken.None, token));
        return outcome.BuildId!;
    }

    private ChildProcess StartServer(int port) =>
        ChildProcess.Start("server", ["--listen", "127.0.0.1", "--port", P(port), "--log-file", _dir["server.log"], "--quiet", "--token", Token]);

    [Fact]
    public async Task Every_result_is_logged_exactly_once_when_the_server_is_killed_with_kill_9_mid_flight()
    {
        _dir.Script("scripts", "quick", "echo quick $1");
        _dir.Script("scripts", "slow", $"while [ ! -e {_dir["release"]} ]; do sleep 0.02; done; echo slow $1");
        var log = _dir["server.log"];
        var port = EndToEndTests.FreePort();
        var server = StartServer(port);
        await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == 1, "the server to listen\n" + server.Output);
        await using var builder = BuilderFixture.Start(_dir.Path, port, "steady", _dir["scripts"], o => o with { Jobs = 2, Token = Token });
        await Eventually.TrueAsync(() => LogFiles.Count(log, "Builder steady connected") == 1, "the builder to connect");

        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await SuggestAsync(port, "quick", $"q{i}", Token));
        }
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await SuggestAsync(port, "slow", $"s{i}", Token));
        }
        await Eventually.TrueAsync(() => LogFiles.Count(log, "SUCCESS quick/") >= 5, "some results before the kill");
        await server.KillHardAsync();
        File.WriteAllText(_dir["release"], "");
        await Eventually.TrueAsync(() => builder.Agent.Outbox.Count > 0, "results waiting in the outbox while the server is down");

        await using var restarted = StartServer(port);
        await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == 2, "the restarted server to listen\n" + restarted.Output);
        await Eventually.TrueAsync(() => ids.All(id => LogFiles.Count(log, $"[build {id}] from") >= 1),
            "every build's result after the restart\n" + LogFiles.Read(log));

        foreach (var id in ids)
        {
            Assert.Equal(1, LogFiles.Count(log, $"[build {id}] from"));
        }
        await Eventually.TrueAsync(() => builder.Agent.Outbox.Count == 0, "the outbox to empty");
        Assert.Contains("results already recorded", LogFiles.Read(log));
        Assert.Equal(0, await restarted.TerminateAsync());
        await server.DisposeAsync();
    }

    [Fact]
    public async Task A_builder_killed_with_kill_9_mid_build_is_logged_as_lost_and_never_reports_that_build()
    {
        _dir.Script("scripts", "slow", $"touch {_dir["started"]}; while [ ! -e {_dir["release"]} ]; do sleep 0.02; done");
        _dir.Script("scripts", "foo", "echo ok");
        await using var server = ServerFixture.Start(_dir.Path);
        string[] args = ["--port", P(server.Port), "--name", "victim", "--scripts", _dir["scripts"], "--data-dir", _dir["data"], "--log-file", _dir["builder.log"]];
        var env = new Dictionary<string, string> { ["HOME"] = _dir.Path };
        var builder = ChildProcess.Start("builder", args, env);
        await server.WaitForBuildersAsync(1);

        var lost = await SuggestAsync(server.Port, "slow", "doomed");
        await Eventually.TrueAsync(() => File.Exists(_dir["started"]), "the build to start");
        using (var process = Process.GetProcessById(builder.Id))
        {
            process.Kill(entireProcessTree: true); // SIGKILL to the builder and its script
        }
        await server.WaitForLogAsync("Builder victim (127.0.0.1:");
        Assert.Contains(lost, LogFiles.Lines(server.LogPath).Single(l => l.Contains("builds in progress", StringComparison.Ordinal)));

        File.WriteAllText(_dir["release"], "");
        await using var again = ChildProcess.Start("builder", args, env);
        await server.WaitForLogAsync("Builder victim connected", count: 2);
        await SuggestAsync(server.Port, "foo", "after");
        await server.WaitForLogAsync("SUCCESS foo/after on victim");

        Assert.DoesNotContain($"[build {lost}] from", server.Log);
        await Eventually.TrueAsync(() => Directory.GetFiles(_dir["data/outbox"]).Length == 0, "the last result to be acknowledged");
        await builder.DisposeAsync();
    }
}
