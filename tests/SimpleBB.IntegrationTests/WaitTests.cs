using System.Globalization;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>simplebb-suggest --wait against several real builders.</summary>
public sealed class WaitTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<SuggestOutcome> WaitAsync(int port, string project, TimeSpan? timeout = null, List<Message>? events = null)
    {
        var outcomes = await SuggestClient.SuggestAsync("127.0.0.1", port, "test", project, ["main"], timeout ?? TimeSpan.FromSeconds(30),
            CancellationToken.None, wait: true, onEvent: (_, m) => { lock (events ?? []) { events?.Add(m); } });
        return Assert.Single(outcomes);
    }

    private async Task<ServerFixture> StartWithBuildersAsync(params (string Name, string Scripts)[] builders)
    {
        var server = ServerFixture.Start(_dir.Path);
        foreach (var (name, scripts) in builders)
        {
            _builders.Add(BuilderFixture.Start(_dir.Path, server.Port, name, _dir[scripts]));
        }
        await server.WaitForBuildersAsync(builders.Length);
        return server;
    }

    private readonly List<BuilderFixture> _builders = [];

    private async Task StopBuildersAsync()
    {
        foreach (var builder in _builders)
        {
            await builder.DisposeAsync();
        }
    }

    [Fact]
    public async Task Wait_reports_every_builder_and_exits_0_when_all_pass()
    {
        _dir.Script("a", "app", "echo fine");
        _dir.Script("b", "app", "echo fine too");
        await using var server = await StartWithBuildersAsync(("alpha", "a"), ("beta", "b"));

        var events = new List<Message>();
        var outcome = await WaitAsync(server.Port, "app", events: events);

        Assert.True(outcome.Settled);
        Assert.Equal(["alpha", "beta"], outcome.Results.Select(r => r.Builder!).Order());
        Assert.Equal(WaitReport.Passed, WaitReport.ExitCode([outcome]));
        Assert.IsType<Accepted>(events[0]);
        Assert.Equal("app main [build " + outcome.BuildId + "] on 2 builders: 2 passed, 0 failed", WaitReport.Summary("app", outcome));
        await StopBuildersAsync();
    }

    [Fact]
    public async Task Wait_exits_1_when_one_builder_fails_and_prints_its_output_with_output()
    {
        _dir.Script("a", "app", "echo fine");
        _dir.Script("b", "app", "echo 'compiler exploded'; exit 2");
        await using var server = await StartWithBuildersAsync(("alpha", "a"), ("beta", "b"));

        var outcome = await WaitAsync(server.Port, "app");

        Assert.Equal(WaitReport.Failed, WaitReport.ExitCode([outcome]));
        var failed = outcome.Results.Single(r => r.Builder == "beta");
        Assert.Equal("FAIL 2", WaitReport.Verdict(failed));
        Assert.Contains("    beta| compiler exploded", WaitReport.Line("app", outcome, failed, output: true));
        await StopBuildersAsync();
    }

    [Fact]
    public async Task A_builder_without_the_script_is_not_applicable_and_only_such_builders_exit_4()
    {
        _dir.Script("a", "app", "echo fine");
        Directory.CreateDirectory(_dir["empty"]);
        await using var server = await StartWithBuildersAsync(("alpha", "a"), ("beta", "empty"));

        var mixed = await WaitAsync(server.Port, "app");
        var nobody = await WaitAsync(server.Port, "other");

        Assert.Equal("N/A", WaitReport.Verdict(mixed.Results.Single(r => r.Builder == "beta")));
        Assert.Equal(WaitReport.Passed, WaitReport.ExitCode([mixed]));
        Assert.Equal(WaitReport.NotApplicable, WaitReport.ExitCode([nobody]));
        await server.WaitForLogAsync("N/A other/main on alpha");
        await StopBuildersAsync();
    }

    [Fact]
    public async Task A_builder_that_disconnects_mid_build_is_reported_lost_and_the_wait_exits_5()
    {
        _dir.Script("a", "app", "echo fine");
        _dir.Script("b", "app", $"touch {_dir["started"]}; sleep 30");
        await using var server = await StartWithBuildersAsync(("alpha", "a"), ("beta", "b"));
        var stopping = Task.Run(async () =>
        {
            await Eventually.TrueAsync(() => File.Exists(_dir["started"]), "beta's build to start");
            await server.Server.DisconnectBuilderForTestAsync("beta");
        });

        var outcome = await WaitAsync(server.Port, "app");
        await stopping;

        Assert.Equal("beta", Assert.Single(outcome.Lost).Builder);
        Assert.Equal(WaitReport.Unanswered, WaitReport.ExitCode([outcome]));
        Assert.EndsWith("no answer from: beta", WaitReport.Summary("app", outcome));
        await StopBuildersAsync();
    }

    [Fact]
    public async Task The_wait_ends_at_its_deadline_naming_who_did_not_answer()
    {
        _dir.Script("a", "app", "echo fine");
        _dir.Script("b", "app", $"while [ ! -e {_dir["release"]} ]; do sleep 0.05; done");
        await using var server = await StartWithBuildersAsync(("alpha", "a"), ("beta", "b"));

        var outcome = await WaitAsync(server.Port, "app", TimeSpan.FromSeconds(1.5));
        File.WriteAllText(_dir["release"], "");

        Assert.False(outcome.Settled);
        Assert.Equal(["beta"], outcome.Silent);
        Assert.Equal(WaitReport.Unanswered, WaitReport.ExitCode([outcome]));
        await StopBuildersAsync();
    }

    [Fact]
    public async Task The_suggest_executable_with_wait_prints_results_and_a_summary_and_exits_with_the_verdict()
    {
        _dir.Script("a", "app", "echo fine");
        _dir.Script("b", "app", "echo broken; exit 3");
        await using var server = await StartWithBuildersAsync(("alpha", "a"), ("beta", "b"));

        var run = await Executables.RunAsync("suggest", ["-p", server.Port.ToString(CultureInfo.InvariantCulture), "--wait", "--output", "--timeout", "30", "app", "main"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("PASS     app main on alpha in ", run.Stdout);
        Assert.Contains("FAIL 3   app main on beta in ", run.Stdout);
        Assert.Contains("\nbeta| broken\n", run.Stdout); // live, before its result
        Assert.DoesNotContain("    beta| broken", run.Stdout); // so the tail is not printed again
        Assert.Contains("on 2 builders: 1 passed, 1 failed", run.Stdout);
        await StopBuildersAsync();
    }
}
