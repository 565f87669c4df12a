namespace SimpleBB.Server;

/// <summary>
/// <see cref="IRecordFile"/> on a real file. Writes go straight to the file (no buffer of our own), so what failed is
/// exactly what <see cref="Append"/> reported, and a failed write never lingers in a buffer to be retried later.
/// </summary>
internal sealed class DiskFile : IRecordFile
{
    private readonly FileStream _stream;

    public DiskFile(string path)
    {
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        _stream.Seek(0, SeekOrigin.End);
        Path = path;
    }

    public string Path { get; }

    public long Length => _stream.Length;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        _stream.Seek(0, SeekOrigin.End);
        _stream.Write(bytes);
    }

    public void Sync() => _stream.Flush(flushToDisk: true);

    public void Truncate(long length)
    {
        _stream.SetLength(length);
        _stream.Seek(0, SeekOrigin.End);
    }

    public Stream OpenRead() =>
        new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024);

    public void Dispose() => _stream.Dispose();
}
