using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SimpleBB.IntegrationTests.Infrastructure;

namespace SimpleBB.IntegrationTests;

/// <summary>examples/quickstart.sh run as a newcomer runs it (with the executables these tests already built).</summary>
public sealed class QuickStartScriptTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Quick_start_with_its_port_taken_shows_the_servers_error_at_once_and_says_where_its_files_are()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();

        var run = await Executables.RunAsync(QuickStart(port));

        Assert.Equal(1, run.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}, as if it waited for a server that had exited");
        Assert.Contains($"cannot listen on 127.0.0.1 port {port}", run.Stderr);
        Assert.Contains("Address already in use", run.Stderr);
        var kept = Assert.Single(Directory.GetDirectories(_dir.Path, "simplebb-quickstart.*"));
        Assert.Contains($"files kept in {kept}", run.Stderr);
    }

    [Fact]
    public async Task Quick_start_prints_both_results_and_the_dashboard_address_and_removes_its_temporary_folder()
    {
        var page = EndToEndTests.FreePort();
        var run = await Executables.RunAsync(QuickStart(EndToEndTests.FreePort(), page));

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains($"Web dashboard: http://127.0.0.1:{page}/", run.Stdout);
        Assert.Contains($"See them in the browser: http://127.0.0.1:{page}/", run.Stdout);
        Assert.Contains("SUCCESS foo/master on quickstart", run.Stdout);
        Assert.Contains("FAILED 1 bar/dev on quickstart", run.Stdout);
        Assert.Contains("Removed the temporary folder", run.Stdout);
        Assert.Empty(Directory.GetDirectories(_dir.Path, "simplebb-quickstart.*"));
    }

    private ProcessStartInfo QuickStart(int port, int? page = null)
    {
        var info = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(Executables.RepositoryRoot, "examples", "quickstart.sh"), "--no-build" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["SIMPLEBB_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        info.Environment["SIMPLEBB_CONFIGURATION"] = Executables.Configuration;
        info.Environment["TMPDIR"] = _dir.Path;
        info.Environment["SIMPLEBB_HTTP"] = page is { } p ? $"127.0.0.1:{p}" : "off";
        return info;
    }
}
