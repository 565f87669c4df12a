namespace SimpleBB.Bench;

/// <summary>Resident set size of a process, read from /proc (Linux).</summary>
public static class Rss
{
    public static long Of(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim()) * 1024;
            }
        }
        return 0;
    }
}
