using SimpleBB.Protocol;
using SimpleBB.Store;

namespace SimpleBB.Server;

/// <summary>
/// Read access to a running server for the web dashboard: the same snapshot status clients get, the output files,
/// and the event stream. Nothing here can change the server's state.
/// </summary>
public sealed class DashboardState
{
    private readonly BuildRegistry _registry;
    private readonly LatestResults _latest;
    private readonly ResultRecorder _recorder;
    private readonly EventHub _events;
    private readonly string _outputRoot;

    internal DashboardState(string serverName, BuildRegistry registry, LatestResults latest, ResultRecorder recorder, EventHub events, string outputRoot)
    {
        ServerName = serverName;
        _registry = registry;
        _latest = latest;
        _recorder = recorder;
        _events = events;
        _outputRoot = outputRoot;
        History = new ResultHistory(() => recorder.Store, recorder.UnstoredBuilds, recorder.Tallies);
    }

    /// <summary>Every build and result the store keeps, for pages that go back further than the latest results.</summary>
    public ResultHistory History { get; }

    /// <summary>The name the server gives in welcome (the machine name unless told otherwise).</summary>
    public string ServerName { get; }

    /// <summary>How long a snapshot is reused while no event says anything changed (a builder's scripts change without one).</summary>
    private static readonly TimeSpan MaxSnapshotAge = TimeSpan.FromSeconds(1);

    private volatile CachedSnapshot? _cached;

    /// <summary>
    /// Exactly what <c>simplebb-status --json</c> prints first: connected builders and the latest results. Pages ask
    /// for it on every request, and many open pages refresh after the same event, so one copy is shared until the
    /// next event (or for at most a second): with 10,000 results, copying and encoding them is the expensive part.
    /// </summary>
    public Snapshot Snapshot() => Current().Snapshot;

    private readonly SnapshotEncoder _encoder = new();

    /// <summary>
    /// The snapshot encoded as one protocol line (what /api/status answers), shared like the snapshot. A fresh one
    /// reuses the JSON of every result that was already in the last one (see <see cref="SnapshotEncoder"/>).
    /// </summary>
    public ReadOnlyMemory<byte> SnapshotJson()
    {
        var current = Current();
        return current.Json ??= _encoder.Encode(current.Snapshot);
    }

    private CachedSnapshot Current()
    {
        var version = _events.Published;
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_cached is { } cached && cached.Version == version && System.Diagnostics.Stopwatch.GetElapsedTime(cached.Taken, now) < MaxSnapshotAge)
        {
            return cached;
        }
        var fresh = new CachedSnapshot(version, now, new Snapshot
        {
            Builders = _registry.Snapshot(), Results = _latest.All(), RecordingPaused = _recorder.PausedReason,
        });
        _cached = fresh;
        return fresh;
    }

    private sealed class CachedSnapshot(long version, long taken, Snapshot snapshot)
    {
        public long Version { get; } = version;
        public long Taken { get; } = taken;
        public Snapshot Snapshot { get; } = snapshot;

        /// <summary>Encoded on first use; two requests may both encode it, which is harmless.</summary>
        public ReadOnlyMemory<byte>? Json { get; set; }
    }

    /// <summary>What differs between the machines a revision passed and failed on, or null when it does not mix them.</summary>
    public string? MachineSpecific(string project, string revision) => _latest.MachineSpecific(project, revision);

    /// <summary>The full path of a result's output file (logs/&lt;project&gt;/&lt;id&gt;-&lt;builder&gt;.log), or null when the names are not valid.</summary>
    public string? OutputPath(string project, string id, string builder) =>
        Names.CheckProject(project) is null && Names.CheckBuildId(id) is null && Names.CheckBuilderName(builder) is null
            ? Path.Combine(_outputRoot, OutputFiles.RelativePath(project, id, builder))
            : null;

    /// <summary>Starts sending events to <paramref name="listener"/>; dispose the result to stop.</summary>
    public IDisposable Subscribe(IEventListener listener)
    {
        _events.Listen(listener);
        return new Subscription(_events, listener);
    }

    private sealed class Subscription(EventHub events, IEventListener listener) : IDisposable
    {
        public void Dispose() => events.Unlisten(listener);
    }
}
