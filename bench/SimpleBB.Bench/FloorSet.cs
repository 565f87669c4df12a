namespace SimpleBB.Bench;

/// <summary>
/// The floors of one round, which the phases compare their figures with. They do not depend on the executables, so a
/// comparison measures them once per round and gives both sides the same ones.
/// </summary>
public sealed record FloorSet(Samples RoundTrip, Samples Spawn, Samples Write)
{
    /// <summary>No floors measured (--only without floors): every floor is NaN and left blank.</summary>
    public static FloorSet None => new(new Samples(), new Samples(), new Samples());

    public double SpawnMs => Spawn.Median;

    public double WriteUs => Write.Median;

    /// <summary>A script spawn plus one loopback round trip, in milliseconds: the least one build can cost.</summary>
    public double SpawnPlusRoundTrip => Spawn.Median + RoundTrip.Median / 1000;

    public IEnumerable<Figure> Figures =>
    [
        Figure.From("floor: loopback round trip", "µs", RoundTrip),
        Figure.From("floor: spawn the build script", "ms", Spawn),
        Figure.From("floor: socket write, per connection", "µs", Write),
    ];

    public static async Task<FloorSet> MeasureAsync(BenchOptions options, string script)
    {
        Benchmark.Progress("floors: loopback round trip, script spawn, socket write per connection");
        var rtt = Floors.RoundTrip(options.Quick ? 1_000 : 10_000);
        var spawn = await Floors.SpawnAsync(script, options.Quick ? 10 : 50).ConfigureAwait(false);
        var write = Floors.WritePerConnection(options.Quick ? 100 : 1_000, options.Quick ? 5 : 20);
        return new FloorSet(rtt, spawn, write);
    }
}
