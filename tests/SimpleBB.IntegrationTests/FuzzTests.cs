using System.Globalization;
using System.Net.Sockets;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Suggest;
using Xunit.Abstractions;

namespace SimpleBB.IntegrationTests;

/// <summary>Thousands of hostile inputs over many connections at once against the real server executable.</summary>
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Connections = 40;
    private const int InputsPerConnection = 300; // 12,000 inputs in all

    private const string Token = "fuzz-token";

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Server_survives_twelve_thousand_hostile_inputs_with_bounded_memory_and_still_builds()
    {
        var log = _dir["server.log"];
        var port = EndToEndTests.FreePort();
        await using var server = ChildProcess.Start("server", ["--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--log-file", log, "--quiet", "--token", Token]);
        await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == 1, "the server to listen\n" + server.Output);
        var before = ResidentKiB(server.Id);

        var sent = 0;
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(i => Task.Run(async () =>
        {
            var inputs = new HostileInputs(seed: i, token: i % 4 == 0 ? "wrong" : Token);
            for (var n = 0; n < InputsPerConnection;)
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                var stream = client.GetStream();
                var draining = DrainAsync(stream);
                try
                {
                    for (; n < InputsPerConnection; n++)
                    {
                        await stream.WriteAsync(inputs.Next());
                        Interlocked.Increment(ref sent);
                    }
                }
                catch (IOException)
                {
                    n++; // the server closed this connection (a violation); carry on with a new one
                }
                client.Client.Shutdown(SocketShutdown.Send);
                await draining;
            }
        })));
        var after = ResidentKiB(server.Id);

        Assert.True(sent >= 10_000, $"only {sent} inputs reached the server");
        output.WriteLine($"{sent} inputs written; server RSS {before} KiB before, {after} KiB after");
        Assert.False(server.HasExited, "the server died:\n" + server.Output);
        Assert.True(after < before + 150 * 1024, $"server RSS grew from {before} KiB to {after} KiB");
        Assert.DoesNotContain("[ERR]", LogFiles.Read(log));

        _dir.Script("scripts", "foo", "echo still fine");
        await using var builder = BuilderFixture.Start(_dir.Path, port, "survivor", _dir["scripts"], o => o with { Token = Token });
        await Eventually.TrueAsync(() => LogFiles.Count(log, "Builder survivor connected") == 1, "the builder to connect");
        var outcome = Assert.Single(await SuggestClient.SuggestAsync("127.0.0.1", port, "test", "foo", ["after-fuzz"], TimeSpan.FromSeconds(10), CancellationToken.None, Token));
        Assert.Equal(1, outcome.Builders);
        await Eventually.TrueAsync(() => LogFiles.Count(log, $"SUCCESS foo/after-fuzz on survivor") == 1, "the round trip after the fuzzing");
    }

    private static async Task DrainAsync(NetworkStream stream)
    {
        var buffer = new byte[8192];
        try
        {
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Closed by the server: expected for violations.
        }
    }

    private static long ResidentKiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
