using System.Globalization;
using SimpleBB.IntegrationTests.Infrastructure;

namespace SimpleBB.IntegrationTests;

/// <summary>simplebb-builder started the way a newcomer starts it: its log, its name, its token.</summary>
public sealed class BuilderStartTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Builder_without_a_token_warns_at_start_and_logs_the_servers_whole_refusal()
    {
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { Token = new string('7', 64) });
        var port = server.Port.ToString(CultureInfo.InvariantCulture);

        await using var builder = ChildProcess.Start("builder", ["--port", port, "--name", "alpha", "--log-file", _dir["builder.log"]],
            new Dictionary<string, string> { ["HOME"] = _dir["home"] });

        await Eventually.TrueAsync(() => LogFiles.Read(_dir["builder.log"]).Contains("refused this builder", StringComparison.Ordinal),
            "the refusal\n" + builder.Output);
        var log = LogFiles.Read(_dir["builder.log"]);
        Assert.Contains($"[WRN] No token: none given with --token or --token-file and {_dir["home/.simplebb/token"]} does not exist", log);
        Assert.Contains("copy ~/.simplebb/token from the server, or set SIMPLEBB_TOKEN", log);
        Assert.DoesNotContain("…", log);
    }

    [Fact]
    public async Task Builder_logs_to_builder_log_in_its_data_folder_by_default()
    {
        Directory.CreateDirectory(_dir["cwd"]);
        await using var builder = ChildProcess.Start("builder", ["--port", EndToEndTests.FreePort().ToString(CultureInfo.InvariantCulture), "--quiet"],
            new Dictionary<string, string> { ["HOME"] = _dir["home"] }, workingDirectory: _dir["cwd"]);

        await Eventually.TrueAsync(() => LogFiles.Read(_dir["home/.simplebb/builder.log"]).Contains("starting", StringComparison.Ordinal),
            "builder.log in ~/.simplebb\n" + builder.Output);
        Assert.Equal(0, await builder.TerminateAsync());
        Assert.Empty(Directory.GetFileSystemEntries(_dir["cwd"]));
    }

    [Fact]
    public async Task Builder_given_a_folder_as_its_log_file_says_it_is_a_folder()
    {
        var run = await Executables.RunAsync("builder", ["--log-file", _dir.Path], env: new Dictionary<string, string> { ["HOME"] = _dir.Path });

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"simplebb-builder: cannot start: --log-file {_dir.Path} is a folder, not a file; give a file name such as {_dir["builder.log"]}\n",
            run.Stderr);
    }

    [Fact]
    public async Task Builder_under_systemd_writes_journal_lines_with_a_priority_and_no_timestamp()
    {
        // bash gives the builder a socket as stderr, named in JOURNAL_STREAM as systemd names the journal's.
        using var journal = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        journal.Start();
        var journalPort = ((System.Net.IPEndPoint)journal.LocalEndpoint).Port;
        var script = $$"""
            exec 2>/dev/tcp/127.0.0.1/{{journalPort}}
            export JOURNAL_STREAM="$(stat -L -c %d /proc/$$/fd/2):$(stat -L -c %i /proc/$$/fd/2)"
            exec dotnet '{{Executables.Dll("builder")}}' --port {{EndToEndTests.FreePort()}} --log-file '{{_dir["builder.log"]}}'
            """;
        var info = new System.Diagnostics.ProcessStartInfo("bash") { ArgumentList = { "-c", script }, RedirectStandardInput = true, RedirectStandardOutput = true };
        info.Environment["HOME"] = _dir["home"];
        using var process = System.Diagnostics.Process.Start(info)!;
        try
        {
            using var connection = await journal.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(20));
            using var reader = new StreamReader(connection.GetStream());
            var lines = new List<string>();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (!(lines.Exists(l => l.StartsWith("<4>", StringComparison.Ordinal)) && lines.Exists(l => l.StartsWith("<6>", StringComparison.Ordinal)))
                && await reader.ReadLineAsync(deadline.Token) is { } line)
            {
                lines.Add(line);
            }

            Assert.Contains(lines, l => l.StartsWith("<6>SimpleBB builder ", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("<4>", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\d\d:\d\d:\d\d"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Builder_under_systemd_says_ready_then_connected_then_stopping()
    {
        using var notify = new NotifySocket(_dir["notify"]);
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = ChildProcess.Start("builder",
            ["--port", server.Port.ToString(CultureInfo.InvariantCulture), "--name", "alpha", "--log-file", _dir["builder.log"]],
            new Dictionary<string, string> { ["HOME"] = _dir["home"], ["NOTIFY_SOCKET"] = _dir["notify"] });

        Assert.StartsWith("READY=1\nSTATUS=Connecting to 127.0.0.1:", await notify.ReceiveAsync());
        Assert.Equal("STATUS=Connected to 127.0.0.1:" + server.Port + " as alpha", await notify.ReceiveAsync());
        Assert.Equal(0, await builder.TerminateAsync());
        Assert.Equal("STOPPING=1", await notify.ReceiveAsync());
    }

    [Fact]
    public async Task Builder_help_shows_one_default_for_its_name()
    {
        var help = await Executables.RunAsync("builder", ["--help"]);

        var name = help.Stdout.Split('\n').Single(l => l.Contains("--name", StringComparison.Ordinal));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(name, "default"));
    }
}
