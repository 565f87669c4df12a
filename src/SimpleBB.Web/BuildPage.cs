using System.Text;
using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>One build: every builder's result with the facts that tell machines apart, and each output's tail.</summary>
internal static class BuildPage
{
    private const int MaxTails = 30;
    private const int TailBytes = 8 * 1024;

    public static RenderedPage Render(DashboardState state, Farm farm, string id)
    {
        var build = farm.View(id);
        var html = Layout.Render(state.ServerName, "Build " + id, "build", id, html =>
        {
            html.Append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Overview</a> \u203A ");
            if (build is null)
            {
                html.Append("build</nav><h1>Build <code>").Text(id).Append("</code></h1><p class=\"empty\">No build with this id is kept: ")
                    .Append("it was never suggested here, or retention removed it.</p>");
                return;
            }
            html.Link("/project/", build.Project, build.Project).Append(" \u203A build</nav>");
            html.Append("<h1>").Text(build.Project).Append(" <span class=\"rev\">").Text(build.Revision).Append("</span></h1>")
                .Append("<p>Build <code>").Text(build.Id).Append("</code> \u00B7 suggested ").Time(build.Build.Suggested);
            if (build.Build.SuggestedBy is { } by)
            {
                html.Append(" by ").Text(by);
            }
            html.Append(" \u00B7 ").Append(build.Build.Builders switch
            {
                Store.ResultStore.UnknownBuilders => "sent to builders (how many is not known)",
                1 => "sent to 1 builder",
                var n => "sent to " + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + " builders",
            }).Append(" \u00B7 ").Counts(build).Append(" \u00B7 <a href=\"/api/builds/").Append(Html.Url(build.Id)).Append("\">JSON</a></p>");
            if (build.ReachedNoBuilder)
            {
                html.Append("<p class=\"alert\">This build reached no builder: none was connected when it was suggested, so nothing was built.</p>");
                return;
            }
            html.MachineSpecific(build.MachineSpecific());
            var results = build.Results.Values
                .OrderBy(r => Outcomes.Verdict(r.Outcome) switch { false => 0, null => 1, true => 2 })
                .ThenBy(r => r.Builder, StringComparer.Ordinal).ToArray();
            html.Append("<section><h2>Results</h2><div class=\"scroll\"><table class=\"list results\"><thead><tr><th scope=\"col\">Builder</th>")
                .Append("<th scope=\"col\">Result</th><th scope=\"col\">Exit code</th><th scope=\"col\">Duration</th><th scope=\"col\">uname</th>")
                .Append("<th scope=\"col\">Runtime</th><th scope=\"col\">Script SHA-256</th><th scope=\"col\">Output</th></tr></thead><tbody>");
            foreach (var result in results)
            {
                html.Append("<tr><th scope=\"row\">").Link("/builder/", result.Builder, result.Builder).Append("</th><td class=\"cell c-")
                    .Append(Outcome.Of(result.Outcome).Css).Append("\">");
                Outcome.Of(result.Outcome).AppendTo(html);
                html.Append("</td><td>").Append(result.ExitCode).Append("</td><td>").Append(Html.Duration(result.DurationMs))
                    .Append("</td><td class=\"uname\">").Text(HomePage.UnameText(result.Uname)).Append("</td><td>").Text(result.Runtime)
                    .Append("</td><td><code class=\"sha\">").Text(result.ScriptSha256 ?? "none").Append("</code></td><td>");
                OutputLink(html, result);
                html.Append("</td></tr>");
            }
            foreach (var builder in build.Running.Order(StringComparer.Ordinal))
            {
                html.Append("<tr><th scope=\"row\">").Link("/builder/", builder, builder).Append("</th><td class=\"cell c-running\">");
                Outcome.Running.AppendTo(html);
                html.Append("</td><td colspan=\"6\"></td></tr>");
            }
            html.Append("</tbody></table></div></section>");

            html.Append("<section><h2>Output</h2>");
            var tails = 0;
            foreach (var result in results)
            {
                if (tails++ == MaxTails)
                {
                    html.Append("<p class=\"note\">Only the first ").Append(MaxTails).Append(" outputs are shown; every row above links its full output.</p>");
                    break;
                }
                var text = OutputReader.Tail(state.OutputPath(result.Project, result.Id, result.Builder), TailBytes);
                html.Append("<div class=\"output\" id=\"out-").Text(result.Builder).Append("\"><h3>").Text(result.Builder).Append(' ');
                Outcome.Of(result.Outcome).AppendTo(html);
                html.Append(' ');
                OutputLink(html, result);
                html.Append("</h3><pre>");
                html.Text(string.IsNullOrEmpty(text) ? "(no output)" : text, preformatted: true);
                html.Append("</pre></div>");
            }
            if (results.Length == 0)
            {
                html.Append("<p class=\"empty\">No result yet.</p>");
            }
            html.Append("</section>");
        });
        return new RenderedPage(html, build is not null);
    }

    private static void OutputLink(StringBuilder html, RecordedResult result) =>
        html.Append("<a href=\"").Append(OutputUrl(result.Project, result.Id, result.Builder)).Append("\">full output</a>");

    /// <summary>The stable URL of one result's output as text/plain.</summary>
    public static string OutputUrl(string project, string id, string builder) =>
        $"/output/{Html.Url(project)}/{Html.Url(id)}/{Html.Url(builder)}";
}
