namespace SimpleBB.Server;

/// <summary>
/// An append-only file as the result journal uses it. It exists so that the journal can be tested against a file that
/// fails on demand (disk full on the Nth write, a torn write, a failed fsync) without filling a real disk.
/// </summary>
internal interface IRecordFile : IDisposable
{
    /// <summary>The file's length in bytes: everything written so far, synced or not.</summary>
    long Length { get; }

    /// <summary>Writes at the end. On failure part of <paramref name="bytes"/> may be in the file, and it throws <see cref="IOException"/>.</summary>
    void Append(ReadOnlySpan<byte> bytes);

    /// <summary>Makes everything written durable (fsync); throws <see cref="IOException"/> when the disk refuses.</summary>
    void Sync();

    /// <summary>Cuts the file back to <paramref name="length"/> bytes: how a torn or unsynced tail is undone.</summary>
    void Truncate(long length);

    /// <summary>A stream that reads the file from the start.</summary>
    Stream OpenRead();
}
