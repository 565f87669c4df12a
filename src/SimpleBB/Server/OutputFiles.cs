using Serilog;
using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// Each result's output tail as logs/&lt;project&gt;/&lt;build-id&gt;-&lt;builder&gt;.log beside server.log, so the log line can
/// point at it. Derived from the journal entry like the log line: written after the entry is durable, written again
/// after a crash if it may be missing (overwriting gives the same file), and the newest files per project are kept.
/// </summary>
internal sealed class OutputFiles(string root, ILogger log)
{
    private const int KeepPerProject = 200;

    private readonly Dictionary<string, int> _writesPerProject = new(StringComparer.Ordinal);

    /// <summary>The file's path relative to the folder of server.log, as the log line names it.</summary>
    public static string RelativePath(string project, string id, string builder) => Path.Combine("logs", project, $"{id}-{builder}.log");

    /// <summary>Writes the files of the entries that have output; throws <see cref="IOException"/> when one cannot be written.</summary>
    public void Write(IReadOnlyList<ResultStatus> entries)
    {
        foreach (var entry in entries)
        {
            if (string.IsNullOrEmpty(entry.Output))
            {
                continue;
            }
            var path = Path.Combine(root, RelativePath(entry.Project, entry.Id, entry.Builder));
            var folder = Path.GetDirectoryName(path)!;
            try
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(path, entry.Output);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new IOException($"cannot write {path}: {ex.Message}", ex);
            }
            var count = _writesPerProject[folder] = _writesPerProject.GetValueOrDefault(folder) + 1;
            if (count % 50 == 0)
            {
                Prune(folder);
            }
        }
    }

    private void Prune(string folder)
    {
        try
        {
            foreach (var old in new DirectoryInfo(folder).GetFiles("*.log").OrderByDescending(f => f.LastWriteTimeUtc).Skip(KeepPerProject))
            {
                old.Delete();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Warning("Cannot remove old build output in {Folder}: {Reason}", folder, ex.Message);
        }
    }
}
