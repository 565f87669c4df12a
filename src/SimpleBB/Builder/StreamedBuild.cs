namespace SimpleBB.Builder;

/// <summary>
/// A running build whose output is streamed to the server: its output ring and the build ids the chunks are sent for,
/// which are those the run still reports for (a cancelled id of a merged run drops out) and the server has not refused.
/// </summary>
internal sealed class StreamedBuild(RunningBuild run, object gate, LiveOutput output)
{
    /// <summary>Ids whose output the server refused (it does not expect them); guarded by <c>gate</c>.</summary>
    private readonly HashSet<string> _refused = new(StringComparer.Ordinal);

    public LiveOutput Output { get; } = output;

    /// <summary>The first id, for the builder's log.</summary>
    public string FirstId { get; } = run.Builds[0].Id;

    /// <summary>
    /// Set (under <c>lock (this)</c>) when the build's last output has been sent and its result is next: the periodic
    /// sender may still hold this build from before it finished, and must not send a chunk after the result.
    /// </summary>
    public bool Finished { get; set; }

    /// <summary>The ids to send chunks for now.</summary>
    public string[] Ids
    {
        get
        {
            lock (gate)
            {
                return [.. run.Builds.Select(b => b.Id).Where(id => !_refused.Contains(id))];
            }
        }
    }

    /// <summary>The server refused output for <paramref name="id"/>: send it nothing more. False if it was not sent for.</summary>
    public bool Refuse(string id)
    {
        lock (gate)
        {
            return run.Builds.Exists(b => b.Id == id) && _refused.Add(id);
        }
    }
}
