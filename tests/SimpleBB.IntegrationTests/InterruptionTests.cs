using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>
/// Stopping the daemons the way people and service managers do (Ctrl-C at a terminal, SIGTERM, twice in a hurry):
/// they exit 0, a build they stopped is reported once as INTERRUPTED, and no part of the build script is left running.
/// </summary>
public sealed class InterruptionTests : IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly TempDir _dir = new();

    public InterruptionTests()
    {
        // The script and a child it waits for both say who they are, so the test can check that neither survives.
        _dir.Script("scripts", "app", $"echo $$ > {_dir["script.pid"]}\nsleep 60 &\necho $! > {_dir["sleep.pid"]}\nwait");
    }

    public void Dispose() => _dir.Dispose();

    private ChildProcess StartBuilder(int port, int shutdownGrace, bool ownSession = false)
    {
        string[] args =
        [
            "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--name", "b1", "--scripts", _dir["scripts"],
            "--data-dir", _dir["b1"], "--shutdown-grace", shutdownGrace.ToString(CultureInfo.InvariantCulture),
        ];
        return ownSession ? ChildProcess.StartInOwnSession("builder", args) : ChildProcess.Start("builder", args);
    }

    /// <summary>Suggests app/main and waits until the script and its child run; returns both pids.</summary>
    private async Task<(int Script, int Child)> StartBuildAsync(ServerFixture server)
    {
        await server.WaitForBuildersAsync(1);
        await SuggestClient.SuggestAsync("127.0.0.1", server.Port, "test", "app", ["main"], TimeSpan.FromSeconds(10), CancellationToken.None);
        return (await Pids.ReadAsync(_dir["script.pid"]), await Pids.ReadAsync(_dir["sleep.pid"]));
    }

    private static Task ProcessesGoneAsync((int Script, int Child) pids) =>
        Eventually.TrueAsync(() => !Pids.IsAlive(pids.Script) && !Pids.IsAlive(pids.Child),
            $"script {pids.Script} and its child {pids.Child} to be gone", TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Builder_given_two_quick_SIGTERMs_stops_its_build_at_once_reports_it_INTERRUPTED_once_and_exits_0()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = StartBuilder(server.Port, shutdownGrace: 300);
        var pids = await StartBuildAsync(server);

        builder.Signal(SigTerm);
        // Signals sent before the process runs are merged into one by the kernel; this one must count as the second.
        await Eventually.TrueAsync(() => builder.Output.Contains("Builder b1 stopping", StringComparison.Ordinal), "the builder to start stopping");
        builder.Signal(SigTerm);

        // The second signal cut the 300 s grace short: the build is stopped now, reported, and the builder exits 0.
        Assert.Equal(0, await builder.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        await server.WaitForLogAsync("INTERRUPTED app/main on b1");
        Assert.Equal(1, LogFiles.Count(server.LogPath, "INTERRUPTED app/main on b1"));
        Assert.Equal(0, LogFiles.Count(server.LogPath, "FAILED"));
        Assert.Contains("Builder b1 stopped", builder.Output);
        await ProcessesGoneAsync(pids);
    }

    [Fact]
    public async Task Builder_given_SIGTERM_twice_back_to_back_by_timeout_or_a_script_reports_the_build_and_exits_0()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = StartBuilder(server.Port, shutdownGrace: 1);
        var pids = await StartBuildAsync(server);

        builder.Signal(SigTerm);
        builder.Signal(SigTerm);

        Assert.Equal(0, await builder.WaitForExitAsync());
        await server.WaitForLogAsync("INTERRUPTED app/main on b1");
        Assert.Equal(1, LogFiles.Count(server.LogPath, "INTERRUPTED app/main on b1"));
        await ProcessesGoneAsync(pids);
    }

    [Fact]
    public async Task Ctrl_C_to_the_builders_whole_process_group_interrupts_the_build_instead_of_failing_it_with_130()
    {
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = StartBuilder(server.Port, shutdownGrace: 1, ownSession: true);
        var pids = await StartBuildAsync(server);

        // What a terminal does on Ctrl-C: SIGINT to every process in the foreground group. The script is not in it.
        builder.Signal(SigInt, group: true);

        Assert.Equal(0, await builder.WaitForExitAsync());
        await server.WaitForLogAsync("INTERRUPTED app/main on b1");
        Assert.Equal(0, LogFiles.Count(server.LogPath, "FAILED"));
        Assert.Contains("[simplebb: stopped because the builder was shutting down (INTERRUPTED)]", builder.Output);
        await ProcessesGoneAsync(pids);
    }

    [Fact]
    public async Task Server_given_two_quick_SIGTERMs_says_it_stopped_and_exits_0_every_time()
    {
        for (var run = 0; run < 3; run++)
        {
            var log = _dir[$"server{run}.log"];
            var port = EndToEndTests.FreePort();
            await using var server = ChildProcess.Start("server",
                ["--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--log-file", log, "--quiet", "--no-auth"]);
            await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == 1, "the server to listen\n" + server.Output);
            await using var peer = await RawPeer.HelloAsync(port, Roles.Builder, "waiting");

            server.Signal(SigTerm);
            server.Signal(SigTerm);

            Assert.Equal(0, await server.WaitForExitAsync());
            Assert.EndsWith("Server stopped", LogFiles.Lines(log)[^1]);
        }
    }

    [Fact]
    public async Task A_protocol_2_server_gets_an_interrupted_result_without_the_flag_live_and_from_the_outbox()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var builder = BuilderFixture.Start(_dir.Path, port, "alpha", _dir["scripts"]);

        string live;
        using (var first = await OldServer.AcceptAsync(listener))
        {
            await first.SendAsync(new BuildMessage { Id = "old-1", Project = "app", Revision = "main" });
            var pids = (await Pids.ReadAsync(_dir["script.pid"]), await Pids.ReadAsync(_dir["sleep.pid"]));
            var stopping = builder.StopAsync();
            live = await first.ReadResultLineAsync();
            await stopping; // unacknowledged: the result stays in the outbox
            await ProcessesGoneAsync(pids);
        }
        var stored = Encoding.UTF8.GetString(Assert.Single(builder.Agent.Outbox.ReadAll()).Frame);
        Assert.Contains("\"interrupted\":true", stored);

        await using var again = BuilderFixture.Start(_dir.Path, port, "alpha", _dir["scripts"]);
        using var second = await OldServer.AcceptAsync(listener);
        var resent = await second.ReadResultLineAsync();

        foreach (var line in new[] { live, resent })
        {
            Assert.DoesNotContain("interrupted", line);
            var result = Assert.IsType<ResultMessage>(MessageCodec.Decode(Encoding.UTF8.GetBytes(line)).Message);
            Assert.Equal("old-1", result.Id);
            Assert.False(result.Interrupted);
            Assert.NotEqual(0, result.ExitCode);
        }
    }

    /// <summary>A server of protocol version 2, hand-driven: it welcomes a builder with version 2 and reads its lines.</summary>
    private sealed class OldServer : IDisposable
    {
        private readonly Socket _socket;
        private readonly StreamReader _reader;

        private OldServer(Socket socket)
        {
            _socket = socket;
            _reader = new StreamReader(new NetworkStream(socket, ownsSocket: false), new UTF8Encoding(false));
        }

        public static async Task<OldServer> AcceptAsync(TcpListener listener)
        {
            var server = new OldServer(await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(20)));
            var hello = Assert.IsType<Hello>(MessageCodec.Decode(Encoding.UTF8.GetBytes(await server.ReadLineAsync())).Message);
            Assert.True(hello.MaxProtocol >= 3);
            await server.SendAsync(new Welcome { Server = "old", Version = "0.2", Protocol = 2, HeartbeatSeconds = 15 });
            return server;
        }

        public async Task SendAsync(Message message) => await _socket.SendAsync(MessageCodec.Encode(message));

        private async Task<string> ReadLineAsync() =>
            await _reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)) ?? throw new IOException("the builder closed the connection");

        /// <summary>The next result line as it came over the wire, skipping everything else the builder sends.</summary>
        public async Task<string> ReadResultLineAsync()
        {
            while (true)
            {
                var line = await ReadLineAsync();
                if (line.Contains("\"type\":\"result\"", StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }

        public void Dispose()
        {
            _reader.Dispose();
            _socket.Dispose();
        }
    }
}
