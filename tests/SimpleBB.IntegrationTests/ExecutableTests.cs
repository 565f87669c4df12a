using System.Text.RegularExpressions;
using SimpleBB.IntegrationTests.Infrastructure;

namespace SimpleBB.IntegrationTests;

/// <summary>The built executables run as child processes, the way a user runs them.</summary>
public sealed partial class ExecutableTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string ExampleScripts => Path.Combine(Executables.RepositoryRoot, "examples", "buildscripts");

    [Fact]
    public async Task Quick_start_with_the_three_executables_logs_SUCCESS_and_FAILED_and_stops_cleanly()
    {
        var serverLog = _dir["server.log"];
        var home = new Dictionary<string, string> { ["HOME"] = _dir.Path };
        await using var server = ChildProcess.Start("server", ["--listen", "127.0.0.1", "--port", "0", "--log-file", serverLog], home);
        await Eventually.TrueAsync(() => ListeningPort(serverLog) > 0, "the server to listen\n" + server.Output);
        var port = ListeningPort(serverLog).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string> { ["HOME"] = _dir.Path, ["SIMPLEBB_PORT"] = port };
        await using var builder = ChildProcess.Start("builder", ["--name", "quick", "--scripts", ExampleScripts, "--log-file", _dir["builder.log"]], env);
        await Eventually.TrueAsync(() => LogFiles.Count(serverLog, "Builder quick connected") == 1, "the builder to connect\n" + builder.Output);

        var foo = await Executables.RunAsync("suggest", ["foo", "master"], env: env);
        var bar = await Executables.RunAsync("suggest", ["-p", port, "bar", "dev"], env: home);

        Assert.Equal((0, ""), (foo.ExitCode, foo.Stderr));
        Assert.Matches(@"^foo master: build \S+ sent to 1 builder\n$", foo.Stdout);
        Assert.Equal(0, bar.ExitCode);
        await Eventually.TrueAsync(() => LogFiles.Count(serverLog, "SUCCESS foo/master on quick (Linux") == 1, "SUCCESS foo/master");
        await Eventually.TrueAsync(() => LogFiles.Count(serverLog, "FAILED 1 bar/dev on quick (Linux") == 1, "FAILED 1 bar/dev");
        Assert.Contains("This is broken on branch dev", LogFiles.Read(_dir["builder.log"]));

        Assert.Equal(0, await builder.TerminateAsync());
        Assert.Equal(0, await server.TerminateAsync());
        Assert.Contains("Server stopped", LogFiles.Read(serverLog));
    }

    [Theory]
    [InlineData("server")]
    [InlineData("builder")]
    [InlineData("suggest")]
    [InlineData("status")]
    [InlineData("cancel")]
    public async Task Every_executable_explains_itself_with_help_and_names_itself_with_its_version_on_one_line(string name)
    {
        var help = await Executables.RunAsync(name, ["--help"]);
        var version = await Executables.RunAsync(name, ["--version"]);
        var shortVersion = await Executables.RunAsync(name, ["-V"]);

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Exit codes:", help.Stdout);
        Assert.Contains("SIMPLEBB_PORT", help.Stdout);
        Assert.Contains("-V, --version", help.Stdout);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches($@"^simplebb-{name} \d+\.\d+\.\d+( \(commit [0-9a-f]{{7}}\))?\n$", version.Stdout);
        Assert.Equal((0, version.Stdout), (shortVersion.ExitCode, shortVersion.Stdout));
    }

    [Fact]
    public async Task Suggest_exits_3_with_one_line_when_no_server_listens()
    {
        var result = await Executables.RunAsync("suggest", ["-p", EndToEndTests.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "foo", "master"],
            env: new Dictionary<string, string> { ["HOME"] = _dir.Path });

        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("simplebb-suggest: cannot connect to 127.0.0.1:", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("../etc", "master")]
    [InlineData("foo", "-rf")]
    [InlineData("-foo", "master")]
    public async Task Suggest_exits_2_for_an_invalid_project_or_revision(string project, string revision)
    {
        var result = await Executables.RunAsync("suggest", ["--", project, revision]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("simplebb-suggest: ", result.Stderr);
    }

    [Fact]
    public async Task A_malformed_environment_variable_is_a_usage_error_naming_it()
    {
        var result = await Executables.RunAsync("suggest", ["foo", "master"], env: new Dictionary<string, string> { ["SIMPLEBB_PORT"] = "seventy" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("SIMPLEBB_PORT=\"seventy\"", result.Stderr);
    }

    [Fact]
    public async Task Server_exits_1_when_its_port_is_taken_or_its_log_cannot_be_written()
    {
        await using var running = ServerFixture.Start(_dir.Path);
        var port = running.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var home = new Dictionary<string, string> { ["HOME"] = _dir.Path };
        var taken = await Executables.RunAsync("server", ["--listen", "127.0.0.1", "--port", port, "--log-file", _dir["other.log"], "--quiet"], env: home);
        File.WriteAllText(_dir["file"], "");
        var unwritable = await Executables.RunAsync("server", ["--port", "0", "--log-file", _dir["file/server.log"]], env: home);

        Assert.Equal(1, taken.ExitCode);
        Assert.Contains($"cannot listen on 127.0.0.1 port {port}", taken.Stderr);
        Assert.Equal(1, unwritable.ExitCode);
        Assert.Contains("cannot open log file", unwritable.Stderr);
        Directory.CreateDirectory(_dir["a-folder"]);
        var folder = await Executables.RunAsync("server", ["--port", "0", "--log-file", _dir["a-folder"]], env: home);
        Assert.Equal(1, folder.ExitCode);
        Assert.Contains("is a folder", folder.Stderr);
        Assert.Single(taken.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // said once, not twice
    }

    [Fact]
    public async Task Suggest_reads_post_receive_lines_and_suggests_created_and_updated_branches_only()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        var zero = new string('0', 40);
        var a = new string('a', 40);
        var b = new string('b', 40);
        var stdin = string.Join('\n',
            $"{zero} {a} refs/heads/new-branch",
            $"{a} {b} refs/heads/team/feature",
            $"{a} {zero} refs/heads/deleted",
            $"{zero} {a} refs/tags/v1.0",
            "garbage line") + "\n";

        var result = await Executables.RunAsync("suggest", ["-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "foo"], stdin);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Stdout.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("foo new-branch: build ", lines[0]);
        Assert.StartsWith("foo team/feature: build ", lines[1]);
        Assert.DoesNotContain("deleted", server.Log);
        Assert.DoesNotContain("v1.0", server.Log);
    }

    private static int ListeningPort(string serverLog)
    {
        var match = ListeningLine().Match(LogFiles.Read(serverLog));
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"listening on [\d.]+:(\d+)")]
    private static partial Regex ListeningLine();
}
