using SimpleBB.IntegrationTests.Infrastructure;

namespace SimpleBB.IntegrationTests;

/// <summary>--listen takes what people write: an address or a host name.</summary>
public sealed class ServerListenTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Server_listens_on_a_host_name_resolved_to_its_address()
    {
        var log = _dir["server.log"];
        await using var server = ChildProcess.Start("server", ["--listen", "localhost", "--port", "0", "--log-file", log, "--quiet"],
            new Dictionary<string, string> { ["HOME"] = _dir.Path });

        await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on 127.0.0.1:") == 1, "the server to listen on 127.0.0.1\n" + server.Output);
        Assert.Equal(0, await server.TerminateAsync());
    }

    [Fact]
    public async Task Server_refuses_a_listen_name_that_does_not_resolve_in_one_line()
    {
        var run = await Executables.RunAsync("server", ["--listen", "no-such-host.invalid", "--port", "0", "--log-file", _dir["server.log"]],
            env: new Dictionary<string, string> { ["HOME"] = _dir.Path });

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("simplebb-server: --listen \"no-such-host.invalid\" is neither an IP address nor a host name this machine can resolve", run.Stderr);
        Assert.Single(run.Stderr.TrimEnd().Split('\n'));
    }
}
