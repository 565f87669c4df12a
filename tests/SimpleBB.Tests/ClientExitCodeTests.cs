using System.Globalization;
using SimpleBB.Hosting;
using SimpleBB.Protocol;
using SimpleBB.Status;
using SimpleBB.Suggest;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>simplebb-suggest and simplebb-status, run in-process against a scripted server: the exit code says what failed.</summary>
public class ClientExitCodeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static Task<int> SuggestAsync(FakeServer server, params string[] arguments) =>
        SuggestCommand.Create().Parse(["-H", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "--token", "t", .. arguments]).InvokeAsync();

    private static Task<int> StatusAsync(int port) =>
        StatusCommand.Create().Parse(["-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--token", "t"]).InvokeAsync();

    [Fact]
    public async Task Suggest_exits_3_when_the_connection_drops_after_welcome_before_every_answer()
    {
        await using var server = new FakeServer();
        var running = SuggestAsync(server, "foo", "master", "v2");
        Assert.IsType<Hello>(await server.AcceptAsync());
        await server.WelcomeAsync();
        await server.SendAsync(new Accepted { Id = "a-1", Project = "foo", Revision = "master", Builders = 1 });

        server.CloseConnection();

        Assert.Equal(ExitCodes.NoConnection, await running.WaitAsync(Patience));
    }

    [Fact]
    public async Task Suggest_exits_1_when_the_server_refuses_the_hello()
    {
        await using var server = new FakeServer();
        var running = SuggestAsync(server, "foo", "master");
        await server.AcceptAsync();

        await server.SendAsync(new ErrorMessage { Code = ErrorCodes.Unauthorized, Message = "wrong token" });

        Assert.Equal(ExitCodes.Failure, await running.WaitAsync(Patience));
    }

    [Fact]
    public async Task Suggest_exits_3_when_the_server_says_bye_before_answering()
    {
        await using var server = new FakeServer();
        var running = SuggestAsync(server, "foo", "master");
        await server.AcceptAsync();
        await server.WelcomeAsync();

        await server.SendAsync(new Bye { Reason = "shutting down" });

        Assert.Equal(ExitCodes.NoConnection, await running.WaitAsync(Patience));
    }

    [Fact]
    public async Task Status_exits_1_when_the_server_answers_the_status_request_with_an_error()
    {
        await using var server = new FakeServer();
        var running = StatusAsync(server.Port);
        await server.AcceptAsync();
        Assert.IsType<StatusRequest>(await server.ReceiveAsync());
        await server.WelcomeAsync();

        await server.SendAsync(new ErrorMessage { Code = ErrorCodes.NotAllowed, Message = "no" });

        Assert.Equal(ExitCodes.Failure, await running.WaitAsync(Patience));
    }

    [Fact]
    public async Task Status_prints_the_snapshot_and_exits_0_though_a_message_of_unknown_type_came_first()
    {
        await using var server = new FakeServer();
        var running = StatusAsync(server.Port);
        await server.AcceptAsync();
        await server.WelcomeAsync();

        await server.SendAsync("{\"type\":\"from-the-future\"}\n"u8.ToArray());
        await server.SendAsync(new Snapshot { Builders = [], Results = [] });

        Assert.Equal(ExitCodes.Ok, await running.WaitAsync(Patience));
    }

    [Fact]
    public async Task Status_exits_3_when_nothing_listens()
    {
        var port = await FakeServer.ClosedPortAsync();

        Assert.Equal(ExitCodes.NoConnection, await StatusAsync(port).WaitAsync(Patience));
    }
}
