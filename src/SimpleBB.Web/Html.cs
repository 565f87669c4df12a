using System.Text;

namespace SimpleBB.Web;

/// <summary>
/// Writes builder-supplied text into HTML. Output, uname and runtime are free text from other machines, so every
/// character that could open markup is escaped, and characters that could disguise text are made visible: bidi
/// overrides and isolates (an RTL override can make "exe.txt" read as "txt.exe") and control characters.
/// </summary>
internal static class Html
{
    /// <summary>Appends <paramref name="text"/> escaped for element content and quoted attribute values.</summary>
    public static StringBuilder Text(this StringBuilder html, string? text, bool preformatted = false)
    {
        if (text is null)
        {
            return html;
        }
        var start = html.Length;
        var surrogates = false;
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': html.Append("&amp;"); break;
                case '<': html.Append("&lt;"); break;
                case '>': html.Append("&gt;"); break;
                case '"': html.Append("&quot;"); break;
                case '\'': html.Append("&#39;"); break;
                case '\n' when preformatted: html.Append('\n'); break;
                case '\t' when preformatted: html.Append('\t'); break;
                case '\r' when preformatted: break;
                case < ' ': html.Append((char)(0x2400 + c)); break; // the visible "control picture" (␛ for ESC)
                case '\u007f': html.Append('\u2421'); break;
                case >= '\u0080' and <= '\u009f':
                case '\u061c' or '\u200e' or '\u200f':
                case >= '\u202a' and <= '\u202e':
                case >= '\u2066' and <= '\u2069':
                    html.Append("&lt;U+").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)).Append("&gt;");
                    break;
                case >= '\ud800' and <= '\udfff':
                    html.Append(c); // surrogates are checked in pairs below
                    surrogates = true;
                    break;
                default: html.Append(c); break;
            }
        }
        if (surrogates)
        {
            FixLoneSurrogates(html, start);
        }
        return html;
    }

    /// <summary>A path segment for a link (names may hold '%', '?', '#' or '&lt;').</summary>
    public static string Url(string segment) => Uri.EscapeDataString(segment);

    /// <summary>Appends a link whose path segments are escaped and whose text is escaped.</summary>
    public static StringBuilder Link(this StringBuilder html, string prefix, string segment, string text, string? cssClass = null)
    {
        html.Append("<a href=\"").Append(prefix).Append(Url(segment)).Append('"');
        if (cssClass is not null)
        {
            html.Append(" class=\"").Append(cssClass).Append('"');
        }
        return html.Append('>').Text(text).Append("</a>");
    }

    public static string Duration(long ms) => ms switch
    {
        < 1000 => $"{ms} ms",
        < 60_000 => $"{ms / 1000.0:0.0} s",
        < 3_600_000 => $"{ms / 60_000} min {ms / 1000 % 60} s",
        _ => $"{ms / 3_600_000} h {ms / 60_000 % 60} min",
    };

    /// <summary>A time as an element the page's script turns into "3 min ago" (the text itself is absolute, UTC).</summary>
    public static StringBuilder Time(this StringBuilder html, DateTimeOffset time) =>
        html.Append("<time datetime=\"").Append(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture))
            .Append("\">").Append(time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)).Append(" UTC</time>");

    /// <summary>A lone surrogate (from a broken decoder upstream) would make the page invalid UTF-8: replace it.</summary>
    private static void FixLoneSurrogates(StringBuilder html, int start)
    {
        for (var i = start; i < html.Length; i++)
        {
            var c = html[i];
            if (char.IsHighSurrogate(c) && i + 1 < html.Length && char.IsLowSurrogate(html[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                html[i] = '\ufffd';
            }
        }
    }

    /// <summary>
    /// Links to the newest page of <paramref name="path"/> and to the next older one (<c>?before=</c>), when there
    /// is more than one page; <paramref name="what"/> names the items ("builds", "results").
    /// </summary>
    public static StringBuilder Pager(this StringBuilder html, string path, long? before, long? older, string what)
    {
        if (before is null && older is null)
        {
            return html;
        }
        html.Append("<nav class=\"pager\" aria-label=\"Pages\">");
        if (before is not null)
        {
            html.Append("<a href=\"").Append(path).Append("\">\u2190 newest ").Append(what).Append("</a>");
        }
        if (older is { } seq)
        {
            html.Append(before is null ? "" : " \u00B7 ").Append("<a rel=\"next\" href=\"").Append(path).Append("?before=").Append(seq)
                .Append("\">older ").Append(what).Append(" \u2192</a>");
        }
        return html.Append("</nav>");
    }
}
