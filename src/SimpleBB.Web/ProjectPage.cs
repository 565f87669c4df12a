using System.Text;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>One project: its builds (revisions) × builders, the history with durations, and a duration chart.</summary>
internal static class ProjectPage
{
    private const int MaxBuilds = 50;

    public static string Render(DashboardState state, Farm farm, string project) =>
        Layout.Render(state.ServerName, project, "project", project, html =>
        {
            html.Append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Overview</a> \u203A project</nav>");
            html.Append("<h1>").Text(project).Append(" <img class=\"badge\" src=\"/badge/").Append(Html.Url(project))
                .Append(".svg\" alt=\"status badge\"></h1>");
            if (!farm.Projects.TryGetValue(project, out var builds))
            {
                html.Append("<p class=\"empty\">No builds of this project are in the server's memory.</p>");
                return;
            }
            var latest = builds[0];
            html.Append("<p>Latest: ").Link("/build/", latest.Id, latest.Revision, "rev").Append(' ').Counts(latest)
                .Append(" \u00B7 JSON: <a href=\"/api/projects/").Append(Html.Url(project)).Append("/latest\">latest</a>, <a href=\"/api/projects/")
                .Append(Html.Url(project)).Append("\">all kept</a></p>");
            html.MachineSpecific(state.MachineSpecific(latest.Project, latest.Revision));
            var shown = builds.Take(MaxBuilds).ToArray();
            var builders = shown.SelectMany(b => b.Results.Keys.Concat(b.Running)).Distinct().Order(StringComparer.Ordinal).ToArray();

            html.Append("<section><h2>Revisions \u00D7 builders</h2><div class=\"scroll\"><table class=\"matrix\"><thead><tr><th scope=\"col\">Revision</th><th scope=\"col\">When</th>");
            foreach (var builder in builders)
            {
                html.Append("<th scope=\"col\" class=\"bname\">").Link("/builder/", builder, builder).Append("</th>");
            }
            html.Append("</tr></thead><tbody>");
            foreach (var build in shown)
            {
                html.Append("<tr><th scope=\"row\">").Link("/build/", build.Id, build.Revision, "rev").Append("</th><td>").Time(build.Time).Append("</td>");
                foreach (var builder in builders)
                {
                    var cell = build.CellFor(builder);
                    html.Append("<td class=\"cell c-").Append(cell.Css).Append("\">");
                    cell.AppendTo(html);
                    html.Append("</td>");
                }
                html.Append("</tr>");
            }
            html.Append("</tbody></table></div></section>");

            html.Append("<section><h2>Durations</h2>");
            DurationChart.Render(html, shown);
            html.Append("<div class=\"scroll\"><table class=\"list\"><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Revision</th>")
                .Append("<th scope=\"col\">Results</th><th scope=\"col\">Shortest</th><th scope=\"col\">Longest</th><th scope=\"col\">Build id</th></tr></thead><tbody>");
            foreach (var build in shown)
            {
                html.Append("<tr><td>").Time(build.Time).Append("</td><td>").Link("/build/", build.Id, build.Revision, "rev").Append("</td><td>").Counts(build)
                    .Append("</td><td>").Append(build.Results.Count == 0 ? "" : Html.Duration(build.Results.Values.Min(r => r.DurationMs)))
                    .Append("</td><td>").Append(build.Results.Count == 0 ? "" : Html.Duration(build.LongestMs))
                    .Append("</td><td><code>").Text(build.Id).Append("</code></td></tr>");
            }
            html.Append("</tbody></table></div>");
            if (builds.Count > shown.Length)
            {
                html.Append("<p class=\"note\">The newest ").Append(MaxBuilds).Append(" of ").Append(builds.Count).Append(" builds kept in memory are shown.</p>");
            }
            html.Append("</section>");
        });
}
