using System.Text;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>
/// One project: its builds (revisions) × builders, the history with durations, and a duration chart, 50 builds a
/// page, newest first; "older builds" pages back (<c>?before=&lt;build seq&gt;</c>) to the project's first build.
/// </summary>
internal static class ProjectPage
{
    public const int PageSize = 50;

    public static RenderedPage Render(DashboardState state, Farm farm, string project, long? before)
    {
        // One more than a page: whether there is an older page is known without counting.
        var stored = farm.History.BuildsOfProject(project, before, PageSize + 1);
        var builds = farm.Views([.. stored.Take(PageSize)]);
        var older = stored.Count > PageSize ? builds[^1].Build.Seq : (long?)null;
        var html = Layout.Render(state.ServerName, project, "project", project, html =>
        {
            html.Append("<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/\">Overview</a> \u203A project</nav>");
            html.Append("<h1>").Text(project).Append(" <img class=\"badge\" src=\"/badge/").Append(Html.Url(project))
                .Append(".svg\" alt=\"status badge\"></h1>");
            if (builds.Count == 0)
            {
                html.Append(before is null
                    ? "<p class=\"empty\">No build of this project is kept: it was never suggested here, or retention removed its builds.</p>"
                    : "<p class=\"empty\">No older builds.</p>");
                html.Pager("/project/" + Html.Url(project), before, null, "builds");
                return;
            }
            if (before is null)
            {
                var latest = builds[0];
                html.Append("<p>Latest: ").Link("/build/", latest.Id, latest.Revision, "rev").Append(' ').Counts(latest)
                    .Append(" \u00B7 JSON: <a href=\"/api/projects/").Append(Html.Url(project)).Append("/latest\">latest</a>, <a href=\"/api/projects/")
                    .Append(Html.Url(project)).Append("\">results, a page at a time</a></p>");
                html.MachineSpecific(latest.MachineSpecific());
            }
            else
            {
                html.Append("<p>Builds before <code>").Text(builds[0].Id).Append("</code>, newest first.</p>");
            }
            var builders = builds.SelectMany(b => b.Results.Keys.Concat(b.Running)).Distinct().Order(StringComparer.Ordinal).ToArray();

            html.Append("<section><h2>Revisions \u00D7 builders</h2><div class=\"scroll\"><table class=\"matrix\"><thead><tr><th scope=\"col\">Revision</th><th scope=\"col\">When</th>");
            foreach (var builder in builders)
            {
                html.Append("<th scope=\"col\" class=\"bname\">").Link("/builder/", builder, builder).Append("</th>");
            }
            html.Append("</tr></thead><tbody>");
            foreach (var build in builds)
            {
                html.Append("<tr><th scope=\"row\">").Link("/build/", build.Id, build.Revision, "rev").Append("</th><td>").Time(build.Time).Append("</td>");
                if (build.ReachedNoBuilder)
                {
                    html.Append("<td class=\"cell c-none\" colspan=\"").Append(Math.Max(1, builders.Length)).Append("\">reached no builder</td>");
                }
                else
                {
                    foreach (var builder in builders)
                    {
                        var cell = build.CellFor(builder);
                        html.Append("<td class=\"cell c-").Append(cell.Css).Append("\">");
                        cell.AppendTo(html);
                        html.Append("</td>");
                    }
                }
                html.Append("</tr>");
            }
            html.Append("</tbody></table></div></section>");

            html.Append("<section><h2>Durations</h2>");
            DurationChart.Render(html, builds);
            html.Append("<div class=\"scroll\"><table class=\"list\"><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Revision</th>")
                .Append("<th scope=\"col\">Results</th><th scope=\"col\">Shortest</th><th scope=\"col\">Longest</th><th scope=\"col\">Build id</th></tr></thead><tbody>");
            foreach (var build in builds)
            {
                html.Append("<tr><td>").Time(build.Time).Append("</td><td>").Link("/build/", build.Id, build.Revision, "rev").Append("</td><td>").Counts(build)
                    .Append("</td><td>").Append(build.Results.Count == 0 ? "" : Html.Duration(build.Results.Values.Min(r => r.DurationMs)))
                    .Append("</td><td>").Append(build.Results.Count == 0 ? "" : Html.Duration(build.LongestMs))
                    .Append("</td><td><code>").Text(build.Id).Append("</code></td></tr>");
            }
            html.Append("</tbody></table></div></section>");
            html.Pager("/project/" + Html.Url(project), before, older, "builds");
        });
        return new RenderedPage(html, builds.Count > 0 || before is not null);
    }
}
