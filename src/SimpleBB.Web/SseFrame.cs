using System.Text;

namespace SimpleBB.Web;

/// <summary>
/// One Server-Sent Events item as the bytes sent to every page ("event: kind", "data: json", an empty line), encoded
/// once however many pages are open. The data is always one line: the server's JSON never holds a raw line break.
/// </summary>
internal static class SseFrame
{
    public static byte[] Encode(string kind, string json, TimeSpan? reconnect = null)
    {
        var text = new StringBuilder(json.Length + kind.Length + 32)
            .Append("event: ").Append(kind).Append('\n')
            .Append("data: ").Append(json).Append('\n');
        if (reconnect is { } interval)
        {
            text.Append("retry: ").Append((long)interval.TotalMilliseconds).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.Append('\n').ToString());
    }
}
