using System.Globalization;
using System.Text.RegularExpressions;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>simplebb-cancel against a real server and builder: queued and running builds, tokens, unknown ids, old builders.</summary>
public sealed class CancelTests : IDisposable
{
    private const string Secret = "cancel-test-token";

    private readonly TempDir _dir = new();

    public CancelTests()
    {
        // A script and a child it waits for both say who they are, so the test can check that neither survives a cancel.
        _dir.Script("scripts", "app", $"echo $$ > {_dir["script.pid"]}\nsleep 60 &\necho $! > {_dir["sleep.pid"]}\nwait");
        _dir.Script("scripts", "later", $"touch {_dir["later-ran"]}");
    }

    public void Dispose() => _dir.Dispose();

    private ServerFixture StartServer() => ServerFixture.Start(_dir.Path, configure: o => o with { Token = Secret });

    private BuilderFixture StartBuilder(ServerFixture server) =>
        BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"], o => o with { Token = Secret, CancelGrace = TimeSpan.FromSeconds(5) });

    private static string Port(ServerFixture server) => server.Port.ToString(CultureInfo.InvariantCulture);

    private Task<(int ExitCode, string Stdout, string Stderr)> CancelAsync(ServerFixture server, params string[] args) =>
        Executables.RunAsync("cancel", ["-p", Port(server), .. args], env: new Dictionary<string, string> { ["SIMPLEBB_TOKEN"] = Secret });

    private async Task<string> SuggestAsync(ServerFixture server, string project) =>
        Assert.Single(await SuggestClient.SuggestAsync("127.0.0.1", server.Port, "test", project, ["main"], TimeSpan.FromSeconds(10),
            CancellationToken.None, Secret)).BuildId!;

    [Fact]
    public async Task Cancelling_a_running_build_stops_its_script_and_child_reports_it_CANCELLED_once_and_a_waiting_suggest_exits_6()
    {
        await using var server = StartServer();
        await using var builder = StartBuilder(server);
        await server.WaitForBuildersAsync(1);
        await using var waiting = ChildProcess.Start("suggest", ["-p", Port(server), "--wait", "app", "main"],
            new Dictionary<string, string> { ["SIMPLEBB_TOKEN"] = Secret });
        var pids = (Script: await Pids.ReadAsync(_dir["script.pid"]), Child: await Pids.ReadAsync(_dir["sleep.pid"]));
        var id = Regex.Match(server.Log, @"Build app/main suggested .*\[build (\S+)\]").Groups[1].Value;

        var cancel = await CancelAsync(server, id);

        Assert.Equal((0, $"build {id}: cancelling on alpha (each reports it as CANCELLED)\n", ""), cancel);
        Assert.Equal(6, await waiting.WaitForExitAsync());
        Assert.Contains("CANCELLED", waiting.Output);
        await server.WaitForLogAsync("CANCELLED app/main on alpha");
        await Eventually.TrueAsync(() => !Pids.IsAlive(pids.Script) && !Pids.IsAlive(pids.Child),
            $"script {pids.Script} and its child {pids.Child} to be gone", TimeSpan.FromSeconds(10));
        Assert.Equal(1, LogFiles.Count(server.LogPath, "CANCELLED app/main on alpha"));
        Assert.Contains("[simplebb: stopped because the build was cancelled (CANCELLED)]", builder.Log);
    }

    [Fact]
    public async Task Cancelling_a_queued_build_drops_it_at_once_while_the_build_before_it_still_runs()
    {
        await using var server = StartServer();
        await using var builder = StartBuilder(server);
        await server.WaitForBuildersAsync(1);
        var running = await SuggestAsync(server, "app");
        await Pids.ReadAsync(_dir["sleep.pid"]);
        var queued = await SuggestAsync(server, "later");

        var cancel = await CancelAsync(server, queued, "--builder", "alpha");

        Assert.Equal(0, cancel.ExitCode);
        await server.WaitForLogAsync("CANCELLED later/main on alpha");
        Assert.Equal(0, LogFiles.Count(server.LogPath, "app/main on alpha (")); // the build before it is still running
        Assert.Equal(0, (await CancelAsync(server, running)).ExitCode);
        await server.WaitForLogAsync("CANCELLED app/main on alpha");
        Assert.False(File.Exists(_dir["later-ran"]), "the cancelled build ran anyway");
    }

