using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// Results not yet acknowledged by the server, one file per build id, written (and synced) before the result is
/// sent and deleted only on <see cref="Ack"/>. Whatever is here after a crash, a restart or a lost connection is
/// sent again on the next connection; the server logs each result only once.
/// </summary>
public sealed class Outbox
{
    private readonly string _folder;

    public Outbox(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        // A crash (or power loss) while a result was being stored: a complete result is kept, a torn one was never sent
        // (a result is sent only once it is stored). *.tmp files come from builders before 0.2.0, which stored through
        // a temporary file and a rename.
        foreach (var partial in Directory.GetFiles(folder, "*.tmp"))
        {
            if (IsComplete(File.ReadAllBytes(partial)))
            {
                File.Move(partial, partial[..^".tmp".Length], overwrite: true);
            }
            else
            {
                File.Delete(partial);
            }
        }
        foreach (var stored in Directory.GetFiles(folder, "*.result"))
        {
            if (!IsComplete(File.ReadAllBytes(stored)))
            {
                File.Delete(stored);
            }
        }
    }

    /// <summary>A whole result line: what <see cref="Store"/> writes, and nothing torn.</summary>
    private static bool IsComplete(byte[] bytes) =>
        bytes.Length > 0 && bytes[^1] == (byte)'\n' && MessageCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)).Message is ResultMessage;

    public string Folder => _folder;

    /// <summary>
    /// Stores an encoded result line durably: written under its final name and synced, then the folder synced so the
    /// new name is durable too. No temporary file and rename: a rename after the file's sync is a second change to
    /// commit, while here the folder's sync finds the name already committed with the file (one journal commit on
    /// ext4 instead of two). A torn file is possible only in a crash before the result was sent; the next start
    /// deletes it, and <see cref="ReadAll"/> never returns one.
    /// </summary>
    public void Store(string buildId, ReadOnlySpan<byte> frame)
    {
        using (var stream = new FileStream(PathFor(buildId), FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            stream.Write(frame);
            stream.Flush(flushToDisk: true);
        }
        SyncFolder(_folder);
    }

    /// <summary>Makes the rename itself durable (POSIX: fsync the directory).</summary>
    private static void SyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var fd = open(folder, 0 /* O_RDONLY */);
        if (fd >= 0)
        {
            _ = fsync(fd);
            _ = close(fd);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    /// <summary>Forgets a result the server has acknowledged (or refused for good).</summary>
    public bool Remove(string buildId)
    {
        if (Names.CheckBuildId(buildId) is not null)
        {
            return false;
        }
        var path = PathFor(buildId);
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        return true;
    }

    /// <summary>Every stored result (or those stored before <paramref name="storedBefore"/>), oldest first.</summary>
    public IReadOnlyList<(string Id, byte[] Frame)> ReadAll(DateTime? storedBefore = null)
    {
        var entries = new List<(string, byte[])>();
        foreach (var file in new DirectoryInfo(_folder).GetFiles("*.result").OrderBy(f => f.LastWriteTimeUtc))
        {
            if (storedBefore is { } limit && file.LastWriteTimeUtc >= limit)
            {
                continue;
            }
            try
            {
                var frame = File.ReadAllBytes(file.FullName);
                if (frame.Length > 0 && frame[^1] == (byte)'\n')
                {
                    entries.Add((Path.GetFileNameWithoutExtension(file.Name), frame)); // else still being stored
                }
            }
            catch (FileNotFoundException)
            {
                // Acknowledged meanwhile.
            }
        }
        return entries;
    }

    public int Count => Directory.GetFiles(_folder, "*.result").Length;

    private string PathFor(string buildId) => Path.Combine(_folder, buildId + ".result");
}
