namespace SimpleBB.Bench;

/// <summary>Repeated measurements of one figure, summarised as median and 99th percentile.</summary>
public sealed class Samples
{
    private readonly List<double> _values = [];

    public int Count => _values.Count;

    /// <summary>The measurements in the order taken, kept so that the rounds of a comparison can be pooled.</summary>
    public IReadOnlyList<double> Values => _values;

    public void Add(double value) => _values.Add(value);

    public void AddRange(IEnumerable<double> values) => _values.AddRange(values);

    public double Median => Percentile(0.50);

    public double P99 => Percentile(0.99);

    /// <summary>Nearest-rank percentile; with few samples p99 is simply the largest.</summary>
    public double Percentile(double p)
    {
        if (_values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = _values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
