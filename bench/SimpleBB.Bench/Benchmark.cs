using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using SimpleBB.Protocol;

namespace SimpleBB.Bench;

/// <summary>
/// Runs every figure of the benchmark against the real executables on 127.0.0.1: floors first, then start-up,
/// suggest, fan-out and memory, throughput, real builders end to end, and last a server with a year of results in its
/// store (<see cref="HistoryPhase"/>). Each phase gets a fresh server. With
/// --against, <see cref="Comparison"/> runs the same phases for two sets of executables, interleaved.
/// </summary>
public static class Benchmark
{
    internal const string Project = "bench";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<int> MainAsync(string[] args)
    {
        var options = BenchOptions.Parse(args, Console.Error);
        if (options is null)
        {
            return args.Contains("--help") || args.Contains("-h") ? 0 : 2;
        }
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var work = Directory.CreateTempSubdirectory("simplebb-bench-").FullName;
        var keep = false;
        try
        {
            if (options.AgainstDirectory is not null)
            {
                var comparison = await Comparison.RunAsync(options, work, cancel.Token).ConfigureAwait(false);
                Report.PrintComparison(comparison, options, Console.Out);
                Report.WriteComparisonJson(comparison, options);
            }
            else
            {
                var figures = await RunAsync(options, work, cancel.Token).ConfigureAwait(false);
                Report.Print(figures, options, Console.Out);
                Report.WriteJson(figures, options);
            }
            Console.Error.WriteLine($"bench: report written to {options.OutputFile}");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or SocketException or OperationCanceledException or InvalidOperationException)
        {
            Console.Error.WriteLine($"simplebb-bench: {ex.Message} (logs kept in {work})");
            keep = true;
            return 1;
        }
        finally
        {
            try
            {
                if (!keep)
                {
                    Directory.Delete(work, recursive: true);
                }
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The phases after the floors, in the order they run.</summary>
    internal static readonly string[] PhaseOrder = ["startup", "fanout", "throughput", "hooks", "web", "e2e", "output", "history"];

    private static async Task<List<Figure>> RunAsync(BenchOptions options, string work, CancellationToken cancellationToken)
    {
        var figures = new List<Figure>();
        var script = await WriteBuildScriptAsync(work, cancellationToken).ConfigureAwait(false);
        var history = new HistorySample(Path.Combine(work, "history-sample"), options.BinDirectory, options.HistoryResults);
        var floors = FloorSet.None;
        if (options.Runs("floors"))
        {
            floors = await FloorSet.MeasureAsync(options, script).ConfigureAwait(false);
            figures.AddRange(floors.Figures);
        }
        foreach (var phase in PhaseOrder.Where(options.Runs))
        {
            figures.AddRange(await RunPhaseAsync(phase, options, work, script, floors, history, cancellationToken).ConfigureAwait(false));
        }
        return figures;
    }

    /// <summary>The script every builder runs: exits 0 at once, so a build costs what SimpleBB adds to a spawn.</summary>
    internal static async Task<string> WriteBuildScriptAsync(string work, CancellationToken cancellationToken)
    {
        var script = Path.Combine(work, "build-script");
        await File.WriteAllTextAsync(script, "#!/bin/sh\nexit 0\n", cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    /// <summary>
    /// One phase against <paramref name="options"/>' executables, with a fresh server, its files under <paramref name="work"/>;
    /// <paramref name="history"/> is the run's one big store, made when a history phase first asks for it.
    /// </summary>
    internal static async Task<IEnumerable<Figure>> RunPhaseAsync(string phase, BenchOptions options, string work, string script, FloorSet floors,
        HistorySample history, CancellationToken cancellationToken) => phase switch
    {
        "startup" => await StartupAndSuggestAsync(options, work, floors.SpawnMs, floors.SpawnPlusRoundTrip, cancellationToken).ConfigureAwait(false),
        "fanout" => await FanOutAsync(options, work, floors.WriteUs, cancellationToken).ConfigureAwait(false),
        "throughput" => await ThroughputAsync(options, work, floors.WriteUs, cancellationToken).ConfigureAwait(false),
        "hooks" => await HookBench.RunAsync(options, work, floors.SpawnMs, cancellationToken).ConfigureAwait(false),
        "web" => await WebPhase.RunAsync(options, work, cancellationToken).ConfigureAwait(false),
        "e2e" => await EndToEndAsync(options, work, script, floors, cancellationToken).ConfigureAwait(false),
        "output" => await LiveOutputAsync(options, work, cancellationToken).ConfigureAwait(false),
        "history" => await HistoryPhase.RunAsync(options, work, history, floors.SpawnMs, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "no such phase"),
    };

    /// <summary>Server start to listening (fresh folder each time), then simplebb-suggest's wall time, process start to exit.</summary>
    private static async Task<IEnumerable<Figure>> StartupAndSuggestAsync(
        BenchOptions options, string work, double spawnMs, double spawnPlusRtt, CancellationToken cancellationToken)
    {
        Progress("server start-up");
        var startup = new Samples();
        for (var i = 0; i < (options.Quick ? 3 : 10); i++)
        {
            await using var server = await ServerProcess.StartAsync(options.BinDirectory, Path.Combine(work, $"startup-{i}"), cancellationToken)
                .ConfigureAwait(false);
            startup.Add(server.Startup.TotalMilliseconds);
        }

        Progress("simplebb-suggest wall time");
        var suggest = new Samples();
        await using (var server = await ServerProcess.StartAsync(options.BinDirectory, Path.Combine(work, "suggest"), cancellationToken)
                         .ConfigureAwait(false))
        {
            for (var i = 0; i < options.Rounds + 2; i++)
            {
                var elapsed = await RunSuggestAsync(options, server, $"r{i}", cancellationToken).ConfigureAwait(false);
                if (i >= 2)
                {
                    suggest.Add(elapsed.TotalMilliseconds);
                }
            }
        }
        return
        [
            Figure.From("server start to listening", "ms", startup) with { Floor = spawnMs, FloorText = "spawn", Target = 50 },
            Figure.From("simplebb-suggest wall time", "ms", suggest) with { Floor = spawnPlusRtt, FloorText = "spawn + round trip", Target = 30 },
        ];
    }

    private static async Task<TimeSpan> RunSuggestAsync(BenchOptions options, ServerProcess server, string revision, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Path.Combine(options.BinDirectory, "simplebb-suggest"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Project);
        info.ArgumentList.Add(revision);
        ServerProcess.ChildEnvironment(info, server.Folder);
        info.Environment["SIMPLEBB_HOST"] = "127.0.0.1";
        info.Environment["SIMPLEBB_PORT"] = server.Port.ToString();
        var start = Stopwatch.GetTimestamp();
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start);
        if (process.ExitCode != 0)
        {
            throw new IOException($"simplebb-suggest exited with {process.ExitCode}: {await stderr.ConfigureAwait(false)}");
        }
        return elapsed;
    }

    /// <summary>
    /// One suggestion to N simulated builders, until the last of them has the build; server memory idle and with the
    /// largest N connected.
    /// </summary>
    private static async Task<IEnumerable<Figure>> FanOutAsync(BenchOptions options, string work, double writeUs, CancellationToken cancellationToken)
    {
        var figures = new List<Figure>();
        await using var server = await ServerProcess.StartAsync(options.BinDirectory, Path.Combine(work, "fanout"), cancellationToken)
            .ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false); // let start-up allocations settle
        var idleRss = server.RssBytes;
        figures.Add(new Figure
        {
            Name = "server RSS, idle", Unit = "MB", Median = idleRss / 1048576.0, P99 = idleRss / 1048576.0, N = 1, Target = 20,
        });

        var counter = new FanOutCounter();
        var builders = new List<SimBuilder>();
        await using var suggester = await server.ConnectClientAsync(Roles.Suggest, [], cancellationToken).ConfigureAwait(false);
        try
        {
            var sizes = options.FanOutSizes;
            foreach (var size in sizes)
            {
                long rssBefore = 0;
                var countBefore = builders.Count;
                if (size == sizes[^1])
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    rssBefore = server.RssBytes;
                }
                Progress($"fan-out to {size} simulated builders: connecting");
                await ConnectAsync(server, builders, size, counter, cancellationToken).ConfigureAwait(false);
                if (size == sizes[^1])
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    var rss = server.RssBytes;
                    // From idle: includes the memory the runtime takes once the server does any work at all (the
                    // collector's working space), spread over the builders. Added: what one more builder costs.
                    var perBuilder = (rss - idleRss) / (double)size / 1024;
                    var perAdded = (rss - rssBefore) / (double)(size - countBefore) / 1024;
                    figures.Add(new Figure
                    {
                        Name = $"server RSS per connected builder (N={size}, from idle)", Unit = "KB", Median = perBuilder, P99 = perBuilder, N = 1,
                        Target = 4,
                    });
                    figures.Add(new Figure
                    {
                        Name = $"server RSS per added builder ({countBefore} to {size})", Unit = "KB", Median = perAdded, P99 = perAdded, N = 1,
                    });
                }
                Progress($"fan-out to {size} simulated builders: measuring");
                var samples = new Samples();
                for (var round = 0; round < options.Rounds + 3; round++)
                {
                    var done = counter.Expect(size);
                    var start = Stopwatch.GetTimestamp();
                    Send(suggester, new SuggestMessage { Project = Project, Revision = $"n{size}-{round}" });
                    var end = await done.WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
                    if (await suggester.ReceiveAsync(cancellationToken).ConfigureAwait(false) is not Accepted { } accepted || accepted.Builders != size)
                    {
                        throw new IOException($"the server did not send the build to all {size} builders");
                    }
                    if (round >= 3)
                    {
                        samples.Add(FanOutCounter.Since(start, end).TotalMilliseconds);
                    }
                }
                var target = size switch { 1_000 => 10.0, 10_000 => 80.0, _ => double.NaN };
                figures.Add(Figure.From($"fan-out to {size} builders", "ms", samples) with
                {
                    Floor = size * writeUs / 1000, FloorText = $"{size} socket writes", Target = target,
                });
            }
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

    internal static async Task ConnectAsync(ServerProcess server, List<SimBuilder> builders, int size, FanOutCounter counter, CancellationToken cancellationToken)
    {
        while (builders.Count < size)
        {
            var batch = Math.Min(200, size - builders.Count);
            var first = builders.Count;
            var connecting = Enumerable.Range(first, batch)
                .Select(i => SimBuilder.ConnectAsync(server.EndPoint, $"sim-{i:D5}", counter, cancellationToken));
            builders.AddRange(await Task.WhenAll(connecting).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Suggestions per second forwarded to 10 simulated builders (pipelined, at most 256 unanswered), then results per
    /// second accepted, logged with one flush per batch, and acknowledged.
    /// </summary>
    private static async Task<IEnumerable<Figure>> ThroughputAsync(BenchOptions options, string work, double writeUs, CancellationToken cancellationToken)
    {
        const int BuilderCount = 10;
        var perRound = options.Quick ? 500 : 3_000;
        var rounds = options.Quick ? 2 : 3;
        await using var server = await ServerProcess.StartAsync(options.BinDirectory, Path.Combine(work, "throughput"), cancellationToken)
            .ConfigureAwait(false);
        var counter = new FanOutCounter();
        var builders = new List<SimBuilder>();
        var suggestRate = new Samples();
        var resultRate = new Samples();
        await using var suggester = await server.ConnectClientAsync(Roles.Suggest, [], cancellationToken).ConfigureAwait(false);
        try
        {
            await ConnectAsync(server, builders, BuilderCount, counter, cancellationToken).ConfigureAwait(false);
            for (var round = 0; round < rounds; round++)
            {
                Progress($"throughput round {round + 1}/{rounds}: {perRound} suggestions to {BuilderCount} builders");
                builders.ForEach(b => b.CollectBuilds());
                var delivered = counter.Expect(perRound * BuilderCount);
                var start = Stopwatch.GetTimestamp();
                await SuggestManyAsync(suggester, $"t{round}-", perRound, wait: false, cancellationToken).ConfigureAwait(false);
                var end = await delivered.WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
                suggestRate.Add(perRound / FanOutCounter.Since(start, end).TotalSeconds);

                Progress($"throughput round {round + 1}/{rounds}: {perRound * BuilderCount} results");
                var encoded = builders.Select(b => b.EncodeResults(b.Builds)).ToArray();
                var acked = counter.Expect(perRound * BuilderCount);
                start = Stopwatch.GetTimestamp();
                var sending = builders.Select((b, i) => b.SendResultsAsync(encoded[i], cancellationToken)).ToArray();
                end = await acked.WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
                await Task.WhenAll(sending).ConfigureAwait(false);
                resultRate.Add(perRound * BuilderCount / FanOutCounter.Since(start, end).TotalSeconds);
            }
        }
        finally
        {
            foreach (var builder in builders)
            {
                builder.Dispose();
            }
        }
        // The server writes a result's server.log line after it acknowledges the result: give the last lines a moment.
        var logged = 0;
        for (var waited = 0; waited < 100 && (logged = CountLines(server.LogFile, "SUCCESS " + Project + "/")) < rounds * perRound * BuilderCount; waited++)
        {
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        if (logged != rounds * perRound * BuilderCount)
        {
            throw new IOException($"server.log has {logged} SUCCESS lines, expected {rounds * perRound * BuilderCount}");
        }
        return
        [
            Figure.From($"suggestions/s forwarded to {BuilderCount} builders", "/s", suggestRate) with
            {
                HigherIsBetter = true, Floor = 1e6 / (BuilderCount * writeUs), FloorText = $"{BuilderCount} socket writes",
            },
            Figure.From("results/s accepted, logged (flushed), acked", "/s", resultRate) with
            {
                HigherIsBetter = true, Floor = 1e6 / writeUs, FloorText = "1 socket write", Target = 100_000,
            },
        ];
    }

    /// <summary>Sends <paramref name="count"/> suggestions in batches, keeping at most 256 unanswered, and reads every answer.</summary>
    internal static async Task<int> SuggestManyAsync(ProtocolClient suggester, string prefix, int count, bool wait, CancellationToken cancellationToken)
    {
        const int Window = 256;
        var batch = new ArrayBufferWriter<byte>(64 * 1024);
        var answered = 0;
        var successes = 0;
        for (var i = 0; i < count; i++)
        {
            batch.Write(MessageCodec.Encode(new SuggestMessage { Project = Project, Revision = prefix + i, Wait = wait }));
            if ((i + 1) % 32 == 0 || i == count - 1)
            {
                Send(suggester, batch.WrittenMemory.ToArray()); // the queue keeps the frame: the batch buffer is reused
                batch.ResetWrittenCount();
            }
            while (i + 1 - answered > Window)
            {
                successes += await ExpectAcceptedAsync(suggester, cancellationToken).ConfigureAwait(false);
                answered++;
            }
        }
        for (; answered < count; answered++)
        {
            successes += await ExpectAcceptedAsync(suggester, cancellationToken).ConfigureAwait(false);
        }
        return successes;
    }

    /// <summary>Reads up to the next accepted; returns how many successful results (of waited builds) came before it.</summary>
    private static async Task<int> ExpectAcceptedAsync(ProtocolClient suggester, CancellationToken cancellationToken)
    {
        var successes = 0;
        while (true)
        {
            var message = await suggester.ReceiveAsync(cancellationToken).AsTask().WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
            if (message is Accepted)
            {
                return successes;
            }
            successes += IsSuccess(message) ? 1 : throw new IOException($"expected accepted, got {message.Type}");
        }
    }

    /// <summary>
    /// Real simplebb-builder processes running a script that exits 0: start to registered, idle memory, one
    /// suggestion until every SUCCESS is in server.log (1 and 10 builders), and builds per second with 10 builders.
    /// </summary>
    private static async Task<IEnumerable<Figure>> EndToEndAsync(
        BenchOptions options, string work, string script, FloorSet floors, CancellationToken cancellationToken)
    {
        const int BuilderCount = FloorSet.Width;
        var spawnPlusRtt = floors.SpawnPlusRoundTrip;
        await using var server = await ServerProcess.StartAsync(options.BinDirectory, Path.Combine(work, "e2e"), cancellationToken)
            .ConfigureAwait(false);
        await using var watch = await RegistrationWatch.StartAsync(server, cancellationToken).ConfigureAwait(false);
        await using var suggester = await server.ConnectClientAsync(Roles.Suggest, [], cancellationToken).ConfigureAwait(false);
        var builders = new List<BuilderProcess>();
        var registered = new Samples();
        var builderRss = new Samples();
        var single = new Samples();
        var ten = new Samples();
        var buildRate = new Samples();
        var expectedLines = 0;
        try
        {
            async Task AddBuilderAsync()
            {
                var name = $"builder-{builders.Count:D2}";
                var start = Stopwatch.GetTimestamp();
                var builder = BuilderProcess.Start(options.BinDirectory, Path.Combine(work, name), name, server.Port, Project, script);
                builders.Add(builder);
                var end = await watch.Connected(name).WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
                registered.Add(FanOutCounter.Since(start, end).TotalMilliseconds);
                builderRss.Add(builder.RssBytes / 1048576.0);
            }

            Progress("end to end: 1 builder process");
            await AddBuilderAsync().ConfigureAwait(false);
            for (var round = 0; round < options.Rounds + 2; round++)
            {
                var elapsed = await BuildOnceAsync(suggester, $"e1-{round}", 1, cancellationToken).ConfigureAwait(false);
                expectedLines++;
                if (round >= 2)
                {
                    single.Add(elapsed.TotalMilliseconds);
                }
            }

            Progress($"end to end: {BuilderCount} builder processes");
            while (builders.Count < BuilderCount)
            {
                await AddBuilderAsync().ConfigureAwait(false);
            }
            for (var round = 0; round < options.Rounds + 2; round++)
            {
                var elapsed = await BuildOnceAsync(suggester, $"e10-{round}", BuilderCount, cancellationToken).ConfigureAwait(false);
                expectedLines += BuilderCount;
                if (round >= 2)
                {
                    ten.Add(elapsed.TotalMilliseconds);
                }
            }

            var perRound = options.Quick ? 10 : 100;
            for (var round = 0; round < (options.Quick ? 1 : 3); round++)
            {
                Progress($"builds per second: {perRound} suggestions to {BuilderCount} builder processes");
                var start = Stopwatch.GetTimestamp();
                var early = await SuggestManyAsync(suggester, $"b{round}-", perRound, wait: true, cancellationToken).ConfigureAwait(false);
                for (var i = early; i < perRound * BuilderCount; i++)
                {
                    await ExpectSuccessAsync(suggester, cancellationToken).ConfigureAwait(false);
                }
                buildRate.Add(perRound * BuilderCount / Stopwatch.GetElapsedTime(start).TotalSeconds);
                expectedLines += perRound * BuilderCount;
            }
        }
        finally
        {
            foreach (var builder in builders)
            {
                await builder.DisposeAsync().ConfigureAwait(false);
            }
        }
        var logged = CountLines(server.LogFile, "SUCCESS " + Project + "/");
        if (logged != expectedLines)
        {
            throw new IOException($"server.log has {logged} SUCCESS lines, expected {expectedLines}");
        }
        return
        [
            Figure.From("builder start to registered", "ms", registered) with { Floor = spawnPlusRtt, FloorText = "spawn + round trip" },
            Figure.From("builder RSS, idle", "MB", builderRss) with { Target = 20 },
            Figure.From("one build end to end, 1 builder", "ms", single) with
            {
                Floor = spawnPlusRtt, FloorText = "spawn + round trip", Target = 2 * spawnPlusRtt,
            },
            Figure.From($"one build end to end, {BuilderCount} builders", "ms", ten) with
            {
                Floor = floors.SpawnAtOncePlusRoundTrip, FloorText = $"{BuilderCount} spawns at once + round trip", Target = 30,
            },
            Figure.From($"builds/s completed by {BuilderCount} builders", "/s", buildRate) with
            {
                HigherIsBetter = true, Floor = floors.SpawnsPerSecond, FloorText = $"spawns, {BuilderCount} at once", Target = 250,
            },
        ];
    }

    /// <summary>
    /// A script that prints a flood of output, built by a real builder while a suggester waits with live output: the
    /// script's duration against the same script alone (its output read and discarded), how much of the output reached
    /// the suggester (the builder sends at most 160 KiB/s and skips the rest), and the server's memory after.
    /// </summary>
    private static async Task<IEnumerable<Figure>> LiveOutputAsync(BenchOptions options, string work, CancellationToken cancellationToken)
    {
        var megabytes = options.Quick ? 10 : 100;
        var script = Path.Combine(work, "flood-script");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\nhead -c {megabytes}000000 /dev/zero | tr '\\0' x\necho\n", cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var rounds = options.Quick ? 2 : 5;

        Progress($"live output: the script alone, {megabytes} MB to a pipe");
        var alone = new Samples();
        for (var round = 0; round < rounds; round++)
        {
            alone.Add(await RunAloneAsync(script, cancellationToken).ConfigureAwait(false));
        }

        await using var server = await ServerProcess.StartAsync(options.BinDirectory, Path.Combine(work, "output"), cancellationToken)
            .ConfigureAwait(false);
        await using var watch = await RegistrationWatch.StartAsync(server, cancellationToken).ConfigureAwait(false);
        await using var builder = BuilderProcess.Start(options.BinDirectory, Path.Combine(work, "flood-builder"), "flood-builder", server.Port, Project, script);
        await watch.Connected("flood-builder").WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
        await using var suggester = await server.ConnectClientAsync(Roles.Suggest, [], cancellationToken).ConfigureAwait(false);
        var streamed = new Samples();
        var delivered = new Samples();
        var idle = server.RssBytes;
        for (var round = 0; round < rounds; round++)
        {
            Progress($"live output: round {round + 1}/{rounds}, {megabytes} MB streamed to a waiting suggester");
            Send(suggester, new SuggestMessage { Project = Project, Revision = $"flood-{round}", Wait = true, Output = true });
            long bytes = 0;
            while (true)
            {
                var message = await suggester.ReceiveAsync(cancellationToken).AsTask().WaitAsync(Patience, cancellationToken).ConfigureAwait(false);
                if (message is OutputMessage chunk)
                {
                    bytes += chunk.Data.Length;
                }
                else if (IsSuccess(message))
                {
                    streamed.Add(((ResultMessage)message).DurationMs);
                    delivered.Add(bytes / 1024.0);
                    break;
                }
            }
        }
        var growth = new Samples();
        growth.Add((server.RssBytes - idle) / 1048576.0);
        return
        [
            Figure.From($"build printing {megabytes} MB, live output to a suggester", "ms", streamed) with
            {
                Floor = alone.Median, FloorText = "the script alone",
            },
            Figure.From($"live output the suggester received of {megabytes} MB (the rest skipped)", "KiB", delivered),
            Figure.From($"server RSS growth after {rounds} × {megabytes} MB of live output", "MB", growth),
        ];
    }

    /// <summary>The script's wall time with its output read and thrown away, in milliseconds.</summary>
    private static async Task<double> RunAloneAsync(string script, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(script) { RedirectStandardOutput = true, UseShellExecute = false };
        var start = Stopwatch.GetTimestamp();
        using var process = Process.Start(info)!;
        await process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>One suggestion with wait: until the server has forwarded every builder's result (it does so after server.log is flushed).</summary>
    private static async Task<TimeSpan> BuildOnceAsync(ProtocolClient suggester, string revision, int builders, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        Send(suggester, new SuggestMessage { Project = Project, Revision = revision, Wait = true });
        var answer = await suggester.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (answer is not Accepted accepted || accepted.Builders != builders)
        {
            throw new IOException($"build {revision} reached {(answer as Accepted)?.Builders.ToString() ?? "no"} builders, not all {builders}");
        }
        for (var i = 0; i < builders; i++)
        {
            await ExpectSuccessAsync(suggester, cancellationToken).ConfigureAwait(false);
        }
        return Stopwatch.GetElapsedTime(start);
    }

    private static async Task ExpectSuccessAsync(ProtocolClient suggester, CancellationToken cancellationToken)
    {
        while (!IsSuccess(await suggester.ReceiveAsync(cancellationToken).AsTask().WaitAsync(Patience, cancellationToken).ConfigureAwait(false)))
        {
            // accepted answers of pipelined suggestions arrive among the results
        }
    }

    internal static void Send(ProtocolClient client, Message message) => Send(client, MessageCodec.Encode(message));

    internal static void Send(ProtocolClient client, ReadOnlyMemory<byte> frames)
    {
        if (!client.TrySend(frames))
        {
            throw new IOException("the client's send queue is full or closed");
        }
    }

    /// <summary>True for a successful result; throws for a failed or lost build or an error; false for anything else.</summary>
    private static bool IsSuccess(Message message) => message switch
    {
        ErrorMessage error => throw new IOException($"server error {error.Code}: {error.Message}"),
        ResultMessage { ExitCode: 0 } => true,
        ResultMessage result => throw new IOException($"build {result.Id} on {result.Builder} ended {result.Outcome}: {result.Output}"),
        LostMessage lost => throw new IOException($"builder {lost.Builder} lost build {lost.Id}: {lost.Reason}"),
        _ => false,
    };

    private static int CountLines(string path, string text) => File.ReadLines(path).Count(line => line.Contains(text, StringComparison.Ordinal));

    internal static void Progress(string what) => Console.Error.WriteLine($"bench: {what}");
}
