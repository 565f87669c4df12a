using System.Text;
using SimpleBB.Server;
using SimpleBB.Store;

namespace SimpleBB.Web;

/// <summary>
/// One builder: what it said about itself when it connected, what it runs now, and its results newest first, 100 a
/// page back to its first (<c>?before=&lt;result seq&gt;</c>).
/// </summary>
internal static class BuilderPage
{
    public const int PageSize = 100;

    public static RenderedPage Render(DashboardState state, Farm farm, string name, long? before)
    {
        var (results, older) = Results(farm, name, before);
        var online = farm.Online.GetValueOrDefault(name);
        var running = online is null ? [] : farm.RunningBuilds();
        var newest = before is null ? results.FirstOrDefault() : farm.History.ResultsOfBuilder(name, null, 1).FirstOrDefault();
        var html = Layout.Render(state.ServerName, "Builder " + name, "builder", name, html =>
        {
            html.Append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Overview</a> \u203A builder</nav><h1>").Text(name).Append(' ');
            if (online is { } builder)
            {
                html.Append("<span class=\"o o-online\"><span aria-hidden=\"true\">\u25CF</span> online</span></h1><dl class=\"facts\">")
                    .Append("<dt>Address</dt><dd>").Text(builder.Address).Append("</dd><dt>Connected since</dt><dd>").Time(builder.ConnectedSince)
                    .Append("</dd><dt>uname</dt><dd class=\"uname\">").Text(HomePage.UnameText(builder.Uname)).Append("</dd><dt>Runtime</dt><dd>")
                    .Text(builder.Runtime).Append("</dd><dt>Scripts</dt><dd>").Text(builder.Scripts.Length == 0 ? "none" : string.Join(", ", builder.Scripts))
                    .Append("</dd><dt>Current build</dt><dd>");
                HomePage.Running(running, builder, html);
                html.Append("</dd></dl>");
            }
            else if (newest is { } last)
            {
                html.Append("<span class=\"o o-offline\"><span aria-hidden=\"true\">\u25CB</span> offline</span></h1><dl class=\"facts\">")
                    .Append("<dt>Last address</dt><dd>").Text(last.Address ?? "").Append("</dd><dt>uname</dt><dd class=\"uname\">")
                    .Text(HomePage.UnameText(last.Uname)).Append("</dd><dt>Runtime</dt><dd>").Text(last.Runtime).Append("</dd><dt>Last result</dt><dd>")
                    .Time(last.Finished).Append("</dd></dl>");
            }
            else
            {
                html.Append("</h1><p class=\"empty\">This builder is not connected and has no result kept.</p>");
                return;
            }
            html.Append("<section><h2>").Append(before is null ? "Results" : "Older results").Append("</h2><div class=\"scroll\"><table class=\"list\"><thead><tr><th scope=\"col\">When</th>")
                .Append("<th scope=\"col\">Project</th><th scope=\"col\">Revision</th><th scope=\"col\">Result</th><th scope=\"col\">Duration</th>")
                .Append("<th scope=\"col\">Output</th></tr></thead><tbody>");
            foreach (var stored in results)
            {
                var result = stored.ToStatus(withOutput: false);
                var outcome = Outcome.Of(result.Outcome);
                html.Append("<tr><td>").Time(result.Finished).Append("</td><td>").Link("/project/", result.Project, result.Project).Append("</td><td>")
                    .Link("/build/", result.Id, result.Revision, "rev").Append("</td><td class=\"cell c-").Append(outcome.Css).Append("\">");
                outcome.AppendTo(html);
                html.Append("</td><td>").Append(Html.Duration(result.DurationMs)).Append("</td><td><a href=\"")
                    .Append(BuildPage.OutputUrl(result.Project, result.Id, result.Builder)).Append("\">output</a></td></tr>");
            }
            if (results.Count == 0)
            {
                html.Append("<tr><td colspan=\"6\" class=\"empty\">").Append(before is null ? "No result yet." : "No older results.").Append("</td></tr>");
            }
            html.Append("</tbody></table></div>");
            html.Pager("/builder/" + Html.Url(name), before, older, "results");
            html.Append("</section>");
        });
        return new RenderedPage(html, online is not null || newest is not null);
    }

    /// <summary>A page of the builder's results, newest first, and the seq to ask for the next older page (null: none).</summary>
    public static (IReadOnlyList<StoredResult> Results, long? Older) Results(Farm farm, string name, long? before)
    {
        var results = farm.History.ResultsOfBuilder(name, before, PageSize + 1);
        return results.Count > PageSize ? (results.Take(PageSize).ToArray(), results[PageSize - 1].Seq) : (results, null);
    }
}
