using SimpleBB.Protocol;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>The shared protocol client against a scripted server on a real socket.</summary>
public class ProtocolClientTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static Hello Hello(string role = Roles.Suggest) =>
        new() { Role = role, Name = "test", Version = "1", Protocol = ProtocolLimits.MinVersion, MaxProtocol = ProtocolLimits.Version, Token = "t" };

    private static Task<ProtocolClient> ConnectAsync(FakeServer server, params Message[] pipelined) =>
        ProtocolClient.ConnectAsync(server.ClientOptions, Hello(), pipelined, null, CancellationToken.None);

    /// <summary>A client that the fake server has accepted and welcomed.</summary>
    private static async Task<ProtocolClient> WelcomedAsync(FakeServer server)
    {
        var connecting = ConnectAsync(server);
        await server.AcceptAsync();
        await server.WelcomeAsync();
        return await connecting.WaitAsync(Patience);
    }

    [Fact]
    public async Task An_error_in_answer_to_hello_is_a_refusal_with_the_servers_code_and_reason()
    {
        await using var server = new FakeServer();
        var connecting = ConnectAsync(server);
        Assert.IsType<Hello>(await server.AcceptAsync());

        await server.SendAsync(new ErrorMessage { Code = ErrorCodes.Unauthorized, Message = "wrong token" });

        var refused = await Assert.ThrowsAsync<ServerRefusedException>(() => connecting.WaitAsync(Patience));
        Assert.Equal((ErrorCodes.Unauthorized, "wrong token"), (refused.Code, refused.Reason));
    }

    [Fact]
    public async Task Pipelined_messages_follow_hello_before_the_welcome_arrives()
    {
        await using var server = new FakeServer();
        var connecting = ConnectAsync(server, new SuggestMessage { Project = "foo", Revision = "master" });

        Assert.IsType<Hello>(await server.AcceptAsync());
        Assert.Equal("master", Assert.IsType<SuggestMessage>(await server.ReceiveAsync()).Revision);
        await server.WelcomeAsync();
        await using var client = await connecting.WaitAsync(Patience);
        Assert.Equal("fake", client.Welcome.Server);
    }

    [Fact]
    public async Task A_message_of_unknown_type_is_skipped_and_the_next_one_is_returned()
    {
        await using var server = new FakeServer();
        var connecting = ConnectAsync(server);
        await server.AcceptAsync();
        await server.SendAsync("{\"type\":\"from-the-future\",\"x\":1}\n"u8.ToArray()); // before welcome too
        await server.WelcomeAsync();
        await using var client = await connecting.WaitAsync(Patience);

        await server.SendAsync("{\"type\":\"live-output\",\"id\":\"a-1\"}\n"u8.ToArray());
        await server.SendAsync(new Accepted { Id = "a-1", Project = "foo", Revision = "master", Builders = 2 });

        Assert.Equal("a-1", Assert.IsType<Accepted>(await client.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Patience)).Id);
    }

    [Fact]
    public async Task A_ping_is_answered_with_pong_and_not_handed_to_the_caller()
    {
        await using var server = new FakeServer();
        await using var client = await WelcomedAsync(server);
        var receiving = client.ReceiveAsync(CancellationToken.None).AsTask();

        await server.SendAsync(new Ping());
        await server.SendAsync(Pong.Instance);

        Assert.IsType<Pong>(await server.ReceiveAsync());
        await server.SendAsync(new Ack { Id = "a-1" });
        Assert.IsType<Ack>(await receiving.WaitAsync(Patience));
    }

    [Fact]
    public async Task Bye_after_an_answer_ends_the_exchange_saying_the_client_was_welcomed_and_answered()
    {
        await using var server = new FakeServer();
        await using var client = await WelcomedAsync(server);
        await server.SendAsync(new Ack { Id = "a-1" });
        await client.ReceiveAsync(CancellationToken.None);

        await server.SendAsync(new Bye { Reason = "shutting down" });

        var closed = await Assert.ThrowsAsync<ServerClosedException>(() => client.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Patience));
        Assert.Equal((true, true), (closed.Welcomed, closed.Answered));
        Assert.Contains("shutting down", closed.Message);
    }

    [Fact]
    public async Task A_connection_closed_before_welcome_is_a_close_that_was_never_welcomed()
    {
        await using var server = new FakeServer();
        var connecting = ConnectAsync(server);
        await server.AcceptAsync();

        server.CloseConnection();

        var closed = await Assert.ThrowsAsync<ServerClosedException>(() => connecting.WaitAsync(Patience));
        Assert.Equal((false, false), (closed.Welcomed, closed.Answered));
    }

    [Fact]
    public async Task A_server_that_never_answers_hello_times_out_at_the_welcome_deadline()
    {
        await using var server = new FakeServer();
        var options = server.ClientOptions with { WelcomeTimeout = TimeSpan.FromMilliseconds(200) };
        var connecting = ProtocolClient.ConnectAsync(options, Hello(), [], null, CancellationToken.None);
        await server.AcceptAsync();

        await Assert.ThrowsAsync<TimeoutException>(() => connecting.WaitAsync(Patience));
    }

    [Fact]
    public async Task An_undecodable_line_is_a_bad_message_and_the_next_line_can_still_be_read()
    {
        await using var server = new FakeServer();
        await using var client = await WelcomedAsync(server);

        await server.SendAsync("{not json\n"u8.ToArray());
        await server.SendAsync(new Ack { Id = "a-1" });

        var bad = await Assert.ThrowsAsync<BadServerMessageException>(() => client.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Patience));
        Assert.Equal((ErrorCodes.BadJson, true), (bad.Code, bad.CanContinue));
        Assert.IsType<Ack>(await client.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task A_silent_server_is_pinged_after_one_heartbeat_and_dropped_after_three()
    {
        await using var server = new FakeServer();
        var connecting = ConnectAsync(server);
        await server.AcceptAsync();
        await server.SendAsync(new Welcome { Server = "fake", Version = "0", Protocol = ProtocolLimits.Version, HeartbeatSeconds = 1 });
        await using var client = await connecting.WaitAsync(Patience);
        var receiving = client.ReceiveAsync(CancellationToken.None).AsTask();

        Assert.IsType<Ping>(await server.ReceiveAsync()); // the server answers nothing from now on

        var closed = await Assert.ThrowsAsync<ServerClosedException>(() => receiving.WaitAsync(Patience));
        Assert.Contains("nothing heard from 127.0.0.1", closed.Message);
        Assert.True(closed.Welcomed);
    }

    [Fact]
    public async Task A_server_that_answers_pings_keeps_the_connection_past_three_heartbeats()
    {
        await using var server = new FakeServer();
        var connecting = ConnectAsync(server);
        await server.AcceptAsync();
        await server.SendAsync(new Welcome { Server = "fake", Version = "0", Protocol = ProtocolLimits.Version, HeartbeatSeconds = 1 });
        await using var client = await connecting.WaitAsync(Patience);
        var receiving = client.ReceiveAsync(CancellationToken.None).AsTask();

        for (var i = 0; i < 4; i++)
        {
            Assert.IsType<Ping>(await server.ReceiveAsync());
            await server.SendAsync(Pong.Instance);
        }
        await server.SendAsync(new Ack { Id = "x-1" });

        Assert.Equal("x-1", Assert.IsType<Ack>(await receiving.WaitAsync(Patience)).Id);
    }

    [Fact]
    public async Task Nothing_listening_is_unreachable()
    {
        var port = await FakeServer.ClosedPortAsync();

        await Assert.ThrowsAsync<ServerUnreachableException>(() =>
            ProtocolClient.ConnectAsync(new ProtocolClientOptions { Host = "127.0.0.1", Port = port }, Hello(), [], null, CancellationToken.None));
    }
}
