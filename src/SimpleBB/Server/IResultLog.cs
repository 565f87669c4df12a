using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Where result lines are derived to (server.log). The recorder writes through this, so it can be tested with a log
/// that fails on demand, and so that finding a line already written after a crash is this interface's job, not a
/// parser's over the whole log.
/// </summary>
internal interface IResultLog
{
    /// <summary>Where the next line will be written; -1 when that cannot be known (the file cannot be written).</summary>
    long Position { get; }

    /// <summary>
    /// Writes one line per entry into the file (not yet synced to disk: see <see cref="Sync"/>); throws
    /// <see cref="IOException"/> when they may not all be there.
    /// </summary>
    void Write(IReadOnlyList<RecordedResult> entries);

    /// <summary>Syncs every line written so far to disk; throws <see cref="IOException"/> when that fails.</summary>
    void Sync();

    /// <summary>
    /// The entries whose exact line is not in the log at or after <paramref name="from"/> (a <see cref="Position"/>
    /// taken before they were written), or anywhere in the current file and the previous part when it is -1 (after a restart).
    /// </summary>
    IReadOnlyList<RecordedResult> Missing(IReadOnlyList<RecordedResult> entries, long from);
}
