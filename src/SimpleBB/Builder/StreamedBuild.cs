namespace SimpleBB.Builder;

/// <summary>A running build whose output is streamed to the server: the build ids it reports for and its output ring.</summary>
internal sealed class StreamedBuild(string[] ids, LiveOutput output)
{
    public string[] Ids { get; } = ids;

    public LiveOutput Output { get; } = output;

    /// <summary>The server refused a chunk (it does not expect this build any more): send it nothing more.</summary>
    public bool Refused
    {
        get => Volatile.Read(ref _refused);
        set => Volatile.Write(ref _refused, value);
    }

    private bool _refused;
}
