using SimpleBB.Server;

namespace SimpleBB.Tests.Support;

/// <summary>
/// A real file that fails on demand the way a full disk does: a write that stores only a prefix and then throws
/// "No space left on device", or a sync that throws. The faults belong to the disk, so a file opened again (as after
/// a repair) fails the same way; they are armed by count, so a test can say "the 3rd write".
/// </summary>
internal sealed class FaultyFile(string path, DiskFaults faults) : IRecordFile
{
    private readonly DiskFile _file = new(path);

    public long Length => _file.Length;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (faults.AppendFails())
        {
            _file.Append(bytes[..Math.Min(faults.TornBytes, bytes.Length)]);
            throw new IOException($"No space left on device : '{path}'");
        }
        _file.Append(bytes);
    }

    public void Sync()
    {
        if (faults.SyncFails())
        {
            throw new IOException($"Input/output error : '{path}'");
        }
        _file.Sync();
    }

    public void Truncate(long length) => _file.Truncate(length);

    public Stream OpenRead() => _file.OpenRead();

    public void Dispose() => _file.Dispose();
}
