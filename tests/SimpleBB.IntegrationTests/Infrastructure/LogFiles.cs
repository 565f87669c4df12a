namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>Reads a log that another component is still writing.</summary>
internal static class LogFiles
{
    public static string Read(string path)
    {
        if (!File.Exists(path))
        {
            return "";
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static string[] Lines(string path) =>
        Read(path).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static int Count(string path, string fragment) => Lines(path).Count(l => l.Contains(fragment, StringComparison.Ordinal));
}
