using System.Net.Sockets;

namespace SimpleBB.Bench;

/// <summary>
/// Two sets of executables (the working tree's and another commit's) measured in one run. Each round measures the
/// floors once, then runs every phase for one side and at once for the other, the order swapped every round: both see
/// the same machine, and neither always goes first. Each side's samples of all rounds are pooled.
/// </summary>
public sealed record Comparison
{
    /// <summary>The floors, shared by both sides, pooled over the rounds.</summary>
    public required IReadOnlyList<Figure> Floors { get; init; }

    /// <summary>The --bin side's figures (the working tree's).</summary>
    public required IReadOnlyList<Figure> Figures { get; init; }

    /// <summary>The --against side's figures (the other commit's).</summary>
    public required IReadOnlyList<Figure> AgainstFigures { get; init; }

    /// <summary>One line per phase a side did not run, and why.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    public required int Rounds { get; init; }

    public static async Task<Comparison> RunAsync(BenchOptions options, string work, CancellationToken cancellationToken)
    {
        var script = await Benchmark.WriteBuildScriptAsync(work, cancellationToken).ConfigureAwait(false);
        // One store for both sides and every round, made by the working tree's server (its schema); each start copies it.
        var history = new HistorySample(Path.Combine(work, "history-sample"), options.BinDirectory, options.HistoryResults);
        BenchOptions[] sides = [options, options with { BinDirectory = options.AgainstDirectory! }];
        string[] labels = [options.Label, options.AgainstLabel];
        var phases = Benchmark.PhaseOrder.Where(options.Runs).ToArray();
        var missing = new Dictionary<string, string>[2];
        for (var side = 0; side < 2; side++)
        {
            Benchmark.Progress($"what {labels[side]}'s executables can run");
            var capabilities = await Capabilities.ProbeAsync(sides[side].BinDirectory, Path.Combine(work, $"probe-{side}"), cancellationToken)
                .ConfigureAwait(false);
            missing[side] = phases.Select(p => (Phase: p, Why: capabilities.Missing(p)))
                .Where(p => p.Why is not null)
                .ToDictionary(p => p.Phase, p => $"not available for {labels[side]}: {p.Why!}");
        }

        var floorRounds = new List<Figure>();
        // Per side, per phase: one list of figures per round the phase ran.
        var measured = new[] { new Dictionary<string, List<List<Figure>>>(), new Dictionary<string, List<List<Figure>>>() };
        for (var round = 1; round <= options.AgainstRounds; round++)
        {
            Benchmark.Progress($"round {round}/{options.AgainstRounds}: {labels[round % 2 == 1 ? 0 : 1]} first");
            var floors = FloorSet.None;
            if (options.Runs("floors"))
            {
                floors = await FloorSet.MeasureAsync(options, script).ConfigureAwait(false);
                floorRounds.AddRange(floors.Figures);
            }
            int[] order = round % 2 == 1 ? [0, 1] : [1, 0];
            foreach (var phase in phases)
            {
                foreach (var side in order.Where(s => !missing[s].ContainsKey(phase)))
                {
                    Benchmark.Progress($"round {round}/{options.AgainstRounds}, {phase}: {labels[side]}");
                    var folder = Path.Combine(work, $"round{round}-side{side}", phase);
                    Directory.CreateDirectory(folder);
                    try
                    {
                        var figures = await Benchmark.RunPhaseAsync(phase, sides[side], folder, script, floors, history, cancellationToken).ConfigureAwait(false);
                        if (!measured[side].TryGetValue(phase, out var rounds))
                        {
                            measured[side][phase] = rounds = [];
                        }
                        rounds.Add(figures.ToList());
                    }
                    catch (Exception ex) when (side == 1 && ex is IOException or TimeoutException or SocketException or InvalidOperationException)
                    {
                        // An older commit may fail in ways its --help does not show: its figures for this phase are
                        // dropped rather than the whole run. The working tree's own failures still end the run.
                        Benchmark.Progress($"{phase} failed for {labels[side]}: {ex.Message}");
                        missing[side][phase] = $"failed for {labels[side]} in round {round}, its figures left out: {ex.Message}";
                        measured[side].Remove(phase);
                    }
                }
            }
        }
        return new Comparison
        {
            Floors = Pool(floorRounds),
            Figures = Pool(Collect(measured[0], phases, missing[0])),
            AgainstFigures = Pool(Collect(measured[1], phases, missing[1])),
            Notes = [.. Enumerable.Range(0, 2).SelectMany(side => phases.Where(missing[side].ContainsKey).Select(p => $"{p}: {missing[side][p]}"))],
            Rounds = options.AgainstRounds,
        };
    }

    private static IEnumerable<Figure> Collect(Dictionary<string, List<List<Figure>>> measured, string[] phases, Dictionary<string, string> missing) =>
        phases.Where(p => !missing.ContainsKey(p) && measured.ContainsKey(p)).SelectMany(p => measured[p].SelectMany(figures => figures));

    /// <summary>The same figure of every round made into one, in the order the figures first appeared.</summary>
    private static List<Figure> Pool(IEnumerable<Figure> rounds) =>
        rounds.GroupBy(f => f.Name, StringComparer.Ordinal).Select(g => Figure.Pool(g.ToList())).ToList();
}
