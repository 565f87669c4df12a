using System.Text.Json;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>Reads the server's result journal (its older part first) as a test oracle; every line must parse.</summary>
internal static class JournalFile
{
    public static List<(string Id, string Builder)> Entries(string path)
    {
        var entries = new List<(string, string)>();
        foreach (var file in new[] { path + ".1", path }.Where(File.Exists))
        {
            foreach (var line in File.ReadAllLines(file))
            {
                using var json = JsonDocument.Parse(line);
                // Only entries have an id: the header and the {"derived":...} and {"hooked":...} markers are skipped.
                if (json.RootElement.TryGetProperty("id", out var id))
                {
                    entries.Add((id.GetString()!, json.RootElement.GetProperty("builder").GetString()!));
                }
            }
        }
        return entries;
    }
}
