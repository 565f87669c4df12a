using System.Text;

namespace SimpleBB.Web;

/// <summary>Reads a result's output file (at most a few KiB each) for the build page; missing files are not an error.</summary>
internal static class OutputReader
{
    /// <summary>The last <paramref name="maxBytes"/> of the file as text (invalid UTF-8 becomes U+FFFD), or null when there is none.</summary>
    public static string? Tail(string? path, int maxBytes)
    {
        if (path is null)
        {
            return null;
        }
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            var skip = Math.Max(0, file.Length - maxBytes);
            file.Seek(skip, SeekOrigin.Begin);
            var bytes = new byte[file.Length - skip];
            file.ReadExactly(bytes);
            var start = 0;
            if (skip > 0)
            {
                // Begin at a line (and so a character) boundary rather than mid-way through either.
                var newline = Array.IndexOf(bytes, (byte)'\n');
                start = newline >= 0 ? newline + 1 : 0;
            }
            return new UTF8Encoding(false, false).GetString(bytes, start, bytes.Length - start);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
