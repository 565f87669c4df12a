using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// Suggestions waiting for a free job slot, in arrival order. A suggestion for a project and revision that is already
/// waiting joins it: the script runs once and its result is reported under every id.
/// </summary>
public sealed class BuildQueue(int capacity)
{
    private readonly LinkedList<List<BuildMessage>> _waiting = new();
    private readonly SemaphoreSlim _available = new(0);

    public int Count
    {
        get
        {
            lock (_waiting)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Adds a build; returns false when the queue is full.</summary>
    public bool Add(BuildMessage build)
    {
        lock (_waiting)
        {
            foreach (var group in _waiting)
            {
                if (group[0].Project == build.Project && group[0].Revision == build.Revision)
                {
                    group.Add(build);
                    return true;
                }
            }
            if (_waiting.Count >= capacity)
            {
                return false;
            }
            _waiting.AddLast([build]);
        }
        _available.Release();
        return true;
    }

    /// <summary>Waits for the next build; all ids merged into it come along.</summary>
    public async Task<IReadOnlyList<BuildMessage>> TakeAsync(CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_waiting)
        {
            var first = _waiting.First!.Value;
            _waiting.RemoveFirst();
            return first;
        }
    }
}
