using SimpleBB.Protocol;

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
    }

    /// <summary>The name the server gives in welcome (the machine name unless told otherwise).</summary>
    public string ServerName { get; }

    /// <summary>Exactly what <c>simplebb-status --json</c> prints first: connected builders and the latest results.</summary>
    public Snapshot Snapshot() => new()
    {
        Builders = _registry.Snapshot(), Results = _latest.All(), RecordingPaused = _recorder.PausedReason,
    };

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
