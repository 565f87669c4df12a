using System.Net;
using System.Net.Sockets;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>The whole loop in one process: a real server and real builder agents on 127.0.0.1, real scripts.</summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Scripts => _dir["scripts"];

    private static async Task<SuggestOutcome> SuggestAsync(int port, string project, string revision)
    {
        var outcomes = await SuggestClient.SuggestAsync("127.0.0.1", port, "test", project, [revision], TimeSpan.FromSeconds(10), CancellationToken.None);
        return Assert.Single(outcomes);
    }

    [Fact]
    public async Task Successful_build_is_logged_as_SUCCESS_with_builder_uname_and_runtime()
    {
        _dir.Script("scripts", "foo", "echo It works");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts);
        await server.WaitForBuildersAsync(1);

        var outcome = await SuggestAsync(server.Port, "foo", "master");

        Assert.Equal(1, outcome.Builders);
        await server.WaitForLogAsync($"SUCCESS foo/master on alpha (");
        var line = LogFiles.Lines(server.LogPath).Single(l => l.Contains("SUCCESS foo/master", StringComparison.Ordinal));
        Assert.Contains($"[build {outcome.BuildId}]", line);
        Assert.Contains("(Linux ", line);
        Assert.Contains(", .NET ", line);
    }

    [Fact]
    public async Task Failing_build_is_logged_as_FAILED_with_its_exit_code()
    {
        _dir.Script("scripts", "bar", "echo \"This is broken on branch $1\"; exit 3");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts);
        await server.WaitForBuildersAsync(1);

        await SuggestAsync(server.Port, "bar", "dev");

        await server.WaitForLogAsync("FAILED 3 bar/dev on alpha (");
        var line = LogFiles.Lines(server.LogPath).Single(l => l.Contains("FAILED 3 bar/dev", StringComparison.Ordinal));
        var outputFile = line[(line.IndexOf(", output in ", StringComparison.Ordinal) + ", output in ".Length)..];
        await Eventually.TrueAsync(() => File.Exists(Path.Combine(_dir.Path, outputFile)), "the output file named in server.log");
        Assert.Contains("This is broken on branch dev", File.ReadAllText(Path.Combine(_dir.Path, outputFile)));
        var buildLogs = Directory.GetFiles(Path.Combine(builder.Options.DataDirectory, "logs", "bar"));
        Assert.Contains("This is broken on branch dev", File.ReadAllText(Assert.Single(buildLogs)));
    }

    [Fact]
    public async Task Builder_reports_minus_one_for_unknown_project()
    {
        Directory.CreateDirectory(Scripts);
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts);
        await server.WaitForBuildersAsync(1);

        var outcomes = await SuggestClient.SuggestAsync("127.0.0.1", server.Port, "test", "nosuch", ["master"], TimeSpan.FromSeconds(10),
            CancellationToken.None, wait: true);

        var result = Assert.Single(Assert.Single(outcomes).Results);
        Assert.Equal(-1, result.ExitCode);
        Assert.True(result.MissingScript);
        Assert.Contains($"{Path.Combine(Scripts, "nosuch")} does not exist", result.Output);
        await server.WaitForLogAsync("N/A nosuch/master on alpha (");
    }

    [Fact]
    public async Task Builder_reports_minus_one_with_the_reason_for_a_script_that_cannot_start()
    {
        var script = _dir.Script("scripts", "noexec", "echo never");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _dir.Script("scripts", "badshebang", "true");
        File.WriteAllText(Path.Combine(Scripts, "badshebang"), "#!/nonexistent/interpreter\n");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts);
        await server.WaitForBuildersAsync(1);

        await SuggestAsync(server.Port, "noexec", "main");
        await SuggestAsync(server.Port, "badshebang", "main");

        await server.WaitForLogAsync("FAILED -1 noexec/main on alpha");
        await server.WaitForLogAsync("FAILED -1 badshebang/main on alpha");
        Assert.Contains("cannot start " + script, builder.Log);
        Assert.True(builder.Agent.IsConnected, "the builder must survive scripts that cannot start");
    }

    [Fact]
    public async Task Script_gets_the_revision_as_its_only_argument_and_the_build_in_its_environment()
    {
        var seen = _dir["seen.txt"];
        _dir.Script("scripts", "env", $"printf '%s|%s|%s|%s|%s' \"$#\" \"$1\" \"$SIMPLEBB_BUILD_ID\" \"$SIMPLEBB_PROJECT\" \"$SIMPLEBB_REVISION\" > {seen}");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts);
        await server.WaitForBuildersAsync(1);

        var outcome = await SuggestAsync(server.Port, "env", "feature/a;$(touch_x)");

        await server.WaitForLogAsync("SUCCESS env/");
        Assert.Equal($"1|feature/a;$(touch_x)|{outcome.BuildId}|env|feature/a;$(touch_x)", File.ReadAllText(seen));
    }

    [Fact]
    public async Task Suggestion_fans_out_to_three_builders_and_all_three_report()
    {
        _dir.Script("scripts", "foo", "echo ok");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var a = BuilderFixture.Start(_dir.Path, server.Port, "alpha", Scripts);
        await using var b = BuilderFixture.Start(_dir.Path, server.Port, "beta", Scripts);
        await using var c = BuilderFixture.Start(_dir.Path, server.Port, "gamma", Scripts);
        await server.WaitForBuildersAsync(3);

        var outcome = await SuggestAsync(server.Port, "foo", "master");

        Assert.Equal(3, outcome.Builders);
        foreach (var name in new[] { "alpha", "beta", "gamma" })
        {
            await server.WaitForLogAsync($"SUCCESS foo/master on {name} (");
        }
        Assert.Equal(3, LogFiles.Count(server.LogPath, $"[build {outcome.BuildId}]") - 1); // plus the "suggested" line
    }

    [Fact]
    public async Task Builder_keeps_reconnecting_until_a_server_appears()
    {
        _dir.Script("scripts", "foo", "echo ok");
        var port = FreePort();
        await using var builder = BuilderFixture.Start(_dir.Path, port, "alpha", Scripts);
        await Eventually.TrueAsync(() => LogFiles.Count(builder.LogPath, "next attempt in") >= 3, "three failed connection attempts");

        await using var server = ServerFixture.Start(_dir.Path, port);
        await server.WaitForBuildersAsync(1);
        await SuggestAsync(server.Port, "foo", "late");

        await server.WaitForLogAsync("SUCCESS foo/late on alpha");
    }

    [Fact]
    public async Task Builder_reconnects_after_the_server_restarts()
    {
        _dir.Script("scripts", "foo", "echo ok");
        var port = FreePort();
        var first = ServerFixture.Start(_dir.Path, port);
        await using var builder = BuilderFixture.Start(_dir.Path, port, "alpha", Scripts);
        await first.WaitForBuildersAsync(1);
        await SuggestAsync(port, "foo", "before");
        await first.WaitForLogAsync("SUCCESS foo/before on alpha");
        await first.DisposeAsync();

        await using var second = ServerFixture.Start(_dir.Path, port);
        await second.WaitForBuildersAsync(1);
        await SuggestAsync(port, "foo", "after");

        await second.WaitForLogAsync("SUCCESS foo/after on alpha");
        Assert.Equal(1, LogFiles.Count(second.LogPath, "SUCCESS foo/before"));
    }

    [Fact]
    public async Task Suggest_with_no_builders_is_accepted_and_sent_to_none()
    {
        await using var server = ServerFixture.Start(_dir.Path);

        var outcome = await SuggestAsync(server.Port, "foo", "master");

        Assert.Equal(0, outcome.Builders);
        Assert.NotNull(outcome.BuildId);
    }

    [Fact]
    public async Task Server_refuses_an_invalid_project_name_and_keeps_the_connection()
    {
        await using var server = ServerFixture.Start(_dir.Path);

        var outcomes = await SuggestClient.SuggestAsync("127.0.0.1", server.Port, "test", "../etc", ["master", "dev"], TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.All(outcomes, o => Assert.Equal("bad-project", o.ErrorCode));
        Assert.Equal(2, outcomes.Count);
    }

    /// <summary>
    /// A port that is free now and outside the ephemeral range (32768-60999 here), so no test binding port 0 and no
    /// outgoing connection can take it while a test restarts its server on it.
    /// </summary>
    internal static int FreePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken; try another.
            }
        }
        throw new InvalidOperationException("no free port between 20000 and 32000");
    }
}
