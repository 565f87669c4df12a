namespace SimpleBB.Hosting;

/// <summary>
/// Checks a log path before a log is opened there, because .NET reports a folder given as a log file as
/// "Access to the path is denied", which sends people hunting for a permission problem that does not exist.
/// </summary>
public static class LogFilePath
{
    /// <summary>A one-line explanation of why <paramref name="path"/> cannot be a log file, or null when it may be.</summary>
    public static string? Problem(string path, string option, string fileName)
    {
        if (Directory.Exists(path))
        {
            return $"{option} {path} is a folder, not a file; give a file name such as {Path.Combine(path, fileName)}";
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && File.Exists(folder))
        {
            return $"{option} {path}: {folder} is a file, not a folder";
        }
        return null;
    }
}
