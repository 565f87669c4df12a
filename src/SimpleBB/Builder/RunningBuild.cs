using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// One script run and the build ids it reports for (several when suggestions were merged), so that a cancel can find
/// it: cancelling one of several ids only takes that id off the list, cancelling the last one stops the script.
/// Guarded by the lock of the builder's table of running builds.
/// </summary>
internal sealed class RunningBuild(IReadOnlyList<BuildMessage> builds) : IDisposable
{
    /// <summary>The ids still to be reported with this run's outcome.</summary>
    public List<BuildMessage> Builds { get; } = [.. builds];

    /// <summary>Cancelled when the last of <see cref="Builds"/> is cancelled.</summary>
    public CancellationTokenSource Cancel { get; } = new();

    public void Dispose() => Cancel.Dispose();
}
