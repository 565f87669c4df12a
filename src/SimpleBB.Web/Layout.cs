using System.Text;
using SimpleBB.Hosting;

namespace SimpleBB.Web;

/// <summary>
/// The frame every page shares: header with navigation and the live indicator, one &lt;main id="main"&gt; that the
/// page's script replaces when events arrive, and a footer. No inline script or style (the CSP forbids both).
/// </summary>
internal static class Layout
{
    /// <param name="serverName">Shown in the header.</param>
    /// <param name="title">The page's title (escaped).</param>
    /// <param name="page">home, project, build or builder: which events refresh it (data-page).</param>
    /// <param name="key">The project, build id or builder name the page is about (data-key).</param>
    /// <param name="body">Writes the content of &lt;main&gt;.</param>
    public static string Render(string serverName, string title, string page, string? key, Action<StringBuilder> body)
    {
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Text(title).Append(" \u2013 SimpleBB</title>")
            .Append("<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">")
            .Append("<link rel=\"stylesheet\" href=\"/static/app.css?v=").Append(ProductInfo.Version).Append("\">")
            .Append("<script src=\"/static/app.js?v=").Append(ProductInfo.Version).Append("\" defer></script>")
            .Append("</head><body>")
            .Append("<header class=\"top\"><a class=\"brand\" href=\"/\"><img src=\"/static/favicon.svg\" alt=\"\" width=\"22\" height=\"22\"> SimpleBB</a>")
            .Append("<span class=\"server\">").Text(serverName).Append("</span>")
            .Append("<nav aria-label=\"Main\"><a href=\"/\">Overview</a><a href=\"/api/status\">API</a></nav>")
            .Append("<span id=\"live\" class=\"live live-off\" role=\"status\" aria-live=\"polite\">connecting\u2026</span></header>")
            .Append("<main id=\"main\" data-page=\"").Append(page).Append("\" data-key=\"").Text(key ?? "").Append("\">");
        body(html);
        html.Append("</main><aside class=\"feed\" aria-label=\"Live events\"><h2>Live events</h2><ol id=\"feed\"><li class=\"quiet waiting\">Waiting for events\u2026</li></ol></aside>")
            .Append("<footer>SimpleBB ").Text(ProductInfo.Version).Append(" \u00B7 read-only \u00B7 ")
            .Append("<a href=\"/api/status\">/api/status</a> \u00B7 <a href=\"/api/events\">/api/events</a></footer>")
            .Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>A small "3 passed, 1 failed" summary with words.</summary>
    public static StringBuilder Counts(this StringBuilder html, BuildView build)
    {
        var passed = build.Count(true);
        var failed = build.Count(false);
        var other = build.ResultCount - passed - failed;
        html.Append("<span class=\"counts\">");
        html.Append("<span class=\"o o-pass\">").Append(passed).Append(" passed</span>");
        if (failed > 0)
        {
            html.Append(" <span class=\"o o-fail\">").Append(failed).Append(" failed</span>");
        }
        if (other > 0)
        {
            html.Append(" <span class=\"o o-na\">").Append(other).Append(" other</span>");
        }
        if (build.ReachedNoBuilder)
        {
            html.Append(" <span class=\"o o-none\">reached no builder</span>");
        }
        if (build.Running.Count > 0)
        {
            html.Append(" <span class=\"o o-running\">").Append(build.Running.Count).Append(" running</span>");
        }
        return html.Append("</span>");
    }

    /// <summary>The machine-specific note: this revision passes on some machines and fails on others.</summary>
    public static StringBuilder MachineSpecific(this StringBuilder html, string? difference)
    {
        if (difference is null)
        {
            return html;
        }
        return html.Append("<p class=\"machine\"><strong>Machine-specific:</strong> passes on some builders and fails on others; differs in ")
            .Text(difference).Append("</p>");
    }
}