    [Fact]
    public async Task Cancelling_one_of_two_merged_builds_reports_only_that_one_and_the_run_goes_on_for_the_other()
    {
        _dir.Script("scripts", "gate", $"while [ ! -e {_dir["open"]} ]; do sleep 0.05; done");
        await using var server = StartServer();
        await using var builder = StartBuilder(server);
        await server.WaitForBuildersAsync(1);
        await SuggestAsync(server, "gate");
        var first = await SuggestAsync(server, "app");
        var second = await SuggestAsync(server, "app"); // waits behind the gate with the first: merged into one run
        await Eventually.TrueAsync(() => builder.Log.Contains($"Queued app/main [build {second}]", StringComparison.Ordinal), "the second build queued");
        File.WriteAllText(_dir["open"], "");
        var script = await Pids.ReadAsync(_dir["script.pid"]);

        Assert.Equal(0, (await CancelAsync(server, first)).ExitCode);

        await server.WaitForLogAsync("CANCELLED app/main on alpha (");
        Assert.Contains($"[build {first}]", LogFiles.Lines(server.LogPath).Single(l => l.Contains("CANCELLED app/main", StringComparison.Ordinal)));
        Assert.True(Pids.IsAlive(script), "the run stopped although another build id still needs it");
        Assert.Equal(0, (await CancelAsync(server, second)).ExitCode);
        await server.WaitForLogAsync("CANCELLED app/main on alpha (", count: 2);
        await Eventually.TrueAsync(() => !Pids.IsAlive(script), "the script to be stopped once its last build id is cancelled");
    }

    [Fact]
    public async Task Cancel_with_a_wrong_token_is_refused_and_the_build_goes_on()
    {
        await using var server = StartServer();
        await using var builder = StartBuilder(server);
        await server.WaitForBuildersAsync(1);
        var id = await SuggestAsync(server, "app");
        await Pids.ReadAsync(_dir["sleep.pid"]);

        var cancel = await Executables.RunAsync("cancel", ["-p", Port(server), "--token", "not-the-token", id]);

        Assert.Equal(1, cancel.ExitCode);
        Assert.Contains("unauthorized", cancel.Stderr);
        Assert.Equal(0, LogFiles.Count(server.LogPath, "CANCELLED"));
        Assert.True(Pids.IsAlive(await Pids.ReadAsync(_dir["script.pid"])), "the build stopped although the cancel was refused");
    }

    [Fact]
    public async Task Cancel_of_an_unknown_build_id_or_on_a_builder_without_it_says_nothing_was_cancelled_and_exits_4()
    {
        await using var server = StartServer();
        await using var builder = StartBuilder(server);
        await server.WaitForBuildersAsync(1);
        var id = await SuggestAsync(server, "app");
        await Pids.ReadAsync(_dir["sleep.pid"]);

        var unknown = await CancelAsync(server, "zzzzzzzz-99");
        var elsewhere = await CancelAsync(server, id, "--builder", "beta");

        Assert.Equal(4, unknown.ExitCode);
        Assert.Equal("simplebb-cancel: nothing cancelled: no connected builder is building zzzzzzzz-99: the build id is unknown, or every builder has reported it\n",
            unknown.Stderr);
        Assert.Equal(4, elsewhere.ExitCode);
        Assert.Contains($"builder beta is not building {id}", elsewhere.Stderr);
        Assert.Equal(0, LogFiles.Count(server.LogPath, "CANCELLED"));
    }

    [Fact]
    public async Task A_builder_that_speaks_protocol_2_is_never_sent_cancel_and_the_client_is_told_it_cannot_cancel_there()
    {
        await using var server = StartServer();
        await using var old = await RawPeer.ConnectAsync(server.Port);
        await old.SendAsync(new Hello { Role = Roles.Builder, Name = "old", Version = "0.1.0", Protocol = 1, MaxProtocol = 2, Token = Secret });
        Assert.Equal(2, (await old.ReceiveAsync<Welcome>()).Protocol);
        var id = await SuggestAsync(server, "app");
        Assert.Equal(id, (await old.ReceiveAsync<BuildMessage>()).Id);

        var cancel = await CancelAsync(server, id);

        Assert.Equal(4, cancel.ExitCode);
        Assert.Contains("cannot cancel it (old); it will finish there", cancel.Stderr);
        await old.SendAsync(Ping.Instance);
        Assert.IsType<Pong>(await old.ReceiveAsync()); // the next line after the build: no cancel came before it
    }

    [Fact]
    public async Task Simplebb_cancel_refuses_a_malformed_build_id_before_connecting()
    {
        var result = await Executables.RunAsync("cancel", ["-p", EndToEndTests.FreePort().ToString(CultureInfo.InvariantCulture), "a/b"]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("simplebb-cancel: build id \"a/b\" may contain only", result.Stderr);
    }
}
