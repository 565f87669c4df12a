using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// What the server knows about one builder name: its current connection, if any, and the builds sent to it that
/// have no result yet. It outlives a connection, so a builder that reconnects can still report those builds.
/// </summary>
internal sealed class BuilderEntry(string name)
{
    public string Name { get; } = name;

    public ServerSession? Session { get; set; }

    /// <summary>Set once the owed-builds cap has been logged.</summary>
    public bool WarnedFull { get; set; }

    /// <summary>In sending order, so the oldest can be forgotten first when the cap is reached.</summary>
    public OrderedDictionary<string, BuildMessage> Outstanding { get; } = new(StringComparer.Ordinal);
}
