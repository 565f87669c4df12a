namespace SimpleBB.Bench;

/// <summary>What to run: the full benchmark takes a few minutes, --quick (CI) a few seconds with small N.</summary>
public sealed record BenchOptions
{
    /// <summary>Folder holding simplebb-server, simplebb-builder and simplebb-suggest (normally the NativeAOT ones).</summary>
    public required string BinDirectory { get; init; }

    /// <summary>Small N and few repetitions: proves the benchmark still works, measures little.</summary>
    public bool Quick { get; init; }

    /// <summary>Run only these phases (floors, startup, fanout, throughput, hooks, e2e, output); empty runs all.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    public bool Runs(string phase) => Only.Count == 0 || Only.Contains(phase);

    /// <summary>Where the JSON report goes.</summary>
    public required string OutputFile { get; init; }

    /// <summary>Simulated builders for the fan-out figures.</summary>
    public int[] FanOutSizes => Quick ? [10, 100] : [100, 1_000, 10_000];

    /// <summary>Repetitions of each timed figure.</summary>
    public int Rounds => Quick ? 5 : 30;

    public static readonly string[] Phases = ["floors", "startup", "fanout", "throughput", "hooks", "e2e", "web", "output"];

    public static BenchOptions? Parse(string[] args, TextWriter error)
    {
        string? bin = null;
        string? output = null;
        var quick = false;
        var only = new HashSet<string>(StringComparer.Ordinal);
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
                case "--only" when i + 1 < args.Length && Phases.Contains(args[i + 1]):
                    only.Add(args[++i]);
                    break;
                case "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "-h" or "--help":
                    error.WriteLine("usage: simplebb-bench --bin DIR [--quick] [--only PHASE]... [--output FILE.json]\n  phases: " + string.Join(", ", Phases));
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
        return new BenchOptions
        {
            BinDirectory = Path.GetFullPath(bin),
            Quick = quick,
            Only = only,
            OutputFile = output ?? Path.Combine("bench", "results", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}{(quick ? "-quick" : "")}.json"),
        };
    }
}
