namespace SimpleBB.Server;

/// <summary>
/// The part of a <see cref="ServerSession"/> that most connections never use (a suggester's waits, a status client's
/// snapshot, rejections, a drop, a failed send, missed live output). It is created on first use, so an idle builder's
/// session carries one null reference instead of these fields: memory per connection is what limits a server with
/// 10,000 builders. Fields, not properties, so the session can update them with <see cref="Interlocked"/>.
/// </summary>
internal sealed class SessionRareState
{
    /// <summary>Builds this suggest connection waits for; null until the first.</summary>
    public List<string>? WaitingFor;

    /// <summary>A status connection has had its one snapshot.</summary>
    public bool SnapshotSent;

    /// <summary>Rejected messages so far (only the first few are logged).</summary>
    public int Rejections;

    /// <summary>Why the server ended the connection (drop or shutdown); set once.</summary>
    public string? DropReason;

    /// <summary>Why sending failed, when it did.</summary>
    public string? SendFailure;

    /// <summary>Chunks of live output this peer could not take (its queue was half full); counted, logged once and at close.</summary>
    public long OutputMissed;
}
