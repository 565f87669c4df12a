using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// The latest result per project, revision and builder (bounded: the oldest entries are forgotten), for status, and
/// the machine-specific check: does this revision pass on some machines and fail on others?
/// </summary>
internal sealed class LatestResults(int capacity)
{
    private readonly object _gate = new();
    private readonly OrderedDictionary<string, ResultStatus> _latest = new(StringComparer.Ordinal);

    public void Add(ResultStatus result)
    {
        var key = string.Concat(result.Project, "\0", result.Revision, "\0", result.Builder);
        lock (_gate)
        {
            _latest.Remove(key);
            _latest.Add(key, result);
            if (_latest.Count > capacity)
            {
                _latest.RemoveAt(0);
            }
        }
    }

    public ResultStatus[] All()
    {
        lock (_gate)
        {
            return [.. _latest.Values];
        }
    }

    /// <summary>What differs between the machines this revision passed and failed on, or null.</summary>
    public string? MachineSpecific(string project, string revision)
    {
        lock (_gate)
        {
            return MachineDifference.Describe(_latest.Values
                .Where(r => r.Project == project && r.Revision == revision && r.Outcome != "N/A")
                .Select(r => (r.Outcome == "SUCCESS", r.Uname, r.Runtime)));
        }
    }
}
