using System.Diagnostics;
using System.Globalization;

namespace SimpleBB.Bench;

/// <summary>
/// The server with a year of results in its store (<see cref="HistorySample"/>): whether start-up, the pages and
/// memory stay where they are with an empty store, i.e. whether anything the server does grows with its history.
/// Every start gets its own copy of the store.
/// </summary>
public static class HistoryPhase
{
    public static async Task<IEnumerable<Figure>> RunAsync(BenchOptions options, string work, HistorySample sample, double spawnMs,
        CancellationToken cancellationToken)
    {
        var facts = await sample.GetAsync(cancellationToken).ConfigureAwait(false);
        var size = $"store of {facts.Results:N0} results";
        var figures = new List<Figure>();

        Benchmark.Progress($"history: server start-up with a {size}");
        var startup = new Samples();
        var copies = new Samples();
        var idleOff = double.NaN;
        var starts = options.Quick ? 3 : 10;
        for (var i = 0; i < starts; i++)
        {
            var folder = Path.Combine(work, $"history-start-{i}");
            copies.Add(HistorySample.CopyTo(facts, folder).TotalMilliseconds);
            await using (var server = await ServerProcess.StartAsync(options.BinDirectory, folder, cancellationToken).ConfigureAwait(false))
            {
                startup.Add(server.Startup.TotalMilliseconds);
                if (i == starts - 1)
                {
                    idleOff = await SettledRssAsync(server, cancellationToken).ConfigureAwait(false);
                }
            }
            Directory.Delete(folder, recursive: true); // a copy of the full sample is hundreds of MB
        }
        Benchmark.Progress($"history: copying the store for a start took {copies.Median:0} ms (median of {copies.Count})");
        figures.Add(Figure.From($"server start to listening, {size}", "ms", startup) with { Floor = spawnMs, FloorText = "spawn", Target = 50 });
        figures.Add(Single($"server RSS, idle, --http off, {size}", "MB", idleOff, 20));

        Benchmark.Progress($"history: pages with a {size}");
        var webFolder = Path.Combine(work, "history-web");
        HistorySample.CopyTo(facts, webFolder);
        var httpPort = ServerProcess.FreePort();
        await using (var server = await ServerProcess.StartAsync(options.BinDirectory, webFolder, cancellationToken,
                         ["--http", $"127.0.0.1:{httpPort}"]).ConfigureAwait(false))
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(60) };
            await WebPhase.WaitForPageAsync(http, cancellationToken).ConfigureAwait(false);
            figures.Add(Single($"server RSS, idle, page on (served once), {size}", "MB",
                await SettledRssAsync(server, cancellationToken).ConfigureAwait(false), 25));
            var apiProject = $"/api/projects/{Uri.EscapeDataString(facts.Project)}";
            if (await http.GetStringAsync(apiProject, cancellationToken).ConfigureAwait(false) is { Length: < 10 } empty)
            {
                throw new IOException($"the server with the {size} has no results for {facts.Project}: {apiProject} answered {empty}");
            }
            // /api/status first, after the server's snapshot of the newest results has expired: it copies and encodes
            // a fresh one, as after any change. The pages after it render from that snapshot, as on every request.
            (string Name, string Path, double Target)[] requests =
            [
                ($"/api/status server time, fresh snapshot, {size}", "/api/status", 20),
                ($"project page server time (/project/<p>, newest 50 builds), {size}", $"/project/{Uri.EscapeDataString(facts.Project)}", 20),
                ($"old build page server time (/build/<id> from a year ago), {size}", $"/build/{Uri.EscapeDataString(facts.OldBuild)}", 20),
                ($"/api/projects/<p> {{0}}, {size}", apiProject, double.NaN), // {0}: server time or round trip, below
            ];
            var samples = requests.Select(_ => new Samples()).ToArray();
            var fromServer = new bool[requests.Length];
            var warmUp = options.Quick ? 3 : 5;
            var count = options.Quick ? 10 : 50;
            for (var i = 0; i < warmUp + count; i++)
            {
                await Task.Delay(WebPhase.SnapshotReuse, cancellationToken).ConfigureAwait(false);
                for (var r = 0; r < requests.Length; r++)
                {
                    var (ms, byServer) = await TimeAsync(http, requests[r].Path, cancellationToken).ConfigureAwait(false);
                    fromServer[r] = byServer;
                    if (i >= warmUp)
                    {
                        samples[r].Add(ms);
                    }
                }
            }
            for (var r = 0; r < requests.Length; r++)
            {
                // A path without Server-Timing is timed by the benchmark: the round trip, HTTP on loopback included.
                var name = string.Format(CultureInfo.InvariantCulture, requests[r].Name, fromServer[r] ? "server time" : "round trip (no Server-Timing)");
                figures.Add(Figure.From(name, "ms", samples[r]) with { Target = requests[r].Target });
            }
            var idle = await SettledRssAsync(server, cancellationToken).ConfigureAwait(false);
            figures.Add(Single($"server RSS, idle, page on, after {(warmUp + count) * requests.Length} requests, {size}", "MB", idle, 25));
        }
        Directory.Delete(webFolder, recursive: true);
        return figures;
    }

    private static Figure Single(string name, string unit, double value, double target) =>
        new() { Name = name, Unit = unit, Median = value, P99 = value, N = 1, Target = target };

    /// <summary>The server's time from its Server-Timing header when it sets one, else the round trip; and which it is.</summary>
    private static async Task<(double Ms, bool FromServer)> TimeAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var roundTrip = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (response.Headers.TryGetValues("Server-Timing", out var values) && values.First() is var timing
            && timing.IndexOf("dur=", StringComparison.Ordinal) is >= 0 and var at)
        {
            return (double.Parse(timing[(at + 4)..], CultureInfo.InvariantCulture), true);
        }
        return (roundTrip, false);
    }

    /// <summary>
    /// Resident memory once it stops moving (two readings 200 ms apart within 1%; at most 5 s): what the server holds
    /// idle, not the garbage of the requests just served.
    /// </summary>
    private static async Task<double> SettledRssAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
        var before = server.RssBytes;
        while (true)
        {
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            var now = server.RssBytes;
            if (Math.Abs(now - before) <= before / 100 || Stopwatch.GetTimestamp() > deadline)
            {
                return now / 1048576.0;
            }
            before = now;
        }
    }
}
