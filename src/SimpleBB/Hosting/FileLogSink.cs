using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace SimpleBB.Hosting;

/// <summary>
/// A Serilog sink for server.log. Unlike a rolling file sink, the current log always keeps the name it was given
/// (so <c>tail -F server.log</c> works for months): past <c>maxBytes</c> it becomes <c>server.log.1</c>, the older
/// parts shift up and the oldest beyond <c>keep</c> is deleted. Each event is flushed to the file at once, except
/// inside <see cref="BeginBatch"/>, where the caller flushes many events with one <see cref="Flush"/> (the server writes
/// a batch of result lines that way). A write that fails is remembered and reported by <see cref="Flush"/>, because
/// Serilog itself swallows sink exceptions; the file is then reopened and a torn last line cut off, so a full disk
/// leaves whole lines only and logging resumes by itself when space returns.
/// </summary>
public sealed class FileLogSink : ILogEventSink, IDisposable
{
    [ThreadStatic] private static int t_batchDepth;

    private readonly object _gate = new();
    private readonly string _path;
    private readonly ITextFormatter _formatter;
    private readonly long _maxBytes;
    private readonly int _keep;
    private FileStream _file;
    private StreamWriter _writer;
    private Exception? _failure;
    private bool _disposed;

    /// <summary>Bytes moved to older parts by rotations since this sink opened, and the size of the newest such part.</summary>
    private long _rotatedBytes;
    private long _previousPartBytes;

    /// <summary>Opens (or creates) the log for appending. Throws when it cannot be written, so start-up fails loudly.</summary>
    public FileLogSink(string path, ITextFormatter formatter, long maxBytes, int keep)
    {
        _path = Path.GetFullPath(path);
        _formatter = formatter;
        _maxBytes = maxBytes;
        _keep = Math.Max(0, keep);
        var directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        (_file, _writer) = Open(_path);
    }

    /// <summary>The full path of the current log file.</summary>
    public string FilePath => _path;

    /// <summary>Until the returned scope is disposed, events written on this thread are not flushed one by one.</summary>
    public static BatchScope BeginBatch()
    {
        t_batchDepth++;
        return default;
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            try
            {
                _formatter.Format(logEvent, _writer);
                if (t_batchDepth == 0)
                {
                    FlushLocked(toDisk: false);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _failure = ex;
                throw;
            }
        }
    }

    /// <summary>
    /// Writes everything buffered to the file (and, with <paramref name="toDisk"/>, to the disk itself) and rotates if
    /// the file is full. Throws if this or any earlier unflushed write failed: those events may not be in the file.
    /// </summary>
    public void Flush(bool toDisk)
    {
        lock (_gate)
        {
            var failure = _failure;
            _failure = null;
            try
            {
                if (failure is not null)
                {
                    throw new IOException($"cannot write {_path}: {failure.Message}", failure);
                }
                FlushLocked(toDisk);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                Reopen();
                throw ex as IOException ?? new IOException($"cannot write {_path}: {ex.Message}", ex);
            }
        }
    }

    /// <summary>
    /// How many bytes this sink has written, counting across rotations, once everything written so far is in the file:
    /// a line written after this call is found at or after this position (see <see cref="Parts"/>). -1 when the file
    /// cannot be written.
    /// </summary>
    public long Position
    {
        get
        {
            lock (_gate)
            {
                try
                {
                    _writer.Flush();
                    return _rotatedBytes + _file.Length;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
                {
                    _failure = ex;
                    return -1;
                }
            }
        }
    }

    /// <summary>Where the current file starts in <see cref="Position"/>'s count, and how long the previous part (&lt;log&gt;.1) was.</summary>
    public (long CurrentStart, long PreviousLength) Parts
    {
        get
        {
            lock (_gate)
            {
                return (_rotatedBytes, _previousPartBytes);
            }
        }
    }

    /// <summary>
    /// After a failed write: drops what is buffered (it would otherwise be written again, glued to a torn line) and
    /// opens the file anew, cutting off a torn last line. If even that fails, the next write fails and tries again.
    /// </summary>
    private void Reopen()
    {
        try
        {
            _file.Dispose(); // first, so that disposing the writer cannot write its buffer
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        try
        {
            _writer.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
        }
        try
        {
            (_file, _writer) = Open(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _failure = ex; // the disposed writer stays; every write fails until a later flush reopens
        }
    }

    private void FlushLocked(bool toDisk)
    {
        _writer.Flush();
        if (toDisk)
        {
            _file.Flush(flushToDisk: true);
        }
        if (_maxBytes > 0 && _file.Length >= _maxBytes)
        {
            Rotate();
        }
    }

    private void Rotate()
    {
        var length = _file.Length;
        _file.Flush(flushToDisk: true); // the lines of the part that is closed now reach the disk before anyone relies on them
        _writer.Dispose();
        _rotatedBytes += length;
        _previousPartBytes = length;
        try
        {
            if (_keep == 0)
            {
                File.Delete(_path);
            }
            else
            {
                for (var i = _keep - 1; i >= 1; i--)
                {
                    var older = $"{_path}.{i}";
                    if (File.Exists(older))
                    {
                        File.Move(older, $"{_path}.{i + 1}", overwrite: true);
                    }
                }
                File.Move(_path, _path + ".1", overwrite: true);
            }
        }
        finally
        {
            // Whatever failed above, keep logging to the current name (a failed rotation is reported by the caller).
            (_file, _writer) = Open(_path);
        }
    }

    private static (FileStream, StreamWriter) Open(string path)
    {
        CutTornTail(path);
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete,
            bufferSize: 1, FileOptions.None);
        var writer = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024)
        {
            AutoFlush = false,
        };
        return (file, writer);
    }

    /// <summary>A last line without its newline was cut short by a crash or a full disk: remove it.</summary>
    private static void CutTornTail(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        var length = file.Length;
        var tail = new byte[(int)Math.Min(length, 64 * 1024)];
        if (tail.Length == 0)
        {
            return;
        }
        file.Position = length - tail.Length;
        file.ReadExactly(tail);
        if (tail[^1] == (byte)'\n')
        {
            return;
        }
        var newline = tail.AsSpan().LastIndexOf((byte)'\n');
        file.SetLength(newline < 0 ? length - tail.Length : length - tail.Length + newline + 1);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return; // the logger disposes the sinks it was given, and so may the sink's creator
            }
            _disposed = true;
            try
            {
                _writer.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Nothing more can be done at exit; the failure was reported when it happened.
            }
            _writer.Dispose();
        }
    }

    /// <summary>Ends a batch started by <see cref="BeginBatch"/>.</summary>
    public readonly struct BatchScope : IDisposable
    {
        public void Dispose() => t_batchDepth--;
    }
}
