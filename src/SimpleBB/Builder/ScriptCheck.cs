using System.Text;

namespace SimpleBB.Builder;

/// <summary>
/// Says in plain words why a build script cannot be started and what to do about it. The kernel's answers
/// ("No such file or directory" for a #! line ending in a carriage return, "Exec format error" for a missing #!)
/// point everywhere except at the script's first line, which is where the usual mistakes are.
/// </summary>
public static class ScriptCheck
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>What stops <paramref name="path"/> from running, with the fix, or null when nothing visible does.</summary>
    public static string? Problem(string path)
    {
        byte[] head;
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & AnyExecute) == 0)
            {
                return $"it is not executable: run chmod +x {path}";
            }
            using var stream = File.OpenRead(path);
            head = new byte[256];
            head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"it cannot be read: {ex.Message}";
        }
        if (head.AsSpan().StartsWith("\u007fELF"u8))
        {
            return null; // a compiled program; the kernel's own error (e.g. another architecture) is the best there is
        }
        if (!head.AsSpan().StartsWith("#!"u8))
        {
            return "it does not start with a #! line naming its interpreter: make the first line e.g. #!/bin/sh";
        }
        var end = Array.IndexOf(head, (byte)'\n');
        var line = Encoding.UTF8.GetString(head, 2, (end < 0 ? head.Length : end) - 2);
        if (line.EndsWith('\r'))
        {
            return $"its #! line ends with a carriage return (Windows line endings): convert it with sed -i 's/\\r$//' {path} (or dos2unix)";
        }
        var interpreter = line.Trim().Split(' ', '\t')[0];
        if (interpreter.Length > 0 && !File.Exists(interpreter))
        {
            return $"its interpreter {interpreter} (named in the #! line) does not exist on this machine";
        }
        return null;
    }

    /// <summary>The reason reported for a script that failed to start: the diagnosis if there is one, else the system's words.</summary>
    public static string StartFailure(string path, Exception exception) =>
        $"cannot start {path}: {Problem(path) ?? exception.Message}";
}
