using System.Diagnostics;
using SimpleBB.Protocol;

namespace SimpleBB.Bench;

/// <summary>
/// Result hooks: results per second recorded by a server without a hook and by one running a trivial --on-result
/// script for every result (rounds alternate between the two, so both see the same machine), and hooks per second,
/// from the first result sent until the last hook has run.
/// </summary>
public static class HookBench
{
    private const int BuilderCount = 10;

    public static async Task<IEnumerable<Figure>> RunAsync(BenchOptions options, string work, double spawnMs, CancellationToken cancellationToken)
    {
        // At most 9,000 results in all: within the server's in-memory hook queue (10,000), so every hook runs now.
        var perRound = options.Quick ? 20 : 300;
        var rounds = 3;
        var total = perRound * BuilderCount * rounds;
        var folder = Path.Combine(work, "hooks");
        Directory.CreateDirectory(folder);
        var hooked = Path.Combine(folder, "hooked");
        var hook = Path.Combine(folder, "count-hook");
        await File.WriteAllTextAsync(hook, $"#!/bin/sh\necho x >> '{hooked}'\n", cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        await using var plain = await ServerProcess.StartAsync(options.BinDirectory, Path.Combine(folder, "off"), cancellationToken).ConfigureAwait(false);
        await using var hooking = await ServerProcess.StartAsync(options.BinDirectory, Path.Combine(folder, "on"), cancellationToken, ["--on-result", hook])
            .ConfigureAwait(false);
        var off = new Samples();
        var on = new Samples();
        var hookRate = new Samples();
        using var plainSide = await Side.ConnectAsync(plain, cancellationToken).ConfigureAwait(false);
        using var hookSide = await Side.ConnectAsync(hooking, cancellationToken).ConfigureAwait(false);
        long first = 0;
        for (var round = 0; round < rounds; round++)
        {
            // The hooks of earlier rounds are still running: recording is measured while hooks run beside it.
            Benchmark.Progress($"hooks round {round + 1}/{rounds}: {perRound * BuilderCount} results without and with a hook ({Lines(hooked)} hooks run so far)");
            off.Add((await plainSide.RecordAsync(plain, $"off{round}-", perRound, cancellationToken).ConfigureAwait(false)).Rate);
            var (rate, start) = await hookSide.RecordAsync(hooking, $"on{round}-", perRound, cancellationToken).ConfigureAwait(false);
            on.Add(rate);
            first = round == 0 ? start : first;
        }
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 900;
        while (Lines(hooked) < total)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{Lines(hooked)} of {total} hooks ran in 15 minutes");
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        hookRate.Add(total / Stopwatch.GetElapsedTime(first).TotalSeconds);
        var baseline = off.Median;
        return
        [
            Figure.From($"results/s recorded, no hook ({perRound * BuilderCount} a round)", "/s", off) with { HigherIsBetter = true },
            Figure.From("results/s recorded, --on-result hooks running", "/s", on) with
            {
                HigherIsBetter = true, Floor = baseline, FloorText = "no hook", Target = 0.9 * baseline,
            },
            Figure.From($"hooks/s run, one project (trivial script, {total} results)", "/s", hookRate) with
            {
                HigherIsBetter = true,
                Floor = double.IsNaN(spawnMs) ? double.NaN : 1000 / spawnMs,
                FloorText = "1 script spawn",
            },
        ];
    }

    private static int Lines(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var count = 0;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            count += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        return count;
    }

    /// <summary>One server with its simulated builders.</summary>
    private sealed class Side(List<SimBuilder> builders, FanOutCounter counter) : IDisposable
    {
        public static async Task<Side> ConnectAsync(ServerProcess server, CancellationToken cancellationToken)
        {
            var counter = new FanOutCounter();
            var builders = new List<SimBuilder>();
            await Benchmark.ConnectAsync(server, builders, BuilderCount, counter, cancellationToken).ConfigureAwait(false);
            return new Side(builders, counter);
        }

        /// <summary>
        /// Suggests <paramref name="count"/> builds (through a new suggester: an idle one would miss its heartbeat while
        /// the hooks run), then returns the results per second recorded and acknowledged, and when sending began.
        /// </summary>
        public async Task<(double Rate, long Start)> RecordAsync(ServerProcess server, string prefix, int count, CancellationToken cancellationToken)
        {
            await using var suggester = await server.ConnectClientAsync(Roles.Suggest, [], cancellationToken).ConfigureAwait(false);
            builders.ForEach(b => b.CollectBuilds());
            var delivered = counter.Expect(count * BuilderCount);
            await Benchmark.SuggestManyAsync(suggester, prefix, count, wait: false, cancellationToken).ConfigureAwait(false);
            await delivered.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            var encoded = builders.Select(b => b.EncodeResults(b.Builds)).ToArray();
            var acked = counter.Expect(count * BuilderCount);
            var start = Stopwatch.GetTimestamp();
            var sending = builders.Select((b, i) => b.SendResultsAsync(encoded[i], cancellationToken)).ToArray();
            var end = await acked.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(sending).ConfigureAwait(false);
            return (count * BuilderCount / FanOutCounter.Since(start, end).TotalSeconds, start);
        }

        public void Dispose()
        {
            foreach (var builder in builders)
            {
                builder.Dispose();
            }
        }
    }
}
