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
        new() { Name = name, Unit = unit, Median = samples.Median, P99 = samples.P99, N = samples.Count };
}
