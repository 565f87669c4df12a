using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using SimpleBB.IntegrationTests.Infrastructure;

namespace SimpleBB.IntegrationTests;

/// <summary>simplebb-server's --http option, with the real executable.</summary>
public sealed partial class WebServerOptionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ChildProcess Server(string http) =>
        ChildProcess.Start("server", ["--listen", "127.0.0.1", "--port", "0", "--no-auth", "--http", http, "--log-file", _dir["server.log"]],
            new Dictionary<string, string> { ["HOME"] = _dir.Path });

    [Fact]
    public async Task Server_logs_the_page_address_and_warns_when_it_is_reachable_from_other_machines()
    {
        await using var server = Server("0.0.0.0:0");
        await Eventually.TrueAsync(() => PageUrl().Success, "the page's address in server.log\n" + server.Output);
        var port = int.Parse(PageUrl().Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"The web dashboard is served on 0.0.0.0:{port}, not only to this machine", LogFiles.Read(_dir["server.log"]));
        using var http = new HttpClient();
        var status = await http.GetStringAsync($"http://127.0.0.1:{port}/api/status");
        Assert.StartsWith("{\"type\":\"snapshot\"", status);
        Assert.Equal(0, await server.TerminateAsync());
    }

    [Fact]
    public async Task Http_off_serves_no_page()
    {
        await using var server = Server("off");
        await Eventually.TrueAsync(() => LogFiles.Count(_dir["server.log"], "listening on") == 1, "the server to listen\n" + server.Output);
        Assert.DoesNotContain("Web dashboard", LogFiles.Read(_dir["server.log"]));
        Assert.Equal(0, await server.TerminateAsync());
    }

    [Fact]
    public async Task A_taken_dashboard_port_stops_the_start_with_a_clear_error()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var server = Server($"127.0.0.1:{port}");
        await Eventually.TrueAsync(() => server.HasExited, "the server to give up\n" + server.Output);
        Assert.Equal(1, server.ExitCode);
        Assert.Contains($"Cannot serve the web dashboard on 127.0.0.1:{port}", server.Output);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("127.0.0.1:")]
    public async Task A_malformed_http_address_is_a_usage_error_naming_the_option(string http)
    {
        var run = await Executables.RunAsync("server", ["--port", "0", "--no-auth", "--http", http, "--log-file", _dir["server.log"]]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--http", run.Stderr);
    }

    private Match PageUrl() => PageLine().Match(LogFiles.Read(_dir["server.log"]));

    [GeneratedRegex(@"Web dashboard \(read-only\): http://0\.0\.0\.0:(\d+)/")]
    private static partial Regex PageLine();
}
