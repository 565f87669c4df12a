using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>What a builder does with scripts that misbehave, queued builds, and its own shutdown: real scripts, real process trees.</summary>
public sealed class BuilderRobustnessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Scripts => _dir["scripts"];

    private static async Task<string> SuggestAsync(int port, string project, string revision)
    {
        var outcome = Assert.Single(await SuggestClient.SuggestAsync("127.0.0.1", port, "test", project, [revision], TimeSpan.FromSeconds(10),
            CancellationToken.None));
        return outcome.BuildId!;
    }

    /// <summary>A process is gone when /proc has no entry for it or it is a zombie waiting to be reaped.</summary>
    private static bool IsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return true;
        }
    }

    private async Task<int> PidAsync(string file)
    {
        var path = _dir[file];
        await Eventually.TrueAsync(() => File.Exists(path) && File.ReadAllText(path).EndsWith('\n'), file);
        return int.Parse(File.ReadAllText(path).Trim());
    }

    [Fact]
    public async Task Builder_kills_the_whole_process_tree_at_the_timeout_and_reports_TIMEOUT_saying_after_how_many_seconds()
    {
        _dir.Script("scripts", "slow", $"sleep 300 & echo $! > {_dir["child.pid"]}\necho $$ > {_dir["script.pid"]}\nsleep 300");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts,
            o => o with { BuildTimeout = TimeSpan.FromSeconds(1), KillGrace = TimeSpan.FromSeconds(1) });
        await server.WaitForBuildersAsync(1);

        var id = await SuggestAsync(server.Port, "slow", "master");
        var script = await PidAsync("script.pid");
        var child = await PidAsync("child.pid");

        await server.WaitForLogAsync($"TIMEOUT slow/master on alpha (");
        Assert.Contains(LogFiles.Lines(server.LogPath), l => l.Contains("TIMEOUT slow/master", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal));
        await Eventually.TrueAsync(() => IsGone(script) && IsGone(child), "the script and its background child to be gone");
        await Eventually.TrueAsync(() => builder.Log.Contains("[simplebb: killed after 1 s, the build timeout (--timeout)]", StringComparison.Ordinal),
            "the timeout note in the output\n" + builder.Log);
    }

    [Fact]
    public async Task A_script_that_ignores_SIGTERM_is_killed_after_the_grace_period()
    {
        _dir.Script("scripts", "stubborn", $"trap '' TERM\necho $$ > {_dir["script.pid"]}\nwhile true; do sleep 0.1; done");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts,
            o => o with { BuildTimeout = TimeSpan.FromSeconds(1), KillGrace = TimeSpan.FromSeconds(1) });
        await server.WaitForBuildersAsync(1);

        await SuggestAsync(server.Port, "stubborn", "master");
        var script = await PidAsync("script.pid");

        await server.WaitForLogAsync("TIMEOUT stubborn/master on alpha (");
        await Eventually.TrueAsync(() => IsGone(script), "the script that ignored SIGTERM to be killed");
    }

    [Fact]
    public async Task A_suggestion_already_waiting_is_merged_so_the_script_runs_once_and_both_builds_are_reported()
    {
        var gate = _dir["gate"];
        _dir.Script("scripts", "block", $"while [ ! -f {gate} ]; do sleep 0.05; done");
        _dir.Script("scripts", "count", $"echo run >> {_dir["runs"]}");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts);
        await server.WaitForBuildersAsync(1);

        await SuggestAsync(server.Port, "block", "master");
        var first = await SuggestAsync(server.Port, "count", "v1");
        var second = await SuggestAsync(server.Port, "count", "v1");
        await Eventually.TrueAsync(() => builder.Log.Contains(second, StringComparison.Ordinal), "the builder to receive the second suggestion");
        File.WriteAllText(gate, "");

        await server.WaitForLogAsync("SUCCESS count/v1 on alpha (", count: 2);
        var lines = LogFiles.Lines(server.LogPath).Where(l => l.Contains("SUCCESS count/v1", StringComparison.Ordinal)).ToArray();
        Assert.Contains(lines, l => l.Contains(first, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(second, StringComparison.Ordinal));
        Assert.Single(File.ReadAllLines(_dir["runs"]));
    }

    [Fact]
    public async Task With_two_jobs_two_builds_run_at_the_same_time()
    {
        // Each script finishes only once the other has started: that happens only if both run at once.
        _dir.Script("scripts", "left", $"touch {_dir["left.started"]}\nwhile [ ! -f {_dir["right.started"]} ]; do sleep 0.05; done");
        _dir.Script("scripts", "right", $"touch {_dir["right.started"]}\nwhile [ ! -f {_dir["left.started"]} ]; do sleep 0.05; done");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts,
            o => o with { Jobs = 2, BuildTimeout = TimeSpan.FromSeconds(30) });
        await server.WaitForBuildersAsync(1);

        await SuggestAsync(server.Port, "left", "master");
        await SuggestAsync(server.Port, "right", "master");

        await server.WaitForLogAsync("SUCCESS left/master on alpha (");
        await server.WaitForLogAsync("SUCCESS right/master on alpha (");
    }

    [Fact]
    public async Task With_one_job_builds_run_one_after_the_other_in_order()
    {
        var order = _dir["order"];
        _dir.Script("scripts", "step", $"echo \"start $1\" >> {order}\nsleep 0.2\necho \"end $1\" >> {order}");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts);
        await server.WaitForBuildersAsync(1);

        foreach (var revision in new[] { "r1", "r2", "r3" })
        {
            await SuggestAsync(server.Port, "step", revision);
        }

        await server.WaitForLogAsync("SUCCESS step/r3 on alpha (");
        Assert.Equal(["start r1", "end r1", "start r2", "end r2", "start r3", "end r3"], File.ReadAllLines(order));
    }

    [Fact]
    public async Task A_builder_stopped_mid_build_kills_the_script_after_its_grace_and_reports_it_interrupted()
    {
        _dir.Script("scripts", "slow", $"echo $$ > {_dir["script.pid"]}\nexec sleep 300");
        await using var server = ServerFixture.Start(_dir.Path);
        var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts, o => o with { ShutdownGrace = TimeSpan.FromSeconds(1) });
        await server.WaitForBuildersAsync(1);
        var id = await SuggestAsync(server.Port, "slow", "master");
        var script = await PidAsync("script.pid");

        await builder.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(IsGone(script), "the script outlived the builder");
        var outbox = Path.Combine(builder.Options.DataDirectory, "outbox");
        var delivered = LogFiles.Lines(server.LogPath).Any(l => l.Contains(id, StringComparison.Ordinal) && l.Contains("INTERRUPTED slow/master", StringComparison.Ordinal));
        var kept = Directory.Exists(outbox) && Directory.GetFiles(outbox, id + ".result").Length == 1;
        Assert.True(delivered || kept, "the stopped build's result was neither delivered nor kept in the outbox:\n" + server.Log + "\n" + builder.Log);
        Assert.Contains("stopped because the builder was shutting down (INTERRUPTED)", builder.Log);
    }
}
