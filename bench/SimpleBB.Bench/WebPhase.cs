using System.Diagnostics;
using System.Globalization;
using SimpleBB.Protocol;

namespace SimpleBB.Bench;

/// <summary>
/// The web dashboard: server RSS with the page on and off, the overview's and /api/status's server time (Server-Timing)
/// with N builders and P projects, and whether 100 open pages following events slow fan-out or results.
/// </summary>
public static class WebPhase
{
    private const int Pages = 100;

    /// <summary>Longer than the server reuses an unchanged snapshot (DashboardState: one second).</summary>
    internal static readonly TimeSpan SnapshotReuse = TimeSpan.FromMilliseconds(1100);

    public static async Task<IEnumerable<Figure>> RunAsync(BenchOptions options, string work, CancellationToken cancellationToken)
    {
        var figures = new List<Figure>();
        var builderCount = options.Quick ? 100 : 1_000;
        var projects = options.Quick ? 10 : 50;
        var rounds = options.Quick ? 3 : 15;

        Benchmark.Progress("web: server RSS with --http off");
        await using (var off = await ServerProcess.StartAsync(options.BinDirectory, Path.Combine(work, "web-off"), cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            figures.Add(Single("server RSS, idle, --http off", "MB", off.RssBytes / 1048576.0, 20));
        }

        var httpPort = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(options.BinDirectory, Path.Combine(work, "web"), cancellationToken,
            ["--http", $"127.0.0.1:{httpPort}"]).ConfigureAwait(false);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(60) };
        await WaitForPageAsync(http, cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        figures.Add(Single("server RSS, idle, page on (served once)", "MB", server.RssBytes / 1048576.0, 25));

        var counter = new FanOutCounter();
        var builders = new List<SimBuilder>();
        await using var suggester = await server.ConnectClientAsync(Roles.Suggest, [], cancellationToken).ConfigureAwait(false);
        try
        {
            Benchmark.Progress($"web: {builderCount} builders, {projects} projects");
            await Benchmark.ConnectAsync(server, builders, builderCount, counter, cancellationToken).ConfigureAwait(false);
            await BuildAndReportAsync(suggester, builders, counter, projects, "p", cancellationToken).ConfigureAwait(false);

            // Each sample waits out the server's one-second snapshot reuse, so every request reads and encodes a
            // fresh snapshot: the cost a page or client pays after any change. Few samples: the suggester reads nothing
            // meanwhile, and its client gives the connection up after 45 s of silence.
            var home = new Samples();
            var api = new Samples();
            for (var i = 0; i < (options.Quick ? 3 : 10) + 2; i++)
            {
                await Task.Delay(SnapshotReuse, cancellationToken).ConfigureAwait(false);
                var status = await ServerTimeAsync(http, "/api/status", cancellationToken).ConfigureAwait(false);
                await Task.Delay(SnapshotReuse, cancellationToken).ConfigureAwait(false);
                var page = await ServerTimeAsync(http, "/", cancellationToken).ConfigureAwait(false);
                if (i >= 2)
                {
                    home.Add(page);
                    api.Add(status);
                }
            }
            figures.Add(Figure.From($"overview page server time ({builderCount} builders, {projects} projects)", "ms", home) with { Target = 50 });
            // The snapshot holds the latest results the server keeps in memory (ServerOptions.MaxLatestResults, 1,000).
            figures.Add(Figure.From($"/api/status server time, fresh snapshot ({builderCount} builders, {projects * builderCount} results recorded)", "ms", api) with { Target = 20 });

            Benchmark.Progress("web: fan-out and results/s with no page open");
            var (fanOutBefore, resultsBefore) = await FanOutAndResultsAsync(suggester, builders, counter, rounds, "a", cancellationToken).ConfigureAwait(false);
            Benchmark.Progress($"web: fan-out and results/s with {Pages} pages following events");
            using var readers = new CancellationTokenSource();
            var events = new long[Pages];
            var reading = Enumerable.Range(0, Pages).Select(i => FollowAsync(httpPort, events, i, readers.Token)).ToArray();
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
            while (events.Any(e => Interlocked.Read(ref e) == 0) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
            var (fanOutAfter, resultsAfter) = await FanOutAndResultsAsync(suggester, builders, counter, rounds, "b", cancellationToken).ConfigureAwait(false);
            var delivered = events.Sum();
            await readers.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(reading).ConfigureAwait(false);
            Benchmark.Progress($"web: the {Pages} pages received {delivered} SSE items");

            figures.Add(Figure.From($"fan-out to {builderCount} builders, no page open", "ms", fanOutBefore));
            figures.Add(Figure.From($"fan-out to {builderCount} builders, {Pages} pages open", "ms", fanOutAfter) with { Target = fanOutBefore.Median * 1.05 });
            figures.Add(Figure.From($"results/s from {builderCount} builders, no page open", "/s", resultsBefore) with { HigherIsBetter = true });
            figures.Add(Figure.From($"results/s from {builderCount} builders, {Pages} pages open", "/s", resultsAfter) with
            {
                HigherIsBetter = true, Target = resultsBefore.Median * 0.95,
            });
            figures.Add(Single($"server RSS with {builderCount} builders and {Pages} pages open", "MB", server.RssBytes / 1048576.0, double.NaN));
        }
        finally
        {
            foreach (var builder in builders)
            {
                builder.Dispose();
            }
        }
        return figures;
    }

    private static Figure Single(string name, string unit, double value, double target) =>
        new() { Name = name, Unit = unit, Median = value, P99 = value, N = 1, Target = target };

    /// <summary>Suggests <paramref name="projects"/> builds to every builder and has every builder report each.</summary>
    private static async Task<(long Start, long End)> BuildAndReportAsync(ProtocolClient suggester, List<SimBuilder> builders, FanOutCounter counter,
        int projects, string prefix, CancellationToken cancellationToken)
    {
        builders.ForEach(b => b.CollectBuilds());
        var arrived = counter.Expect(projects * builders.Count);
        for (var p = 0; p < projects; p++)
        {
            Benchmark.Send(suggester, new SuggestMessage { Project = $"{prefix}{p:D2}", Revision = $"rev-{prefix}" });
        }
        await arrived.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
        for (var p = 0; p < projects; p++)
        {
            await suggester.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        var encoded = builders.Select(b => b.EncodeResults(b.Builds)).ToArray();
        var acked = counter.Expect(projects * builders.Count);
        var start = Stopwatch.GetTimestamp();
        var sending = builders.Select((b, i) => b.SendResultsAsync(encoded[i], cancellationToken)).ToArray();
        var end = await acked.WaitAsync(TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(sending).ConfigureAwait(false);
        return (start, end);
    }

    /// <summary>Per round: one suggestion's fan-out to every builder, then every builder's result for it, per second.</summary>
    private static async Task<(Samples FanOut, Samples Results)> FanOutAndResultsAsync(ProtocolClient suggester, List<SimBuilder> builders,
        FanOutCounter counter, int rounds, string prefix, CancellationToken cancellationToken)
    {
        var fanOut = new Samples();
        var results = new Samples();
        for (var round = 0; round < rounds + 1; round++)
        {
            builders.ForEach(b => b.CollectBuilds());
            var arrived = counter.Expect(builders.Count);
            var start = Stopwatch.GetTimestamp();
            Benchmark.Send(suggester, new SuggestMessage { Project = "fan", Revision = $"{prefix}{round}" });
            var end = await arrived.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            await suggester.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            // Results for 10 more builds each, so a round has enough results to time.
            var (resultStart, resultEnd) = await BuildAndReportAsync(suggester, builders, counter, 10, $"{prefix}{round}x", cancellationToken).ConfigureAwait(false);
            if (round > 0)
            {
                fanOut.Add(FanOutCounter.Since(start, end).TotalMilliseconds);
                results.Add(10 * builders.Count / FanOutCounter.Since(resultStart, resultEnd).TotalSeconds);
            }
        }
        return (fanOut, results);
    }

    internal static async Task WaitForPageAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("/", cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"the web page still answers {(int)response.StatusCode} after 30 s");
                }
            }
            catch (HttpRequestException) when (Stopwatch.GetTimestamp() < deadline)
            {
            }
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The server's own time for a request, from its Server-Timing header (render;dur=…).</summary>
    internal static async Task<double> ServerTimeAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var timing = response.Headers.GetValues("Server-Timing").First();
        return double.Parse(timing[(timing.IndexOf("dur=", StringComparison.Ordinal) + 4)..], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// One open page: a raw socket that asks for the event stream and then only reads and discards, counting the SSE
    /// items ("\n\n" ends one). HttpClient's line parsing for 100 streams would take the cores the server needs (the
    /// benchmark shares them), and the server's cost is the same whatever the reader does with the bytes.
    /// </summary>
    private static async Task FollowAsync(int port, long[] events, int index, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream,
                System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
            await socket.SendAsync("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            var buffer = new byte[64 * 1024];
            var previous = (byte)0;
            int read;
            while ((read = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var span = buffer.AsSpan(0, read);
                var items = previous == (byte)'\n' && span[0] == (byte)'\n' ? 1 : 0;
                for (var at = span.IndexOf("\n\n"u8); at >= 0; at = span.IndexOf("\n\n"u8))
                {
                    items++;
                    span = span[(at + 2)..];
                }
                previous = buffer[read - 1];
                if (items > 0)
                {
                    Interlocked.Add(ref events[index], items);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (System.Net.Sockets.SocketException)
        {
        }
    }
}
