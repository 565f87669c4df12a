using System.Globalization;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>Processes a test script reports by writing its pid (and its children's) to files.</summary>
internal static class Pids
{
    /// <summary>The pid a script wrote to <paramref name="file"/> ("echo $$ > file"), once the line is complete.</summary>
    public static async Task<int> ReadAsync(string file)
    {
        var pid = 0;
        await Eventually.TrueAsync(() => File.Exists(file) && File.ReadAllText(file).EndsWith('\n')
            && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out pid), $"a pid in {file}");
        return pid;
    }

    /// <summary>True while the process runs; a zombie (dead, waiting to be reaped by whoever adopted it) counts as gone.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
