using System.Text.Json;
using SimpleBB.Protocol;

namespace SimpleBB.Store;

/// <summary>
/// Brings the results of the files that kept them before the store (the result journal <c>history.jsonl</c> and its
/// older part <c>history.jsonl.1</c>, with or without the journal's header and marker lines, as older versions wrote
/// them) into the store, once. Idempotent by construction: a result already in the store is recognised by
/// (build id, builder), so a crash between the commit and renaming the files only makes the next start import nothing
/// new. The files are then renamed to <c>&lt;name&gt;.imported</c> and left for the user to delete.
/// </summary>
public static class HistoryImport
{
    /// <summary>Results per transaction while importing: large batches, few synced commits.</summary>
    private const int BatchSize = 5_000;

    /// <summary>
    /// Imports <c>&lt;journal&gt;.1</c> and then <paramref name="journal"/> when they exist; returns what was found. Lines
    /// that are not results (the header, markers, a line torn by a crash) are skipped and counted.
    /// </summary>
    public static ImportCount ImportOnce(ResultStore store, string journal)
    {
        var count = new ImportCount();
        foreach (var part in new[] { journal + ".1", journal })
        {
            if (!File.Exists(part))
            {
                continue;
            }
            var batch = new List<StoredResult>(BatchSize);
            foreach (var line in File.ReadLines(part))
            {
                if (Parse(line) is { } result)
                {
                    batch.Add(result);
                    if (batch.Count == BatchSize)
                    {
                        count = Store(store, batch, count);
                    }
                }
                else if (line.Length > 0)
                {
                    count = count with { Skipped = count.Skipped + 1 };
                }
            }
            count = Store(store, batch, count);
        }
        foreach (var part in new[] { journal + ".1", journal })
        {
            if (File.Exists(part))
            {
                File.Move(part, part + ".imported", overwrite: true);
            }
        }
        return count;
    }

    /// <summary>One journal or history line as a stored result, or null when it is not one (header, marker, torn).</summary>
    public static StoredResult? Parse(string line)
    {
        if (!line.StartsWith('{') || line.StartsWith("{\"journal\":", StringComparison.Ordinal))
        {
            return null;
        }
        RecordedResult? entry;
        try
        {
            entry = JsonSerializer.Deserialize(line, ProtocolJsonContext.Default.RecordedResult);
        }
        catch (JsonException)
        {
            return null; // a marker line (no result fields) or a line torn by a crash
        }
        if (entry is null || KindOf(entry.Outcome) is not { } kind)
        {
            return null;
        }
        return new StoredResult
        {
            BuildId = entry.Id,
            Builder = entry.Builder,
            Project = entry.Project,
            Revision = entry.Revision,
            Kind = kind,
            ExitCode = entry.ExitCode,
            DurationMs = entry.DurationMs,
            Uname = entry.Uname,
            Runtime = entry.Runtime,
            ScriptSha256 = entry.ScriptSha256,
            Finished = entry.Finished,
            Address = entry.Address,
            Output = entry.Output ?? "",
        };
    }

    /// <summary>
    /// The kind of an outcome as the files wrote it (SUCCESS, FAILED &lt;code&gt;, TIMEOUT, N/A, CANCELLED,
    /// INTERRUPTED); null for anything else. Only old files are read this way: new results carry their kind as data.
    /// </summary>
    public static OutcomeKind? KindOf(string outcome) => outcome switch
    {
        Outcomes.Success => OutcomeKind.Success,
        Outcomes.Timeout => OutcomeKind.Timeout,
        Outcomes.NotApplicable => OutcomeKind.NotApplicable,
        Outcomes.Cancelled => OutcomeKind.Cancelled,
        Outcomes.Interrupted => OutcomeKind.Interrupted,
        _ when outcome.StartsWith(Outcomes.FailedPrefix + " ", StringComparison.Ordinal) => OutcomeKind.Failed,
        _ => null,
    };

    private static ImportCount Store(ResultStore store, List<StoredResult> batch, ImportCount count)
    {
        if (batch.Count == 0)
        {
            return count;
        }
        var seqs = store.Append(batch);
        var added = seqs.Count(s => s is not null);
        batch.Clear();
        return count with { Imported = count.Imported + added, AlreadyStored = count.AlreadyStored + seqs.Length - added };
    }
}
