namespace SimpleBB.Bench;

/// <summary>
/// The floors of one round, which the phases compare their figures with. They do not depend on the executables, so a
/// comparison measures them once per round and gives both sides the same ones.
/// </summary>
public sealed record FloorSet(Samples RoundTrip, Samples Spawn, Samples Write, Samples SpawnAtOnce)
{
    /// <summary>No floors measured (--only without floors): every floor is NaN and left blank.</summary>
    public static FloorSet None => new(new Samples(), new Samples(), new Samples(), new Samples());

    /// <summary>How many builders the end-to-end phase runs, and so how many scripts the at-once floor starts together.</summary>
    public const int Width = 10;

    public double SpawnMs => Spawn.Median;

    public double WriteUs => Write.Median;

    /// <summary>A script spawn plus one loopback round trip, in milliseconds: the least one build can cost.</summary>
    public double SpawnPlusRoundTrip => Spawn.Median + RoundTrip.Median / 1000;

    /// <summary><see cref="Width"/> script spawns at once plus one loopback round trip: the least one build on that many builders can cost.</summary>
    public double SpawnAtOncePlusRoundTrip => SpawnAtOnce.Median + RoundTrip.Median / 1000;

    /// <summary>Script spawns per second with <see cref="Width"/> at once: the most builds per second this machine can start and finish.</summary>
    public double SpawnsPerSecond => Width * 1000 / SpawnAtOnce.Median;

    public IEnumerable<Figure> Figures =>
    [
        Figure.From("floor: loopback round trip", "µs", RoundTrip),
        Figure.From("floor: spawn the build script", "ms", Spawn),
        Figure.From($"floor: spawn {Width} build scripts at once", "ms", SpawnAtOnce),
        Figure.From("floor: socket write, per connection", "µs", Write),
    ];

    public static async Task<FloorSet> MeasureAsync(BenchOptions options, string script)
    {
        Benchmark.Progress("floors: loopback round trip, script spawn (alone and 10 at once), socket write per connection");
        var rtt = Floors.RoundTrip(options.Quick ? 1_000 : 10_000);
        var spawn = await Floors.SpawnAsync(script, options.Quick ? 10 : 50).ConfigureAwait(false);
        var atOnce = await Floors.SpawnAtOnceAsync(script, Width, options.Quick ? 5 : 20).ConfigureAwait(false);
        var write = Floors.WritePerConnection(options.Quick ? 100 : 1_000, options.Quick ? 5 : 20);
        return new FloorSet(rtt, spawn, write, atOnce);
    }
}
