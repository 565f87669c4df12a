namespace SimpleBB.Bench;

/// <summary>
/// One row of the report. <see cref="Floor"/> is what the machine itself needs for the same work, measured in the
/// same run, so the ratio says how close SimpleBB gets; <see cref="Target"/> is the goal from the project's issue.
/// </summary>
public sealed record Figure
{
    public required string Name { get; init; }
    public required string Unit { get; init; }
    public required double Median { get; init; }
    public required double P99 { get; init; }
    public required int N { get; init; }

    /// <summary>
    /// The raw samples behind <see cref="Median"/>, so that a comparison can pool the rounds of one side; empty for a
    /// single reading (an RSS), whose rounds are combined by their median instead.
    /// </summary>
    public IReadOnlyList<double> Values { get; init; } = [];

    /// <summary>The floor in the same unit, or NaN when none applies.</summary>
    public double Floor { get; init; } = double.NaN;

    /// <summary>How the floor was made up, e.g. "spawn + round trip".</summary>
    public string FloorText { get; init; } = "";

    public double Target { get; init; } = double.NaN;

    /// <summary>True when larger is better (rates), so the target is a minimum.</summary>
    public bool HigherIsBetter { get; init; }

    /// <summary>Median divided by the floor (for rates: floor divided by median): 1.0 would be the machine's floor.</summary>
    public double Ratio => double.IsNaN(Floor) || Floor == 0 ? double.NaN : HigherIsBetter ? Floor / Median : Median / Floor;

    public string Verdict => double.IsNaN(Target) ? "" : (HigherIsBetter ? Median >= Target : Median <= Target) ? "met" : "MISSED";

    public static Figure From(string name, string unit, Samples samples) =>
        new() { Name = name, Unit = unit, Median = samples.Median, P99 = samples.P99, N = samples.Count, Values = samples.Values.ToArray() };

    /// <summary>
    /// One figure from the same figure of several rounds: their samples pooled, or for single readings the median of
    /// the rounds' values (the mean of the middle two when even, so two rounds do not always favour the lower one).
    /// The floor, measured anew each round, is the median of the rounds' floors.
    /// </summary>
    public static Figure Pool(IReadOnlyList<Figure> rounds)
    {
        var first = rounds[0];
        var floor = Middle(rounds.Select(f => f.Floor).Where(v => !double.IsNaN(v)));
        var target = Middle(rounds.Select(f => f.Target).Where(v => !double.IsNaN(v)));
        if (rounds.All(f => f.Values.Count > 0))
        {
            var pooled = new Samples();
            foreach (var figure in rounds)
            {
                pooled.AddRange(figure.Values);
            }
            return From(first.Name, first.Unit, pooled) with
            {
                Floor = floor, FloorText = first.FloorText, Target = target, HigherIsBetter = first.HigherIsBetter,
            };
        }
        var value = Middle(rounds.Select(f => f.Median));
        return first with { Median = value, P99 = rounds.Max(f => f.P99), N = rounds.Count, Floor = floor, Target = target };
    }

    /// <summary>The median by value (mean of the middle two for an even count); NaN when there is none.</summary>
    private static double Middle(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
