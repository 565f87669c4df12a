using System.Text;
using System.Text.Json;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Every result, with its output tail, as one JSON line in a file next to server.log; written and synced before the
/// result is acknowledged, reloaded at start so status shows recent results after a restart. At its size cap the
/// file becomes &lt;name&gt;.1 (one older part is kept).
/// </summary>
internal sealed class HistoryFile : IDisposable
{
    private readonly string _path;
    private readonly long _maxBytes;
    private FileStream _stream;

    public HistoryFile(string path, long maxBytes)
    {
        _path = Path.GetFullPath(path);
        _maxBytes = maxBytes;
        _stream = Open(_path);
    }

    public string FilePath => _path;

    public void Append(ResultStatus result)
    {
        _stream.Write(JsonSerializer.SerializeToUtf8Bytes(result, ProtocolJsonContext.Default.ResultStatus));
        _stream.WriteByte((byte)'\n');
    }

    /// <summary>Syncs what was appended; rotates when the file is full. Throws <see cref="IOException"/> on failure.</summary>
    public void Flush()
    {
        _stream.Flush(flushToDisk: true);
        if (_stream.Length >= _maxBytes)
        {
            _stream.Dispose();
            try
            {
                File.Move(_path, _path + ".1", overwrite: true);
            }
            finally
            {
                _stream = Open(_path);
            }
        }
    }

    /// <summary>Reads the older part, then the current one, oldest first; skips lines that do not parse (a torn last line).</summary>
    public IEnumerable<ResultStatus> Load()
    {
        foreach (var file in new[] { _path + ".1", _path })
        {
            if (!File.Exists(file))
            {
                continue;
            }
            using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), Encoding.UTF8);
            while (reader.ReadLine() is { } line)
            {
                ResultStatus? entry = null;
                try
                {
                    entry = JsonSerializer.Deserialize(line, ProtocolJsonContext.Default.ResultStatus);
                }
                catch (JsonException)
                {
                    // A line torn by a crash: skip it.
                }
                if (entry is not null)
                {
                    yield return entry;
                }
            }
        }
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);

    public void Dispose() => _stream.Dispose();
}
