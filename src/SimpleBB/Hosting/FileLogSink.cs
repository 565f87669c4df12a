using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace SimpleBB.Hosting;

/// <summary>
/// A Serilog sink for server.log. Unlike a rolling file sink, the current log always keeps the name it was given
/// (so <c>tail -F server.log</c> works for months): past <c>maxBytes</c> it becomes <c>server.log.1</c>, the older
/// parts shift up and the oldest beyond <c>keep</c> is deleted. Each event is flushed to the file at once, except
/// inside <see cref="BeginBatch"/>, where the caller flushes many events with one <see cref="Flush"/>; that is how
/// results are made durable in batches before they are acknowledged. A write that fails is remembered and
/// reported by <see cref="Flush"/>, because Serilog itself swallows sink exceptions.
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
            if (failure is not null)
            {
                throw new IOException($"cannot write {_path}: {failure.Message}", failure);
            }
            try
            {
                FlushLocked(toDisk);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or ObjectDisposedException)
            {
                throw new IOException($"cannot write {_path}: {ex.Message}", ex);
            }
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
        _writer.Dispose();
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
        var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete,
            bufferSize: 1, FileOptions.None);
        var writer = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024)
        {
            AutoFlush = false,
        };
        return (file, writer);
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
