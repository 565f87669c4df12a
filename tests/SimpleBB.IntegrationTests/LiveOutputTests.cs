using System.Collections.Concurrent;
using System.Globalization;
using SimpleBB.Builder;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Server;
using SimpleBB.Suggest;
using Xunit.Abstractions;

namespace SimpleBB.IntegrationTests;

/// <summary>Live output (protocol 3): builder to server to waiting suggesters and status followers, bounded all the way.</summary>
public sealed class LiveOutputTests(ITestOutputHelper log) : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>xunit 2 calls this (it does not call IAsyncDisposable on a test class): stops what the test started.</summary>
    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        _dir.Dispose();
    }

    private T Own<T>(T item) where T : IAsyncDisposable
    {
        _owned.Add(item);
        return item;
    }

    private async Task<ServerFixture> StartAsync(params (string Name, string Scripts)[] builders)
    {
        var server = Own(ServerFixture.Start(_dir.Path));
        foreach (var (name, scripts) in builders)
        {
            Own(BuilderFixture.Start(_dir.Path, server.Port, name, _dir[scripts]));
        }
        await server.WaitForBuildersAsync(builders.Length);
        return server;
    }

    private static Task<IReadOnlyList<SuggestOutcome>> WaitWithOutputAsync(int port, string project, ConcurrentQueue<Message> events) =>
        SuggestClient.SuggestAsync("127.0.0.1", port, "test", project, ["main"], TimeSpan.FromSeconds(60), CancellationToken.None,
            wait: true, onEvent: (_, message) => events.Enqueue(message), output: true);

    private static string Text(IEnumerable<Message> events, string builder) =>
        string.Concat(events.OfType<OutputMessage>().Where(o => o.Builder == builder).Select(o => o.Data));

    [Fact]
    public async Task Live_output_reaches_a_waiting_suggester_before_the_script_exits()
    {
        var gate = _dir["gate"];
        _dir.Script("a", "app", $"echo 'first line'; while [ ! -e '{gate}' ]; do sleep 0.05; done; echo 'after the gate'");
        var server = await StartAsync(("alpha", "a"));
        var events = new ConcurrentQueue<Message>();

        var waiting = WaitWithOutputAsync(server.Port, "app", events);
        await Eventually.TrueAsync(() => Text(events, "alpha").Contains("first line\n", StringComparison.Ordinal), "the first line, live");

        Assert.DoesNotContain(events, m => m is ResultMessage); // the script is still blocked on the gate
        await File.WriteAllTextAsync(gate, "");
        var outcome = Assert.Single(await waiting);

        Assert.Equal(WaitReport.Passed, WaitReport.ExitCode([outcome]));
        Assert.Equal("first line\nafter the gate\n", Text(events, "alpha"));
        var result = events.OfType<ResultMessage>().Single();
        Assert.True(events.ToList().IndexOf(result) > events.ToList().FindLastIndex(m => m is OutputMessage), "all output comes before the result");
        var file = Path.Combine(_dir.Path, OutputFiles.RelativePath("app", outcome.BuildId!, "alpha"));
        Assert.Equal("first line\nafter the gate\n", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_status_follower_that_asked_for_output_sees_each_builders_lines_and_one_that_did_not_sees_none()
    {
        _dir.Script("a", "app", "echo 'from alpha'");
        _dir.Script("b", "app", "printf 'from beta without a newline'");
        var server = await StartAsync(("alpha", "a"), ("beta", "b"));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var withOutput = new ConcurrentQueue<Message>();
        var without = new ConcurrentQueue<Message>();
        var following = Follow(server.Port, output: true, withOutput, stop.Token);
        var plain = Follow(server.Port, output: false, without, stop.Token);
        await Eventually.TrueAsync(() => withOutput.Any(m => m is Snapshot) && without.Any(m => m is Snapshot), "both snapshots");

        server.Server.DispatchForTest("app", "main");
        await Eventually.TrueAsync(() => without.Count(m => m is EventMessage { Kind: "result" }) == 2
                                         && withOutput.Count(m => m is EventMessage { Kind: "result" }) == 2, "both results at both followers");
        await stop.CancelAsync();
        await Task.WhenAll(following, plain);

        Assert.Equal("from alpha\n", Text(withOutput, "alpha"));
        Assert.Equal("from beta without a newline", Text(withOutput, "beta"));
        Assert.DoesNotContain(without, m => m is OutputMessage);
    }

    private static async Task Follow(int port, bool output, ConcurrentQueue<Message> into, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in Status.StatusClient.ReadAsync("127.0.0.1", port, null, null, follow: true, TimeSpan.FromSeconds(10),
                               cancellationToken, output))
            {
                into.Enqueue(message);
            }
        }
        catch (OperationCanceledException)
        {
            // The test is done following.
        }
    }

    [Fact]
    public async Task Version_2_suggesters_and_followers_get_no_output_while_a_version_3_suggester_does()
    {
        _dir.Script("a", "app", "echo 'line one'; echo 'line two'");
        var server = await StartAsync(("alpha", "a"));
        await using var oldSuggester = await HelloAsync(server.Port, Roles.Suggest, "old-suggest", protocol: 2);
        await using var oldFollower = await HelloAsync(server.Port, Roles.Status, "old-status", protocol: 2);
        await using var newSuggester = await HelloAsync(server.Port, Roles.Suggest, "new-suggest", protocol: ProtocolLimits.Version);
        await oldFollower.SendAsync(new StatusRequest { Follow = true, Output = true });
        await oldFollower.ReceiveAsync<Snapshot>();

        await oldSuggester.SendAsync(new SuggestMessage { Project = "app", Revision = "main", Wait = true, Output = true });
        var oldSeen = await UntilAsync<ResultMessage>(oldSuggester);
        await newSuggester.SendAsync(new SuggestMessage { Project = "app", Revision = "main", Wait = true, Output = true });
        var newSeen = await UntilAsync<ResultMessage>(newSuggester);
        var followerSeen = await UntilAsync<EventMessage>(oldFollower, e => e is EventMessage { Kind: "result" }, count: 2);

        Assert.DoesNotContain(oldSeen, m => m is OutputMessage);
        Assert.DoesNotContain(followerSeen, m => m is OutputMessage);
        Assert.Equal("line one\nline two\n", Text(newSeen, "alpha"));
    }

    [Fact]
    public async Task A_version_2_builder_may_not_send_output_and_output_for_a_build_not_owed_is_refused_and_both_keep_their_connection()
    {
        var server = Own(ServerFixture.Start(_dir.Path));
        await using var old = await HelloAsync(server.Port, Roles.Builder, "old", protocol: 2);
        await using var current = await HelloAsync(server.Port, Roles.Builder, "current", protocol: ProtocolLimits.Version);
        await server.WaitForBuildersAsync(2);

        var (id, _) = server.Server.DispatchForTest("foo", "master");
        await old.ReceiveAsync<BuildMessage>();
        await old.SendAsync(new OutputMessage { Id = id, Data = "from an old builder\n" });
        var refusedOld = await old.ReceiveAsync<ErrorMessage>();
        await current.SendAsync(new OutputMessage { Id = "nosuch-1", Data = "for nothing\n" });
        var refusedUnknown = (ErrorMessage)(await UntilAsync<ErrorMessage>(current))[^1]; // after the build it was sent too

        Assert.Equal(ErrorCodes.NotAllowed, refusedOld.Code);
        Assert.Contains("output needs protocol 3; this connection chose 2", refusedOld.Message);
        Assert.Equal((ErrorCodes.NotAllowed, "nosuch-1"), (refusedUnknown.Code, refusedUnknown.Id));
        Assert.Contains("is not running on builder current", refusedUnknown.Message);
        await old.SendAsync(new Ping());
        await old.ReceiveAsync<Pong>();
        await current.SendAsync(new Ping());
        await current.ReceiveAsync<Pong>();
        Assert.False(File.Exists(Path.Combine(_dir.Path, OutputFiles.RelativePath("foo", id, "old"))));
    }

    [Fact]
    public async Task A_flood_of_output_neither_slows_the_script_nor_grows_the_server_and_the_output_file_stays_bounded()
    {
        const string flood = "head -c 100000000 /dev/zero | tr '\\0' x; echo; echo 'flood done'";
        _dir.Script("a", "flood", flood);
        _dir.Script("a", "warm", "echo warming up");
        var port = EndToEndTests.FreePort();
        var serverFolder = Directory.CreateDirectory(_dir["server"]).FullName;
        var server = Own(ChildProcess.Start("server", ["--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--log-file", Path.Combine(serverFolder, "server.log"), "--quiet", "--no-auth", "--max-output-mb", "1"]));
        await Eventually.TrueAsync(() => LogFiles.Count(Path.Combine(serverFolder, "server.log"), "listening on") == 1, "server start\n" + server.Output);
        var builder = Own(BuilderFixture.Start(_dir.Path, port, "alpha", _dir["a"]));
        await Eventually.TrueAsync(() => builder.Agent.IsConnected, "builder connected");

        // Baseline: the same script through the same runner, without streaming.
        var baseline = await new ScriptRunner(builder.Options with { DataDirectory = _dir["baseline"] })
            .RunAsync(new BuildMessage { Id = "base-1", Project = "flood", Revision = "main" }, CancellationToken.None);
        var warm = new ConcurrentQueue<Message>();
        Assert.Single(await WaitWithOutputAsync(port, "warm", warm)); // the server has run every path once
        var before = Memory(server.Id);

        var events = new ConcurrentQueue<Message>();
        var outcome = Assert.Single(await WaitWithOutputAsync(port, "flood", events));
        var after = Memory(server.Id);
        var result = events.OfType<ResultMessage>().Single();
        log.WriteLine($"flood: {result.DurationMs} ms streaming, {baseline.DurationMs} ms without; server peak RSS {before.PeakKb} -> {after.PeakKb} KB");

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.DurationMs <= 2 * baseline.DurationMs + 1500,
            $"the build took {result.DurationMs} ms streaming its output, {baseline.DurationMs} ms without");
        Assert.True(after.PeakKb - before.PeakKb < 40 * 1024,
            $"server peak RSS grew from {before.PeakKb} KB to {after.PeakKb} KB (RSS now {after.RssKb} KB) for 100 MB of output");
        var live = Text(events, "alpha");
        Assert.Contains("bytes of output skipped]", live);
        Assert.EndsWith("flood done\n", live);
        var file = new FileInfo(Path.Combine(serverFolder, OutputFiles.RelativePath("flood", outcome.BuildId!, "alpha")));
        Assert.True(file.Length <= 1024 * 1024 + 8 * 1024, $"output file of {file.Length} bytes");
        Assert.EndsWith("flood done\n", await File.ReadAllTextAsync(file.FullName));
        Assert.Contains("[simplebb: the live output above is incomplete; the last 4096 bytes follow]", await File.ReadAllTextAsync(file.FullName));
    }

    [Fact]
    public async Task A_suggester_that_does_not_read_misses_output_but_is_not_dropped_and_gets_its_result()
    {
        // About 8 MB over 4 s, sent as fast as it comes: far more than loopback buffers and half a queue of 8 hold.
        _dir.Script("a", "chatty", "for i in $(seq 40); do head -c 200000 /dev/zero | tr '\\0' y; echo; sleep 0.1; done; echo 'chatty done'");
        var server = Own(ServerFixture.Start(_dir.Path, configure: o => o with { MaxPendingMessages = 8 }));
        Own(BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["a"],
            o => o with { LiveOutputTick = TimeSpan.FromMilliseconds(20), LiveOutputBytesPerTick = 1024 * 1024 }));
        await server.WaitForBuildersAsync(1);
        await using var slow = await RawPeer.ConnectAsync(server.Port, receiveBufferSize: 4096);
        await slow.SendAsync(new Hello { Role = Roles.Suggest, Name = "slow", Version = "test", Protocol = 1, MaxProtocol = ProtocolLimits.Version });

        await slow.SendAsync(new SuggestMessage { Project = "chatty", Revision = "main", Wait = true, Output = true });
        await server.WaitForLogAsync("is not reading fast enough", timeout: TimeSpan.FromSeconds(30));
        await server.WaitForLogAsync("SUCCESS chatty/main", timeout: TimeSpan.FromSeconds(30));
        var seen = await UntilAsync<ResultMessage>(slow);

        Assert.DoesNotContain(seen, m => m is ErrorMessage);
        var received = seen.OfType<OutputMessage>().Sum(o => (long)o.Data.Length);
        Assert.True(received < 40 * 200_001, $"received {received} bytes of output");
        Assert.Equal(0, seen.OfType<ResultMessage>().Single().ExitCode);
    }

    /// <summary>A process's resident set now and at its peak, from /proc.</summary>
    private static (long RssKb, long PeakKb) Memory(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        long Field(string name) => long.Parse(lines.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture);
        return (Field("VmRSS"), Field("VmHWM"));
    }

    private static async Task<RawPeer> HelloAsync(int port, string role, string name, int protocol)
    {
        var peer = await RawPeer.ConnectAsync(port);
        await peer.SendAsync(new Hello { Role = role, Name = name, Version = "test", Protocol = 1, MaxProtocol = protocol });
        Assert.Equal(protocol, (await peer.ReceiveAsync<Welcome>()).Protocol);
        return peer;
    }

    /// <summary>Everything a raw peer receives until the <paramref name="count"/>th message that matches.</summary>
    private static async Task<List<Message>> UntilAsync<T>(RawPeer peer, Func<Message, bool>? matches = null, int count = 1) where T : Message
    {
        var seen = new List<Message>();
        var found = 0;
        while (found < count)
        {
            var message = await peer.ReceiveAsync(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException("closed by the server");
            seen.Add(message);
            if (message is T && (matches is null || matches(message)))
            {
                found++;
            }
        }
        return seen;
    }
}
