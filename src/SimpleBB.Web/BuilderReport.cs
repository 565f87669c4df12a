using SimpleBB.Protocol;

namespace SimpleBB.Web;

/// <summary>/api/builders/&lt;name&gt;: the builder as status shows it (null when offline) and its results from the store, newest first (a page at a time).</summary>
public sealed record BuilderReport
{
    public required string Name { get; init; }
    public required bool Online { get; init; }
    public BuilderStatus? Builder { get; init; }
    public required RecordedResult[] Results { get; init; }
}
