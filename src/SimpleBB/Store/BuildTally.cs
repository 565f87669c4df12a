namespace SimpleBB.Store;

/// <summary>
/// How a build's results add up, counted by the store: what an overview shows of a build with a thousand results
/// without reading them. <see cref="Passed"/> and <see cref="Failed"/> count what says something about the revision
/// (failed and timed out are failures); the rest (n/a, cancelled, interrupted) is <see cref="Other"/>.
/// The newest result counted is <c>LastSeq</c>: a result published later with a higher one is added to the count.
/// </summary>
public sealed record BuildTally(string BuildId, int Passed, int Failed, int Other, long ShortestMs, long LongestMs, DateTimeOffset Newest, long LastSeq)
{
    public int Total => Passed + Failed + Other;
}
