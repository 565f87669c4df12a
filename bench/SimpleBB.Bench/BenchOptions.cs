namespace SimpleBB.Bench;

/// <summary>What to run: the full benchmark takes a few minutes, --quick (CI) a few seconds with small N.</summary>
public sealed record BenchOptions
{
    /// <summary>Folder holding simplebb-server, simplebb-builder and simplebb-suggest (normally the NativeAOT ones).</summary>
    public required string BinDirectory { get; init; }

    /// <summary>
    /// A second folder of executables, another commit's (run.sh --against REF): every phase then runs for both, in
    /// interleaved rounds, and the report compares them. Null: the single-side report of before.
    /// </summary>
    public string? AgainstDirectory { get; init; }

    /// <summary>What the report calls <see cref="BinDirectory"/>'s side, e.g. "HEAD 91619e0 + changes".</summary>
    public string Label { get; init; } = "working tree";

    /// <summary>What the report calls <see cref="AgainstDirectory"/>'s side, e.g. "62fa3f5".</summary>
    public string AgainstLabel { get; init; } = "against";

    /// <summary>
    /// Rounds of a comparison: each runs every phase for both sides, the order swapped every round so that neither
    /// side always goes first (onto a machine the other has just warmed or loaded).
    /// </summary>
    public int AgainstRounds { get; init; } = 2;

    /// <summary>Small N and few repetitions: proves the benchmark still works, measures little.</summary>
    public bool Quick { get; init; }

    /// <summary>Run only these phases (floors, startup, fanout, throughput, hooks, e2e, web, output, history); empty runs all.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    public bool Runs(string phase) => Only.Count == 0 || Only.Contains(phase);

    /// <summary>Where the JSON report goes.</summary>
    public required string OutputFile { get; init; }

    /// <summary>Simulated builders for the fan-out figures.</summary>
    public int[] FanOutSizes => Quick ? [10, 100] : [100, 1_000, 10_000];

    /// <summary>Repetitions of each timed figure.</summary>
    public int Rounds => Quick ? 5 : 30;

    public static readonly string[] Phases = ["floors", "startup", "fanout", "throughput", "hooks", "e2e", "web", "output", "history"];

    /// <summary>Results in the history phase's store: a year of a busy farm, or a quick run's small one.</summary>
    public int HistoryResults => Quick ? 20_000 : 1_000_000;

    public static BenchOptions? Parse(string[] args, TextWriter error)
    {
        string? bin = null;
        string? output = null;
        var quick = false;
        var only = new HashSet<string>(StringComparer.Ordinal);
        string? against = null;
        string? label = null;
        string? againstLabel = null;
        var rounds = 2;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--bin" when i + 1 < args.Length:
                    bin = args[++i];
                    break;
                case "--only" when i + 1 < args.Length:
                    // One phase, or several separated by commas.
                    foreach (var phase in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!Phases.Contains(phase))
                        {
                            error.WriteLine($"simplebb-bench: unknown phase {phase}; phases: {string.Join(", ", Phases)}");
                            return null;
                        }
                        only.Add(phase);
                    }
                    break;
                case "--against" when i + 1 < args.Length:
                    against = args[++i];
                    break;
                case "--label" when i + 1 < args.Length:
                    label = args[++i];
                    break;
                case "--against-label" when i + 1 < args.Length:
                    againstLabel = args[++i];
                    break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[i + 1], out var r) && r >= 1:
                    rounds = r;
                    i++;
                    break;
                case "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "-h" or "--help":
                    error.WriteLine(
                        "usage: simplebb-bench --bin DIR [--quick] [--only PHASE[,PHASE]...]... [--output FILE.json]\n" +
                        "                      [--against DIR [--label TEXT] [--against-label TEXT] [--rounds R]]\n" +
                        "  phases: " + string.Join(", ", Phases) + "\n" +
                        "  --against DIR         compare with the executables in DIR (another commit's): each round runs\n" +
                        "                        the floors once, then every phase for both sides, the order swapped every\n" +
                        "                        round; samples of all rounds are pooled; ratio = --bin side / DIR side\n" +
                        "  --label TEXT          the --bin side's name in the table (default: working tree)\n" +
                        "  --against-label TEXT  DIR's name in the table (default: against)\n" +
                        "  --rounds R            rounds of the comparison (default: 2)\n" +
                        "  A phase a side's server cannot run (no --on-result, --http, live output or results store) is shown as — for it.");
                    return null;
                default:
                    error.WriteLine($"simplebb-bench: unknown argument {args[i]}; see --help");
                    return null;
            }
        }
        if (bin is null || !File.Exists(Path.Combine(bin, "simplebb-server")))
        {
            error.WriteLine("simplebb-bench: --bin must name the folder holding simplebb-server, simplebb-builder and simplebb-suggest");
            return null;
        }
        if (against is not null && !File.Exists(Path.Combine(against, "simplebb-server")))
        {
            error.WriteLine("simplebb-bench: --against must name a folder holding simplebb-server, simplebb-builder and simplebb-suggest");
            return null;
        }
        return new BenchOptions
        {
            BinDirectory = Path.GetFullPath(bin),
            Quick = quick,
            Only = only,
            AgainstDirectory = against is null ? null : Path.GetFullPath(against),
            Label = label ?? "working tree",
            AgainstLabel = againstLabel ?? "against",
            AgainstRounds = rounds,
            OutputFile = output ?? Path.Combine("bench", "results", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}{(quick ? "-quick" : "")}{(against is null ? "" : "-against")}.json"),
        };
    }
}
