using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>One builder: what it said about itself when it connected, what it runs now, and its recent results.</summary>
internal static class BuilderPage
{
    private const int MaxResults = 200;

    public static string Render(DashboardState state, Farm farm, string name) =>
        Layout.Render(state.ServerName, "Builder " + name, "builder", name, html =>
        {
            html.Append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Overview</a> \u203A builder</nav><h1>").Text(name).Append(' ');
            var results = Results(farm, name);
            if (farm.Online.TryGetValue(name, out var builder))
            {
                html.Append("<span class=\"o o-online\"><span aria-hidden=\"true\">\u25CF</span> online</span></h1><dl class=\"facts\">")
                    .Append("<dt>Address</dt><dd>").Text(builder.Address).Append("</dd><dt>Connected since</dt><dd>").Time(builder.ConnectedSince)
                    .Append("</dd><dt>uname</dt><dd class=\"uname\">").Text(HomePage.UnameText(builder.Uname)).Append("</dd><dt>Runtime</dt><dd>")
                    .Text(builder.Runtime).Append("</dd><dt>Scripts</dt><dd>").Text(builder.Scripts.Length == 0 ? "none" : string.Join(", ", builder.Scripts))
                    .Append("</dd><dt>Current build</dt><dd>");
                HomePage.Running(farm, builder, html);
                html.Append("</dd></dl>");
            }
            else if (results.Length > 0)
            {
                var last = results[0];
                html.Append("<span class=\"o o-offline\"><span aria-hidden=\"true\">\u25CB</span> offline</span></h1><dl class=\"facts\">")
                    .Append("<dt>Last address</dt><dd>").Text(last.Address ?? "").Append("</dd><dt>uname</dt><dd class=\"uname\">")
                    .Text(HomePage.UnameText(last.Uname)).Append("</dd><dt>Runtime</dt><dd>").Text(last.Runtime).Append("</dd></dl>");
            }
            else
            {
                html.Append("</h1><p class=\"empty\">This builder is not connected and has no result in the server's memory.</p>");
                return;
            }
            html.Append("<section><h2>Recent results</h2><div class=\"scroll\"><table class=\"list\"><thead><tr><th scope=\"col\">When</th>")
                .Append("<th scope=\"col\">Project</th><th scope=\"col\">Revision</th><th scope=\"col\">Result</th><th scope=\"col\">Duration</th>")
                .Append("<th scope=\"col\">Output</th></tr></thead><tbody>");
            foreach (var result in results.Take(MaxResults))
            {
                var outcome = Outcome.Of(result.Outcome);
                html.Append("<tr><td>").Time(result.Finished).Append("</td><td>").Link("/project/", result.Project, result.Project).Append("</td><td>")
                    .Link("/build/", result.Id, result.Revision, "rev").Append("</td><td class=\"cell c-").Append(outcome.Css).Append("\">");
                outcome.AppendTo(html);
                html.Append("</td><td>").Append(Html.Duration(result.DurationMs)).Append("</td><td><a href=\"")
                    .Append(BuildPage.OutputUrl(result.Project, result.Id, result.Builder)).Append("\">output</a></td></tr>");
            }
            if (results.Length == 0)
            {
                html.Append("<tr><td colspan=\"6\" class=\"empty\">No result yet.</td></tr>");
            }
            html.Append("</tbody></table></div></section>");
        });

    public static ResultStatus[] Results(Farm farm, string name) =>
        [.. farm.Snapshot.Results.Where(r => r.Builder == name).OrderByDescending(r => r.Finished)];
}
