using System.Threading.Channels;
using Serilog;

namespace SimpleBB.Server;

/// <summary>
/// Writes each result's output tail to logs/&lt;project&gt;/&lt;build-id&gt;-&lt;builder&gt;.log beside server.log, so the
/// log line can point at it. The history file already holds the output durably, so these files are written in the
/// background after the result is acknowledged and never slow recording down; the newest files per project are kept.
/// </summary>
internal sealed class OutputFiles
{
    private const int KeepPerProject = 200;

    private readonly Channel<(string Path, string Output)> _queue =
        Channel.CreateBounded<(string, string)>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly string _root;
    private readonly ILogger _log;
    private readonly Dictionary<string, int> _writesPerProject = new(StringComparer.Ordinal);

    public OutputFiles(string root, ILogger log)
    {
        _root = root;
        _log = log;
    }

    /// <summary>The file's path relative to the folder of server.log, as the log line names it.</summary>
    public static string RelativePath(string project, string id, string builder) => Path.Combine("logs", project, $"{id}-{builder}.log");

    public void Enqueue(string project, string id, string builder, string output) =>
        _queue.Writer.TryWrite((Path.Combine(_root, RelativePath(project, id, builder)), output));

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync()
    {
        await foreach (var (path, output) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                var folder = Path.GetDirectoryName(path)!;
                Directory.CreateDirectory(folder);
                await File.WriteAllTextAsync(path, output).ConfigureAwait(false);
                var count = _writesPerProject[folder] = _writesPerProject.GetValueOrDefault(folder) + 1;
                if (count % 50 == 0)
                {
                    foreach (var old in new DirectoryInfo(folder).GetFiles("*.log").OrderByDescending(f => f.LastWriteTimeUtc).Skip(KeepPerProject))
                    {
                        old.Delete();
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _log.Warning("Cannot write build output {File}: {Reason} (the output is in the history file)", path, ex.Message);
            }
        }
    }
}
