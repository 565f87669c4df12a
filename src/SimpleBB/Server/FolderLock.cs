namespace SimpleBB.Server;

/// <summary>
/// Holds server.lock in the server's folder for as long as the server runs, so that a second server started on the
/// same folder refuses to start instead of appending to the first one's log and journal. The lock is the operating
/// system's (an exclusive flock on Unix), so it is released when the process ends, however it ends.
/// </summary>
internal sealed class FolderLock : IDisposable
{
    private readonly FileStream _file;

    private FolderLock(FileStream file) => _file = file;

    /// <summary>Takes the lock; throws <see cref="IOException"/> with a message for the operator when another server holds it.</summary>
    public static FolderLock Acquire(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "server.lock");
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
            file.SetLength(0);
            file.Write(System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
            return new FolderLock(file);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(path))
        {
            throw new IOException($"another simplebb-server is already using {folder} (it holds {path}); stop it, or give this one another --log-file folder", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
