using System.Net.Sockets;
using System.Text;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;

namespace SimpleBB.IntegrationTests;

/// <summary>Raw hostile peers against a real server: every bad input gets an error, nobody else notices.</summary>
public sealed class HostileInputTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Each_bad_line_after_hello_gets_its_error_code_and_the_connection_goes_on()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var peer = await RawPeer.HelloAsync(server.Port, Roles.Builder, "mallory");
        var cases = new (byte[] Line, string Code)[]
        {
            ("{not json\n"u8.ToArray(), ErrorCodes.BadJson),
            ([0x7B, 0xFF, 0xFE, 0x7D, 0x0A], ErrorCodes.BadUtf8),
            ("{\"type\":\"launch\"}\n"u8.ToArray(), ErrorCodes.UnknownType),
            ("{\"no\":\"type\"}\n"u8.ToArray(), ErrorCodes.MissingType),
            ("{\"type\":\"result\",\"id\":\"x-1\"}\n"u8.ToArray(), ErrorCodes.BadMessage),
            ("{\"type\":\"suggest\",\"project\":5,\"revision\":\"m\"}\n"u8.ToArray(), ErrorCodes.BadMessage),
            ("\n"u8.ToArray(), ErrorCodes.EmptyLine),
            ([0, 0, 0, 0, 0, 0, 0, 0, 10], ErrorCodes.BadJson),
            ("[1,2,3]\n"u8.ToArray(), ErrorCodes.BadJson),
            (MessageCodec.Encode(new SuggestMessage { Project = "foo", Revision = "m" }), ErrorCodes.NotAllowed),
            (MessageCodec.Encode(Result("nosuch-1")), ErrorCodes.UnknownBuild),
            (MessageCodec.Encode(Result("nosuch-2") with { Runtime = ".NET\n2026-01-01 [INF] SUCCESS forged/x on mallory (" }), ErrorCodes.BadMessage),
            (MessageCodec.Encode(new ErrorMessage { Code = "x", Message = "y" }), ""),
        };

        foreach (var (line, code) in cases)
        {
            await peer.SendAsync(line);
            if (code == "")
            {
                continue; // a peer's own error report is only logged
            }
            var error = await peer.ReceiveAsync<ErrorMessage>();
            Assert.Equal(code, error.Code);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }

        await peer.SendAsync(Ping.Instance);
        Assert.IsType<Pong>(await peer.ReceiveAsync());
        Assert.Contains("Rejected message from builder mallory (127.0.0.1:", server.Log);
        Assert.DoesNotContain("forged", server.Log);
    }

    [Theory]
    [InlineData("{\"type\":\"suggest\",\"project\":\"foo\",\"revision\":\"m\"}\n", ErrorCodes.HelloRequired)]
    [InlineData("GET / HTTP/1.1\n", ErrorCodes.BadJson)]
    [InlineData("{\"type\":\"hello\",\"role\":\"admin\",\"name\":\"x\",\"version\":\"1\",\"protocol\":1}\n", ErrorCodes.BadRole)]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"name\":\"../x\",\"version\":\"1\",\"protocol\":1}\n", ErrorCodes.BadName)]
    [InlineData("{\"type\":\"hello\",\"role\":\"builder\",\"name\":\"x\",\"version\":\"1\",\"protocol\":99}\n", ErrorCodes.UnsupportedProtocol)]
    public async Task A_bad_first_line_gets_an_error_and_the_connection_is_closed(string line, string code)
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var peer = await RawPeer.ConnectAsync(server.Port);

        await peer.SendAsync(line);

        Assert.Equal(code, (await peer.ReceiveAsync<ErrorMessage>()).Code);
        Assert.True(await peer.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_second_hello_is_a_protocol_violation_that_closes_the_connection()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var peer = await RawPeer.HelloAsync(server.Port, Roles.Suggest, "twice");

        await peer.SendAsync(new Hello { Role = Roles.Builder, Name = "twice", Version = "1", Protocol = ProtocolLimits.Version });

        Assert.Equal(ErrorCodes.DuplicateHello, (await peer.ReceiveAsync<ErrorMessage>()).Code);
        Assert.True(await peer.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_line_over_the_limit_is_refused_before_its_end_arrives()
    {
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { MaxLineBytes = 1024 });
        await using var peer = await RawPeer.HelloAsync(server.Port, Roles.Builder, "big");

        await peer.SendAsync(Encoding.ASCII.GetBytes("{\"type\":\"ping\",\"pad\":\"" + new string('x', 4000))); // no newline, ever

        Assert.Equal(ErrorCodes.LineTooLong, (await peer.ReceiveAsync<ErrorMessage>()).Code);
        Assert.True(await peer.IsClosedByServerAsync());
    }

    [Fact]
    public async Task A_connection_that_never_says_hello_is_closed_after_the_deadline()
    {
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { HelloTimeout = TimeSpan.FromMilliseconds(300) });
        await using var silent = await RawPeer.ConnectAsync(server.Port);
        await using var trickle = await RawPeer.ConnectAsync(server.Port);

        await trickle.SendAsync("{\"ty");

        Assert.Equal(ErrorCodes.HelloTimeout, (await silent.ReceiveAsync<ErrorMessage>()).Code);
        Assert.Equal(ErrorCodes.HelloTimeout, (await trickle.ReceiveAsync<ErrorMessage>()).Code);
        Assert.True(await silent.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Connections_beyond_the_maximum_are_refused_with_server_full()
    {
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { MaxConnections = 3 });
        var held = new List<RawPeer>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await RawPeer.HelloAsync(server.Port, Roles.Suggest, $"s{i}"));
        }

        await using var extra = await RawPeer.ConnectAsync(server.Port);

        Assert.Equal(ErrorCodes.ServerFull, (await extra.ReceiveAsync<ErrorMessage>()).Code);
        Assert.True(await extra.IsClosedByServerAsync());
        foreach (var peer in held.Skip(1))
        {
            await peer.SendAsync(Ping.Instance);
            Assert.IsType<Pong>(await peer.ReceiveAsync<Pong>());
            await peer.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_builder_that_stops_reading_is_dropped_and_the_others_still_get_every_build()
    {
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { MaxPendingMessages = 16 });
        await using var stuck = await RawPeer.HelloAsync(server.Port, Roles.Builder, "stuck", receiveBufferSize: 1024);
        await using var reader = await RawPeer.HelloAsync(server.Port, Roles.Builder, "reader");
        await server.WaitForBuildersAsync(2);

        // Suggest at the pace the reading builder keeps up with, until the one that never reads is dropped.
        var sent = 0;
        var received = 0;
        while (!server.Log.Contains("Dropping builder stuck", StringComparison.Ordinal))
        {
            Assert.True(sent < 1_000_000, "the builder that never reads was never dropped");
            for (var i = 0; i < 8; i++, sent++)
            {
                server.Server.DispatchForTest("flood", "r" + sent);
            }
            while (received < sent)
            {
                var message = await reader.ReceiveAsync();
                received += message is BuildMessage ? 1 : 0;
                Assert.True(message is BuildMessage or Ping, $"unexpected {message}");
            }
        }

        Assert.Contains("slow-consumer", server.Log);
        await server.WaitForBuildersAsync(1);
        server.Server.DispatchForTest("after", "drop");
        Assert.Equal("after", (await reader.ReceiveAsync<BuildMessage>()).Project);
    }

    [Fact]
    public async Task A_half_open_builder_is_dropped_after_three_silent_heartbeats_while_a_live_one_stays()
    {
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { HeartbeatInterval = TimeSpan.FromMilliseconds(200) });
        await using var dead = await RawPeer.HelloAsync(server.Port, Roles.Builder, "dead");
        await using var live = await RawPeer.HelloAsync(server.Port, Roles.Builder, "live");

        var pings = 0;
        while (pings < 6)
        {
            var message = await live.ReceiveAsync();
            Assert.True(message is not null, "the server closed the live builder's connection:\n" + server.Log);
            if (message is Ping)
            {
                pings++;
                await live.SendAsync(Pong.Instance);
            }
        }

        await server.WaitForLogAsync("Builder dead (127.0.0.1:");
        Assert.Contains("heartbeat-timeout", server.Log);
        Assert.DoesNotContain("Builder live (", server.Log);
        Assert.Equal(1, server.Server.ConnectedBuilders);
    }

    [Fact]
    public async Task A_status_client_gets_one_snapshot_per_connection_so_it_cannot_pile_up_megabytes()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var peer = await RawPeer.HelloAsync(server.Port, Roles.Status, "nosy");

        await peer.SendAsync(new StatusRequest());
        await peer.SendAsync(new StatusRequest());

        Assert.IsType<Snapshot>(await peer.ReceiveAsync());
        Assert.Equal(ErrorCodes.NotAllowed, (await peer.ReceiveAsync<ErrorMessage>()).Code);
    }

    [Fact]
    public async Task A_connection_queues_at_most_its_byte_budget_whatever_the_number_of_frames()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(System.Net.IPAddress.Loopback, ((System.Net.IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptSocketAsync();
        var stalled = new StalledStream();
        await using var connection = new LineConnection(accepted, stalled, 1024, maxPendingMessages: 1000);
        connection.Outgoing.MaxPendingBytes = 100;

        // The first frame goes to the (stalled) write; what follows stays queued.
        Assert.True(connection.TrySend(new byte[10]));
        await stalled.WriteStarted.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(connection.TrySend(new byte[60]));
        Assert.False(connection.TrySend(new byte[60])); // two frames of a thousand allowed, but 120 bytes of 100
        Assert.True(connection.TrySend(new byte[40]));
        Assert.False(connection.TrySend(new byte[1]));
    }

    private static ResultMessage Result(string id) => new()
    {
        Id = id,
        Project = "foo",
        Revision = "m",
        ExitCode = 0,
        DurationMs = 1,
        Uname = new Uname { Sysname = "Linux", Nodename = "n", Release = "6", Version = "v", Machine = "x86_64" },
        Runtime = ".NET",
        Output = "",
    };
}
