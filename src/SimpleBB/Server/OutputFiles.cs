using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Serilog;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Each build's output as logs/&lt;project&gt;/&lt;build-id&gt;-&lt;builder&gt;.log beside server.log, so the log line can
/// point at it. A builder that speaks protocol 3 streams the output while the build runs: each chunk is appended as it
/// arrives (up to a cap per file). When the result is recorded the file is completed from the stored result: a file
/// with no live output gets the result's tail; one whose live output is incomplete gets a note and the tail; a complete
/// one is left alone. Completing is idempotent (a file that already ends with the tail is not touched), so it can run
/// again after a crash. Every file is kept (the results store keeps every result too).
/// </summary>
internal sealed class OutputFiles(string root, ILogger log, long maxFileBytes = OutputFiles.DefaultMaxFileBytes,
    int maxLiveFiles = OutputFiles.DefaultMaxLiveFiles)
{
    /// <summary>The default cap of one output file, like the builder's cap of its own copy.</summary>
    public const long DefaultMaxFileBytes = 100L * 1024 * 1024;

    /// <summary>Builds with live output tracked at once by default; beyond it the oldest are forgotten.</summary>
    public const int DefaultMaxLiveFiles = 10_000;

    private readonly ConcurrentDictionary<(string Id, string Builder), LiveFile> _live = new();
    private int _warnedTooMany;

    /// <summary>Builds whose file was completed lately (also its own lock): a chunk arriving after the result is ignored.</summary>
    private readonly RecentSet _finished = new(DefaultMaxLiveFiles);

    /// <summary>The file's path relative to the folder of server.log, as the log line names it.</summary>
    public static string RelativePath(string project, string id, string builder) => Path.Combine("logs", project, $"{id}-{builder}.log");

    /// <summary>Builds whose live output is being written now.</summary>
    public int LiveCount => _live.Count;

    /// <summary>
    /// Appends a chunk of a running build's live output (any thread). Never throws: a failure to write is logged once
    /// per file and makes the file incomplete, so the tail is appended with a note when the result comes.
    /// </summary>
    public void Append(string project, string id, string builder, string data, long skipped)
    {
        if (!_live.TryGetValue((id, builder), out var file))
        {
            lock (_finished)
            {
                if (_finished.Contains(id + "/" + builder))
                {
                    return;
                }
            }
            if (_live.Count >= maxLiveFiles)
            {
                ForgetOldest();
            }
            file = _live.GetOrAdd((id, builder), _ => new LiveFile(Path.Combine(root, RelativePath(project, id, builder))));
        }
        lock (file)
        {
            if (file.Finished || file.Failed)
            {
                return;
            }
            if (skipped > 0)
            {
                file.Incomplete = true;
            }
            if (file.Full)
            {
                return;
            }
            var bytes = Encoding.UTF8.GetBytes(data);
            var room = maxFileBytes - file.Bytes;
            try
            {
                if (file.Bytes == 0)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
                }
                using var stream = new FileStream(file.Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                if (bytes.Length <= room)
                {
                    stream.Write(bytes);
                    file.Bytes += bytes.Length;
                    return;
                }
                stream.Write(bytes, 0, (int)Math.Max(0, room));
                stream.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $"\n[simplebb: this file reached its cap of {maxFileBytes} bytes; the rest of the live output is not kept]\n")));
                file.Bytes = maxFileBytes;
                file.Full = true;
                file.Incomplete = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                file.Failed = true;
                file.Incomplete = true;
                log.Warning("Cannot write live output to {OutputFile}: {Reason}; the file gets the result's tail instead", file.Path, ex.Message);
            }
        }
    }

    /// <summary>
    /// Builds whose builder never reports them (it went away for good) would stay tracked for ever: at the bound the
    /// oldest is forgotten. Its file stays; a late result still completes it, with the note, as nothing vouches for it.
    /// </summary>
    private void ForgetOldest()
    {
        var oldest = _live.MinBy(pair => pair.Value.Started);
        _live.TryRemove(oldest.Key, out _);
        if (Interlocked.Exchange(ref _warnedTooMany, 1) == 0)
        {
            log.Warning("Live output of more than {Count} builds at once: forgetting the oldest ones", maxLiveFiles);
        }
    }

    /// <summary>A builder's connection ended: chunks it had queued may be lost, so its running builds' files are incomplete.</summary>
    public void ConnectionLost(string builder)
    {
        foreach (var ((_, name), file) in _live)
        {
            if (name == builder)
            {
                lock (file)
                {
                    file.Incomplete = true;
                }
            }
        }
    }

    /// <summary>Deletes a build's output file (retention); a file that is gone already or cannot be deleted is left.</summary>
    public void Delete(string project, string id, string builder)
    {
        try
        {
            File.Delete(Path.Combine(root, RelativePath(project, id, builder)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Warning("Cannot delete the old output file of build {BuildId} on {Builder}: {Reason}", id, builder, ex.Message);
        }
    }

    /// <summary>Completes the files of the entries that have output; throws <see cref="IOException"/> when one cannot be written.</summary>
    public void Write(IReadOnlyList<RecordedResult> entries)
    {
        foreach (var entry in entries)
        {
            if (string.IsNullOrEmpty(entry.Output))
            {
                _live.TryRemove((entry.Id, entry.Builder), out _);
                continue;
            }
            var path = Path.Combine(root, RelativePath(entry.Project, entry.Id, entry.Builder));
            try
            {
                Complete(path, entry);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new IOException($"cannot write {path}: {ex.Message}", ex);
            }
        }
    }

    private void Complete(string path, RecordedResult entry)
    {
        var tail = entry.Output!;
        lock (_finished)
        {
            _finished.Add(entry.Id + "/" + entry.Builder);
        }
        if (_live.TryGetValue((entry.Id, entry.Builder), out var file))
        {
            lock (file)
            {
                if (file.Bytes > 0 && file.Incomplete && !file.Finished)
                {
                    AppendTail(path, tail);
                }
                file.Finished = true;
            }
            _live.TryRemove((entry.Id, entry.Builder), out _);
            if (file.Bytes > 0)
            {
                return;
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            // The usual case, one system call to open: no live output, so the file is the tail.
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            stream.Write(Encoding.UTF8.GetBytes(tail));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Live output from before a restart (its completeness unknown), or a file completed before a crash.
            if (!EndsWith(path, tail))
            {
                AppendTail(path, tail);
            }
        }
    }

    private static void AppendTail(string path, string tail)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"\n[simplebb: the live output above is incomplete; the last {ProtocolLimits.MaxOutputBytes} bytes follow]\n")));
        stream.Write(Encoding.UTF8.GetBytes(tail));
    }

    /// <summary>Whether the file already ends with the tail (so completing it again changes nothing).</summary>
    private static bool EndsWith(string path, string tail)
    {
        var expected = Encoding.UTF8.GetBytes(tail);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length < expected.Length)
        {
            return false;
        }
        stream.Seek(-expected.Length, SeekOrigin.End);
        var actual = new byte[expected.Length];
        stream.ReadExactly(actual);
        return actual.AsSpan().SequenceEqual(expected);
    }
}
