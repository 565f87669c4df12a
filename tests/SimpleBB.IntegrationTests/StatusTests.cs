using System.Globalization;
using System.Security.Cryptography;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Status;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>
/// simplebb-status, --follow, builder capabilities, history across restarts, machine-specific results, and the last
/// results of a project or builder (--project, --builder, --last) from the results store.
/// </summary>
public sealed class StatusTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<Snapshot> SnapshotAsync(int port)
    {
        await foreach (var message in StatusClient.ReadAsync("127.0.0.1", port, null, null, follow: false, TimeSpan.FromSeconds(10), CancellationToken.None))
        {
            return Assert.IsType<Snapshot>(message);
        }
        throw new InvalidOperationException("no snapshot");
    }

    private static Task<IReadOnlyList<SuggestOutcome>> WaitAsync(int port, string project, string revision = "main") =>
        SuggestClient.SuggestAsync("127.0.0.1", port, "test", project, [revision], TimeSpan.FromSeconds(30), CancellationToken.None, wait: true);

    [Fact]
    public async Task Status_shows_builders_with_their_scripts_and_the_latest_result_with_the_script_hash()
    {
        var script = _dir.Script("scripts", "foo", "echo ok");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"], o => o with { ScriptsRescan = TimeSpan.FromMilliseconds(100) });
        await server.WaitForBuildersAsync(1);
        await using (var suggester = await RawPeer.HelloAsync(server.Port, Roles.Suggest, "probe"))
        {
            await suggester.SendAsync(new SuggestMessage { Project = "foo", Revision = "main", Wait = true });
            var accepted = await suggester.ReceiveAsync<Accepted>();
            Assert.Equal((1, 1), (accepted.Builders, accepted.WithScript));
            Assert.Equal("alpha", (await suggester.ReceiveAsync<ResultMessage>()).Builder);
        }

        var snapshot = await SnapshotAsync(server.Port);

        var alpha = Assert.Single(snapshot.Builders);
        Assert.Equal(["foo"], alpha.Scripts);
        Assert.Equal("Linux", alpha.Uname?.Sysname);
        var result = Assert.Single(snapshot.Results);
        Assert.Equal(("foo", "main", "alpha", "SUCCESS"), (result.Project, result.Revision, result.Builder, result.Outcome));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(script))), result.ScriptSha256);
        Assert.Contains("foo/main", StatusFormatter.Table(snapshot));

        _dir.Script("scripts", "bar", "echo new");
        await Eventually.TrueAsync(() => SnapshotAsync(server.Port).Result.Builders.Single().Scripts.Contains("bar"), "the new script to be announced");
    }

    [Fact]
    public async Task Follow_streams_builders_arriving_builds_starting_results_and_builders_leaving()
    {
        _dir.Script("scripts", "foo", "echo ok");
        await using var server = ServerFixture.Start(_dir.Path);
        using var stop = new CancellationTokenSource();
        var events = new List<EventMessage>();
        var snapshotSeen = false;
        var following = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in StatusClient.ReadAsync("127.0.0.1", server.Port, null, null, follow: true, TimeSpan.FromSeconds(10), stop.Token))
                {
                    Volatile.Write(ref snapshotSeen, snapshotSeen || message is Snapshot);
                    if (message is EventMessage e)
                    {
                        lock (events)
                        {
                            events.Add(e);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped by the test.
            }
        });
        await Eventually.TrueAsync(() => Volatile.Read(ref snapshotSeen), "the follower's snapshot");
        string[] Kinds() { lock (events) { return [.. events.Select(e => e.Kind)]; } }

        var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"]);
        await Eventually.TrueAsync(() => Kinds().Contains("connected"), "the connected event");
        await WaitAsync(server.Port, "foo");
        // The result event is published once the result is recorded, which may be just after the waiting suggester
        // has its answer: the builder leaves only after it, so the order below is the server's, not the test's timing.
        await Eventually.TrueAsync(() => Kinds().Contains("result"), "the result event");
        await builder.DisposeAsync();
        await Eventually.TrueAsync(() => Kinds().Contains("disconnected"), "the disconnected event");
        await stop.CancelAsync();
        await following;

        Assert.Equal(["connected", "suggested", "started", "result", "disconnected"], Kinds());
        Assert.Equal("SUCCESS", events.Single(e => e.Kind == "result").Detail);
        Assert.Contains("started     foo/main on alpha", StatusFormatter.Line(events.Single(e => e.Kind == "started")));
    }

    [Fact]
    public async Task History_survives_a_server_restart_and_keeps_the_output()
    {
        _dir.Script("scripts", "foo", "echo 'remember me'");
        var port = EndToEndTests.FreePort();
        var first = ServerFixture.Start(_dir.Path, port);
        await using (var builder = BuilderFixture.Start(_dir.Path, port, "alpha", _dir["scripts"]))
        {
            await first.WaitForBuildersAsync(1);
            await WaitAsync(port, "foo", "v1");
        }
        await first.DisposeAsync();

        await using var second = ServerFixture.Start(_dir.Path, port);
        await Eventually.TrueAsync(() => SnapshotAsync(port).Result.Results.Length == 1, "the result reloaded from history");

        var reloaded = (await SnapshotAsync(port)).Results.Single();
        Assert.Equal(("foo", "v1", "SUCCESS"), (reloaded.Project, reloaded.Revision, reloaded.Outcome));
        var (id, name) = Assert.Single(StoreFile.Entries(_dir["simplebb.db"]));
        Assert.Contains("remember me", StoreFile.Output(_dir["simplebb.db"], id, name));
    }

    [Fact]
    public async Task A_revision_that_passes_on_one_architecture_and_fails_on_another_is_marked_machine_specific()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var intel = await RawBuilderAsync(server.Port, "intel", "x86_64");
        await using var arm = await RawBuilderAsync(server.Port, "arm", "aarch64");
        await server.WaitForBuildersAsync(2);

        var waiting = WaitAsync(server.Port, "app", "v2");
        await AnswerAsync(intel, "x86_64", exitCode: 0);
        await AnswerAsync(arm, "aarch64", exitCode: 1);
        var outcome = Assert.Single(await waiting);

        await server.WaitForLogAsync("MACHINE-SPECIFIC app/v2");
        Assert.Contains("architecture (passes on x86_64; fails on aarch64)", server.Log);
        Assert.Contains("machine-specific: architecture (passes on x86_64; fails on aarch64)", WaitReport.Summary("app", outcome));
        Assert.Contains("machine-specific: architecture", StatusFormatter.Table(await SnapshotAsync(server.Port)));
    }

    [Fact]
    public async Task The_status_executable_prints_tables_and_json()
    {
        _dir.Script("scripts", "foo", "echo ok");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"]);
        await server.WaitForBuildersAsync(1);
        await WaitAsync(server.Port, "foo");
        var port = server.Port.ToString(CultureInfo.InvariantCulture);

        var table = await Executables.RunAsync("status", ["-p", port]);
        var json = await Executables.RunAsync("status", ["-p", port, "--json"]);

        Assert.Equal(0, table.ExitCode);
        Assert.Contains("BUILDERS (1 connected)", table.Stdout);
        Assert.Matches(@"foo/main\s+alpha\s+SUCCESS", table.Stdout);
        Assert.Equal(0, json.ExitCode);
        var line = Assert.Single(json.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var parsed = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal("snapshot", parsed.RootElement.GetProperty("type").GetString());
        Assert.Equal("alpha", parsed.RootElement.GetProperty("builders")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Status_json_follow_prints_one_compact_object_per_line_snapshot_first_then_events()
    {
        _dir.Script("scripts", "foo", "echo ok");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"]);
        await server.WaitForBuildersAsync(1);
        await WaitAsync(server.Port, "foo"); // a result, so the snapshot is more than one line's worth when indented
        var port = server.Port.ToString(CultureInfo.InvariantCulture);
        await using var status = ChildProcess.Start("status", ["-p", port, "--json", "--follow"]);
        await Eventually.TrueAsync(() => status.Output.Contains("\"type\":\"snapshot\""), "the snapshot line");

        await Executables.RunAsync("suggest", ["-p", port, "foo", "second"]);
        await Eventually.TrueAsync(() => status.Output.Contains("\"kind\":\"result\""), "the result event");

        var lines = status.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var types = lines.Select(l =>
        {
            using var doc = System.Text.Json.JsonDocument.Parse(l);
            return doc.RootElement.GetProperty("type").GetString();
        }).ToArray();
        Assert.Equal("snapshot", types[0]);
        Assert.All(types[1..], t => Assert.Contains(t, new[] { "event", "output" }));
        Assert.Contains(lines, l => l.Contains("\"kind\":\"suggested\"") && l.Contains("\"revision\":\"second\""));
        Assert.Contains(lines, l => l.Contains("\"type\":\"output\"") && l.Contains("\"builder\":\"alpha\",\"data\":\"ok\\n\""));
    }

    /// <summary>
    /// Six results from builders b1 (x86_64) and b2 (aarch64), each acknowledged before the next is sent, so the store
    /// holds them in this order: foo/r1 on b1 then b2, bar/r1 on b2 then b1, foo/r2 on b2 then b1 (which fails).
    /// </summary>
    private static async Task RecordSixResultsAsync(ServerFixture server, RawPeer b1, RawPeer b2)
    {
        await server.WaitForBuildersAsync(2);
        await using var suggester = await RawPeer.HelloAsync(server.Port, Roles.Suggest, "probe");
        foreach (var (project, revision, first, second, machines) in new[]
                 {
                     ("foo", "r1", b1, b2, ("x86_64", "aarch64")), ("bar", "r1", b2, b1, ("aarch64", "x86_64")), ("foo", "r2", b2, b1, ("aarch64", "x86_64")),
                 })
        {
            await suggester.SendAsync(new SuggestMessage { Project = project, Revision = revision });
            Assert.Equal(2, (await suggester.ReceiveAsync<Accepted>()).Builders);
            await AnswerAsync(first, machines.Item1, exitCode: 0);
            await AnswerAsync(second, machines.Item2, exitCode: project == "foo" && revision == "r2" ? 1 : 0);
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Status_project_last_prints_exactly_the_newest_results_of_that_project_newest_first_as_a_table_and_as_a_snapshot_line()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var b1 = await RawBuilderAsync(server.Port, "b1", "x86_64");
        await using var b2 = await RawBuilderAsync(server.Port, "b2", "aarch64");
        await RecordSixResultsAsync(server, b1, b2);
        var port = server.Port.ToString(CultureInfo.InvariantCulture);

        var table = await Executables.RunAsync("status", ["-p", port, "--project", "foo", "--last", "2"]);
        var json = await Executables.RunAsync("status", ["-p", port, "--project", "foo", "--last", "2", "--json"]);

        Assert.Equal((0, ""), (table.ExitCode, table.Stderr));
        var lines = Lines(table.Stdout);
        Assert.Equal("LAST RESULTS OF foo (2, newest first)", lines[0]);
        Assert.Matches(@"^PROJECT/REVISION\s+BUILDER\s+RESULT\s+DURATION\s+BUILD\s+FINISHED$", lines[1]);
        Assert.Matches(@"^foo/r2\s+b1\s+FAILED 1\s+3 ms\s+", lines[2]);
        Assert.Matches(@"^foo/r2\s+b2\s+SUCCESS\s+3 ms\s+", lines[3]);
        Assert.Equal(4, lines.Length);
        Assert.Equal((0, ""), (json.ExitCode, json.Stderr));
        using var snapshot = System.Text.Json.JsonDocument.Parse(Assert.Single(Lines(json.Stdout)));
        Assert.Equal("snapshot", snapshot.RootElement.GetProperty("type").GetString());
        var results = snapshot.RootElement.GetProperty("results").EnumerateArray()
            .Select(r => (r.GetProperty("project").GetString(), r.GetProperty("revision").GetString(), r.GetProperty("builder").GetString(), r.GetProperty("outcome").GetString()))
            .ToArray();
        Assert.Equal([("foo", "r2", "b1", "FAILED 1"), ("foo", "r2", "b2", "SUCCESS")], results);
        Assert.Equal(["b1", "b2"], snapshot.RootElement.GetProperty("builders").EnumerateArray().Select(b => b.GetProperty("name").GetString()).Order());
    }

    [Fact]
    public async Task Status_builder_last_alone_and_with_a_project_prints_that_builders_results_newest_first()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var b1 = await RawBuilderAsync(server.Port, "b1", "x86_64");
        await using var b2 = await RawBuilderAsync(server.Port, "b2", "aarch64");
        await RecordSixResultsAsync(server, b1, b2);
        var port = server.Port.ToString(CultureInfo.InvariantCulture);

        var onB1 = await Executables.RunAsync("status", ["-p", port, "--builder", "b1"]);
        var fooOnB2 = await Executables.RunAsync("status", ["-p", port, "-b", "b2", "--project", "foo", "-n", "5"]);
        var any = await Executables.RunAsync("status", ["-p", port, "--last", "1"]);

        Assert.Equal("LAST RESULTS OF builder b1 (3, newest first)", Lines(onB1.Stdout)[0]);
        Assert.Equal(["foo/r2", "bar/r1", "foo/r1"], Lines(onB1.Stdout)[2..].Select(l => l.Split(' ')[0]));
        Assert.Equal("LAST RESULTS OF foo on b2 (2, newest first)", Lines(fooOnB2.Stdout)[0]);
        Assert.Equal(["foo/r2", "foo/r1"], Lines(fooOnB2.Stdout)[2..].Select(l => l.Split(' ')[0]));
        Assert.Equal("LAST RESULTS OF any project (1, newest first)", Lines(any.Stdout)[0]);
        Assert.Matches(@"^foo/r2\s+b1\s+FAILED 1", Lines(any.Stdout)[2]);
    }

    [Fact]
    public async Task A_status_client_that_chose_protocol_3_gets_the_latest_result_per_revision_whatever_new_fields_it_sends()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var b1 = await RawBuilderAsync(server.Port, "b1", "x86_64");
        await using var b2 = await RawBuilderAsync(server.Port, "b2", "aarch64");
        await RecordSixResultsAsync(server, b1, b2);
        // A result is acknowledged once it is in the store; the latest results in memory follow a moment later.
        await Eventually.TrueAsync(() => SnapshotAsync(server.Port).Result.Results.Length == 6, "the six results in the server's latest results");
        await using var old = await RawPeer.ConnectAsync(server.Port);
        await old.SendAsync(new Hello { Role = Roles.Status, Name = "old-status", Version = "0.1", Protocol = 1, MaxProtocol = 3 });
        Assert.Equal(3, (await old.ReceiveAsync<Welcome>()).Protocol);

        await old.SendAsync("{\"type\":\"status\",\"project\":\"foo\",\"last\":1}\n");

        var snapshot = await old.ReceiveAsync<Snapshot>();
        Assert.Equal(6, snapshot.Results.Length); // oldest first, every project
        Assert.Equal(("foo", "r1", "b1"), (snapshot.Results[0].Project, snapshot.Results[0].Revision, snapshot.Results[0].Builder));
    }

    [Theory]
    [InlineData(new[] { "--last", "0" }, "--last \"0\" is not a whole number from 1 to 1000")]
    [InlineData(new[] { "--project", "foo", "--last", "1001" }, "--last \"1001\" is not a whole number from 1 to 1000")]
    [InlineData(new[] { "--project", "../etc" }, "--project: project name \"../etc\" starts with '.'")]
    [InlineData(new[] { "--builder", "foo", "--follow" }, "--follow cannot be combined with --project, --builder or --last (they print past results once)")]
    public async Task Status_with_a_bad_last_project_or_follow_exits_2_with_one_error_line_and_connects_nowhere(string[] args, string error)
    {
        // Port 1: were the command line taken, the exit code would be 3 (nothing listens there).
        var run = await Executables.RunAsync("status", ["-p", "1", .. args]);

        Assert.Equal((2, ""), (run.ExitCode, run.Stdout));
        Assert.Equal($"simplebb-status: {error}\nTry 'simplebb-status --help'.\n", run.Stderr);
    }

    [Fact]
    public async Task A_status_request_with_a_bad_last_or_project_gets_an_error_and_the_connection_still_answers_a_good_one()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var status = await RawPeer.HelloAsync(server.Port, Roles.Status, "raw-status");

        await status.SendAsync("{\"type\":\"status\",\"project\":\"foo\",\"last\":0}\n");
        var badLast = await status.ReceiveAsync<ErrorMessage>();
        await status.SendAsync("{\"type\":\"status\",\"project\":\"../foo\"}\n");
        var badProject = await status.ReceiveAsync<ErrorMessage>();
        await status.SendAsync("{\"type\":\"status\",\"project\":\"foo\",\"last\":1000}\n");
        var snapshot = await status.ReceiveAsync<Snapshot>();

        Assert.Equal((ErrorCodes.BadMessage, "status: last must be from 1 to 1000, not 0"), (badLast.Code, badLast.Message));
        Assert.Equal((ErrorCodes.BadProject, "status: project name \"../foo\" starts with '.'"), (badProject.Code, badProject.Message));
        Assert.Empty(snapshot.Results);
        await server.WaitForLogAsync("Rejected message from status raw-status");
    }

    private static async Task<RawPeer> RawBuilderAsync(int port, string name, string machine)
    {
        var peer = await RawPeer.ConnectAsync(port);
        await peer.SendAsync(new Hello
        {
            Role = Roles.Builder, Name = name, Version = "test", Protocol = ProtocolLimits.Version,
            Uname = Machine(machine), Runtime = ".NET 10.0.12", Scripts = [new ScriptInfo { Name = "app", Sha256 = new string('a', 64) }],
        });
        Assert.IsType<Welcome>(await peer.ReceiveAsync());
        return peer;
    }

    private static async Task AnswerAsync(RawPeer builder, string machine, int exitCode)
    {
        var build = await builder.ReceiveAsync<BuildMessage>();
        await builder.SendAsync(new ResultMessage
        {
            Id = build.Id, Project = build.Project, Revision = build.Revision, ExitCode = exitCode, DurationMs = 3,
            Uname = Machine(machine), Runtime = ".NET 10.0.12", Output = exitCode == 0 ? "" : "segfault",
        });
        Assert.IsType<Ack>(await builder.ReceiveAsync<Ack>());
    }

    private static Uname Machine(string machine) =>
        new() { Sysname = "Linux", Nodename = machine, Release = "6.1.0", Version = "#1 SMP", Machine = machine };
}
