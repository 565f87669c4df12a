using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;

namespace SimpleBB.IntegrationTests;

/// <summary>
/// What docs/protocol.md promises a third-party peer: version negotiation in both directions, and exactly one final
/// answer (a result or lost) per builder for a waiting suggester.
/// </summary>
public sealed class ProtocolContractTests : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly ServerFixture _server;

    public ProtocolContractTests() => _server = ServerFixture.Start(_dir.Path);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private static readonly Uname Machine = new() { Sysname = "Linux", Nodename = "n", Release = "6.1", Version = "#1", Machine = "x86_64" };

    private static ResultMessage Result(BuildMessage build) => new()
    {
        Id = build.Id, Project = build.Project, Revision = build.Revision, ExitCode = 0, DurationMs = 2, Uname = Machine, Runtime = "CPython 3.11", Output = "ok\n",
    };

    private async Task<RawPeer> HelloAsync(Hello hello)
    {
        var peer = await RawPeer.ConnectAsync(_server.Port);
        await peer.SendAsync(hello);
        return peer;
    }

    private static Hello Builder(string name, int protocol, int? max = null) =>
        new() { Role = Roles.Builder, Name = name, Version = "0.1.0-py", Protocol = protocol, MaxProtocol = max };

    [Fact]
    public async Task An_old_version_1_builder_is_welcomed_in_protocol_1_and_its_results_are_recorded()
    {
        await using var old = await HelloAsync(Builder("old", 1));
        Assert.Equal(1, (await old.ReceiveAsync<Welcome>()).Protocol);
        await _server.WaitForBuildersAsync(1);

        var id = _server.Server.DispatchForTest("foo", "master").Id;
        var build = await old.ReceiveAsync<BuildMessage>();
        await old.SendAsync(Result(build));

        Assert.Equal(id, (await old.ReceiveAsync<Ack>()).Id);
        await _server.WaitForLogAsync($"SUCCESS foo/master on old (Linux 6.1 x86_64, CPython 3.11) in 2 ms [build {id}]");
        await _server.WaitForLogAsync("Builder old connected from 127.0.0.1:");
        Assert.Contains("(version 0.1.0-py, protocol 1, 0 script(s))", _server.Log); // the version as the builder sent it
    }

    [Fact]
    public async Task A_newer_peer_is_answered_in_the_newest_version_this_server_speaks()
    {
        await using var newer = await HelloAsync(Builder("newer", 1, max: 9));
        Assert.Equal(ProtocolLimits.Version, (await newer.ReceiveAsync<Welcome>()).Protocol);
    }

    [Fact]
    public async Task A_peer_that_speaks_only_versions_this_server_does_not_is_refused_naming_both_ranges()
    {
        await using var future = await HelloAsync(Builder("future", 7, max: 9));
        var error = await future.ReceiveAsync<ErrorMessage>();

        Assert.Equal(ErrorCodes.UnsupportedProtocol, error.Code);
        Assert.Equal($"this server speaks protocol {ProtocolLimits.MinVersion} to {ProtocolLimits.Version}; the client speaks 7 to 9", error.Message);
        Assert.True(await future.IsClosedByServerAsync());
    }

    /// <summary>A waiting suggester and a raw builder; returns the build the builder received.</summary>
    private async Task<(RawPeer Suggester, RawPeer Builder, BuildMessage Build)> WaitForABuildAsync(string name)
    {
        var builder = await HelloAsync(Builder(name, 1, max: ProtocolLimits.Version));
        await builder.ReceiveAsync<Welcome>();
        await _server.WaitForBuildersAsync(1);
        var suggester = await RawPeer.HelloAsync(_server.Port, Roles.Suggest, "waiter");
        await suggester.SendAsync(new SuggestMessage { Project = "foo", Revision = "master", Wait = true });
        Assert.Equal(1, (await suggester.ReceiveAsync<Accepted>()).Builders);
        return (suggester, builder, await builder.ReceiveAsync<BuildMessage>());
    }

    /// <summary>Nothing more arrives for the suggester until the server closes it at shutdown (pings aside).</summary>
    private async Task AssertNothingMoreAsync(RawPeer suggester)
    {
        await _server.StopAsync();
        while (await suggester.ReceiveAsync(TimeSpan.FromSeconds(10)) is { } message)
        {
            Assert.True(message is Ping or Bye, $"a second answer: {message}");
        }
    }

    [Fact]
    public async Task A_waiting_suggester_gets_the_result_once_even_when_the_builder_sends_it_twice()
    {
        var (suggester, builder, build) = await WaitForABuildAsync("twice");
        await using (suggester)
        await using (builder)
        {
            await builder.SendAsync(Result(build));
            await builder.ReceiveAsync<Ack>();
            await builder.SendAsync(Result(build));
            await builder.ReceiveAsync<Ack>();

            Assert.Equal("twice", (await suggester.ReceiveAsync<ResultMessage>()).Builder);
            await AssertNothingMoreAsync(suggester);
        }
    }

    [Fact]
    public async Task A_waiting_suggester_gets_lost_once_and_not_the_late_result_that_follows_it()
    {
        var (suggester, builder, build) = await WaitForABuildAsync("flaky");
        await using (suggester)
        {
            await builder.DisposeAsync(); // the machine goes away mid-build
            var lost = await suggester.ReceiveAsync<LostMessage>();
            Assert.Equal((build.Id, "flaky"), (lost.Id, lost.Builder));

            await using var again = await HelloAsync(Builder("flaky", 1, max: ProtocolLimits.Version));
            await again.ReceiveAsync<Welcome>();
            await again.SendAsync(Result(build)); // from its outbox
            Assert.Equal(build.Id, (await again.ReceiveAsync<Ack>()).Id);
            await _server.WaitForLogAsync($"[build {build.Id}] from");

            await AssertNothingMoreAsync(suggester);
        }
    }

    [Fact]
    public async Task A_waiting_suggester_gets_lost_when_the_builder_refuses_the_build()
    {
        var (suggester, builder, build) = await WaitForABuildAsync("picky");
        await using (suggester)
        await using (builder)
        {
            await builder.SendAsync(new ErrorMessage { Code = ErrorCodes.Unavailable, Message = "too many builds waiting", Id = build.Id });

            var lost = await suggester.ReceiveAsync<LostMessage>();
            Assert.Equal((build.Id, "picky", "the builder refused the build: unavailable: too many builds waiting"), (lost.Id, lost.Builder, lost.Reason));
            await AssertNothingMoreAsync(suggester);
        }
    }
}
