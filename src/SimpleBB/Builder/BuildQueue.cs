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

    /// <summary>Takes build <paramref name="id"/> out of the queue (a cancel); null when it is not waiting.</summary>
    public BuildMessage? Remove(string id)
    {
        lock (_waiting)
        {
            for (var node = _waiting.First; node is not null; node = node.Next)
            {
                var index = node.Value.FindIndex(build => build.Id == id);
                if (index < 0)
                {
                    continue;
                }
                var build = node.Value[index];
                node.Value.RemoveAt(index);
                if (node.Value.Count == 0)
                {
                    // The semaphore still counts it: TakeAsync skips the gap (see there).
                    _waiting.Remove(node);
                }
                return build;
            }
            return null;
        }
    }

    /// <summary>Waits for the next build; all ids merged into it come along.</summary>
    public async Task<IReadOnlyList<BuildMessage>> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_waiting)
            {
                if (_waiting.First is { } first)
                {
                    _waiting.RemoveFirst();
                    return first.Value;
                }
                // Its build was cancelled while it waited; the count it left behind is used up here.
            }
        }
    }
}
