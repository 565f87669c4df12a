using System.Globalization;
using System.Security.Cryptography;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Status;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>simplebb-status, --follow, builder capabilities, history across restarts and machine-specific results.</summary>
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
