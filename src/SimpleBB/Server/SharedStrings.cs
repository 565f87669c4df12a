namespace SimpleBB.Server;

/// <summary>
/// One copy of the strings that thousands of builders repeat (operating system, kernel release, architecture,
/// runtime): 10,000 builders on a few kinds of machine then hold a few copies instead of 10,000. Bounded, so a
/// peer sending endless distinct values costs nothing extra: beyond the capacity a string is kept as given.
/// Not thread-safe: the registry calls it under its lock.
/// </summary>
internal sealed class SharedStrings(int capacity = 4096)
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    public string Share(string value)
    {
        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }
        if (_strings.Count < capacity)
        {
            _strings.Add(value, value);
        }
        return value;
    }
}
