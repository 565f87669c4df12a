using System.Threading.Channels;
using Serilog;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// The only writer of results. Sessions hand results over; one loop takes whatever is queued, decides each
/// (duplicate, unknown, or new), writes the new ones to server.log, flushes them to disk once for the whole batch,
/// and only then acknowledges them. Being single-threaded, it needs no lock for the set of results already recorded,
/// and a result resent after a lost ack or a server restart is acknowledged again but logged only once.
/// </summary>
internal sealed class ResultRecorder
{
    private const int MaxBatch = 1024;

    private readonly Channel<(ServerSession Session, ResultMessage Result)> _queue =
        Channel.CreateBounded<(ServerSession, ResultMessage)>(new BoundedChannelOptions(8192) { SingleReader = true });

    private readonly ILogger _log;
    private readonly FileLogSink _sink;
    private readonly BuildRegistry _registry;
    private readonly RecentSet _recorded;
    private readonly SimpleBbServer _server;

    public ResultRecorder(ILogger log, FileLogSink sink, BuildRegistry registry, int remember, SimpleBbServer server)
    {
        _log = log;
        _sink = sink;
        _registry = registry;
        _recorded = new RecentSet(remember);
        _server = server;
    }

    /// <summary>Hands a result over; waits while the queue is full, which slows only the sending peer.</summary>
    public ValueTask EnqueueAsync(ServerSession session, ResultMessage result, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync((session, result), cancellationToken);

    /// <summary>No more results will come; <see cref="RunAsync"/> ends when the queue is empty.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync()
    {
        await Task.Run(LoadRecorded).ConfigureAwait(false);
        var batch = new List<(ServerSession Session, ResultMessage Result)>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            Record(batch);
        }
    }

    private void Record(List<(ServerSession Session, ResultMessage Result)> batch)
    {
        var written = new List<(ServerSession Session, ResultMessage Result)>(batch.Count);
        var acks = new List<(ServerSession Session, string Id)>(batch.Count);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        using (FileLogSink.BeginBatch())
        {
            foreach (var (session, result) in batch)
            {
                var builder = session.Name!;
                var key = Key(result.Id, builder);
                if (_recorded.Contains(key) || !keys.Add(key))
                {
                    acks.Add((session, result.Id));
                    continue;
                }
                switch (_registry.Check(builder, result))
                {
                    case ResultCheck.Unknown:
                        session.Reject(ErrorCodes.UnknownBuild, $"build {result.Id} was not sent to builder {builder}", close: false, id: result.Id);
                        continue;
                    case ResultCheck.Mismatch:
                        session.Reject(ErrorCodes.BadMessage, $"build {result.Id} was for another project or revision", close: false, id: result.Id);
                        continue;
                }
                var hasOutput = result.Output.Length > 0 && _server.Outputs is not null;
                _log.Information(hasOutput ? ResultLogLine.TemplateWithOutput : ResultLogLine.Template, result.Outcome,
                    result.Project, result.Revision, builder, result.Uname.Sysname, result.Uname.Release, result.Uname.Machine,
                    result.Runtime, result.DurationMs, result.Id, session.Address, OutputFiles.RelativePath(result.Project, result.Id, builder));
                _server.History?.Append(Status(result, builder, withOutput: true));
                written.Add((session, result));
                acks.Add((session, result.Id));
            }
        }

        try
        {
            _sink.Flush(toDisk: true);
            _server.History?.Flush();
        }
        catch (IOException ex)
        {
            // Nothing in this batch is acknowledged, so every builder keeps its results and sends them again.
            Console.Error.WriteLine($"simplebb-server: ERROR results not recorded: {ex.Message}");
            _log.Error(ex, "Results not recorded ({Count}); their builders will send them again", written.Count);
            foreach (var (session, _) in batch)
            {
                session.Drop(ErrorCodes.Unavailable, "the server cannot write its log; send the result again later");
            }
            return;
        }

        foreach (var (session, result) in written)
        {
            _recorded.Add(Key(result.Id, session.Name!));
            _registry.Complete(session.Name!, result.Id);
            _registry.WaiterFor(result.Id)?.Send(result with { Builder = session.Name });
            if (result.Output.Length > 0)
            {
                _server.Outputs?.Enqueue(result.Project, result.Id, session.Name!, result.Output);
            }
            Publish(Status(result, session.Name!, withOutput: false));
        }
        foreach (var (session, id) in acks)
        {
            session.Send(new Ack { Id = id });
        }
    }

    /// <summary>Updates status, warns when a revision is machine-specific, and tells status followers.</summary>
    private void Publish(ResultStatus status)
    {
        var before = _server.Latest.MachineSpecific(status.Project, status.Revision);
        _server.Latest.Add(status);
        var after = _server.Latest.MachineSpecific(status.Project, status.Revision);
        if (after is not null && after != before)
        {
            _log.Warning("MACHINE-SPECIFIC {Project}/{Revision}: passes on some builders and fails on others; differs in {Difference}",
                status.Project, status.Revision, after);
        }
        _server.Publish(new EventMessage
        {
            Kind = "result", Time = status.Finished, Builder = status.Builder, Id = status.Id, Project = status.Project,
            Revision = status.Revision, Detail = after is null ? status.Outcome : $"{status.Outcome} (machine-specific: {after})",
        });
    }

    private static ResultStatus Status(ResultMessage result, string builder, bool withOutput) => new()
    {
        Id = result.Id,
        Project = result.Project,
        Revision = result.Revision,
        Builder = builder,
        Outcome = result.Outcome,
        ExitCode = result.ExitCode,
        DurationMs = result.DurationMs,
        Uname = result.Uname,
        Runtime = result.Runtime,
        ScriptSha256 = result.ScriptSha256,
        Finished = DateTimeOffset.Now,
        Output = withOutput ? result.Output : null,
    };

    /// <summary>Reads the results already in server.log and its rotated parts, oldest first.</summary>
    private void LoadRecorded()
    {
        var path = _sink.FilePath;
        var files = Directory.Exists(Path.GetDirectoryName(path))
            ? Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*")
                .Where(f => int.TryParse(Path.GetExtension(f).TrimStart('.'), out _))
                .OrderByDescending(f => int.Parse(Path.GetExtension(f).TrimStart('.'), System.Globalization.CultureInfo.InvariantCulture))
                .Append(path)
            : [path];
        var count = 0;
        foreach (var file in files)
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                while (reader.ReadLine() is { } line)
                {
                    if (ResultLogLine.TryParse(line, out var builder, out var id))
                    {
                        _recorded.Add(Key(id, builder));
                        count++;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log.Warning("Cannot read {File} to find results already recorded: {Reason}", file, ex.Message);
            }
        }
        if (count > 0)
        {
            _log.Information("Found {Count} results already recorded in {LogFile}", count, path);
        }
        if (_server.History is { } history)
        {
            try
            {
                foreach (var entry in history.Load())
                {
                    _server.Latest.Add(entry with { Output = null });
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log.Warning("Cannot read the history {File}: {Reason}", history.FilePath, ex.Message);
            }
        }
    }

    private static string Key(string id, string builder) => string.Concat(id, "\0", builder);
}
