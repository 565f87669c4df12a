using System.Text;
using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>The overview: builders online and offline, each project's latest build per builder, recent builds.</summary>
internal static class HomePage
{
    /// <summary>Beyond this many builders the overview's matrix shows the ones with something to say; project pages show all.</summary>
    private const int MaxMatrixBuilders = 40;

    private const int MaxBuilderRows = 500;

    /// <summary>Projects in the overview's matrix (by name); each has its own page.</summary>
    private const int MaxProjects = 500;

    private const int RecentBuilds = 25;

    public static string Render(DashboardState state, Farm farm)
    {
        var latestBuilds = farm.History.LatestBuildPerProject(MaxProjects);
        // Builders that are not connected are known from their newest result.
        var offline = farm.History.LatestResultPerBuilder(MaxBuilderRows + farm.Online.Count).Where(r => !farm.Online.ContainsKey(r.Builder)).ToArray();
        var running = farm.RunningBuilds();
        string[] builders = [.. farm.Online.Keys.Concat(offline.Select(r => r.Builder)).Order(StringComparer.Ordinal)];
        var shown = builders;
        if (builders.Length > MaxMatrixBuilders)
        {
            // Those with something other than a pass first (a failure, or running one of these builds): they are why
            // one looks at the page; the store names them without reading every result.
            var latestIds = latestBuilds.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
            var telling = farm.History.BuildersNotPassing([.. latestIds], MaxMatrixBuilders)
                .Concat(farm.Snapshot.Builders.Where(b => b.Running.Any(latestIds.Contains)).Select(b => b.Name));
            shown = [.. telling.Concat(builders).Distinct(StringComparer.Ordinal).Take(MaxMatrixBuilders).Order(StringComparer.Ordinal)];
        }
        var latest = farm.Summaries(latestBuilds, shown);
        return Layout.Render(state.ServerName, "Overview", "home", null, html =>
        {
            html.Append("<h1>Build farm <span class=\"sub\">").Append(farm.Online.Count).Append(" online \u00B7 ")
                .Append(offline.Length).Append(" offline \u00B7 ").Append(latest.Count).Append(" projects</span></h1>");
            if (farm.Snapshot.RecordingPaused is { } paused)
            {
                html.Append("<p class=\"alert\" role=\"alert\"><strong>Recording paused:</strong> ").Text(paused).Append("</p>");
            }
            Matrix(latest, builders.Length, shown, html);
            Builders(farm, offline, running, html);
            Recent(farm.Summaries(farm.History.NewestBuilds(RecentBuilds), []), html);
        });
    }

    private static void Matrix(List<BuildView> latest, int builderCount, string[] shown, StringBuilder html)
    {
        html.Append("<section><h2>Latest revision of each project</h2>");
        if (latest.Count == 0)
        {
            html.Append("<p class=\"empty\">No builds yet. Suggest one: <code>simplebb-suggest PROJECT REVISION</code></p></section>");
            return;
        }
        html.Append("<div class=\"scroll\"><table class=\"matrix\"><caption class=\"sr\">Latest build of each project (rows) on each builder (columns)</caption>")
            .Append("<thead><tr><th scope=\"col\">Project</th><th scope=\"col\">Revision</th><th scope=\"col\">Summary</th>");
        foreach (var builder in shown)
        {
            html.Append("<th scope=\"col\" class=\"bname\">").Link("/builder/", builder, builder).Append("</th>");
        }
        html.Append("</tr></thead><tbody>");
        foreach (var build in latest)
        {
            html.Append("<tr><th scope=\"row\">").Link("/project/", build.Project, build.Project)
                .Append("</th><td>").Link("/build/", build.Id, build.Revision, "rev").Append("</td><td>").Counts(build);
            if (build.MachineSpecific() is { } difference)
            {
                html.Append(" <span class=\"tag machine-tag\" title=\"differs in ").Text(difference).Append("\">machine-specific: ").Text(difference).Append("</span>");
            }
            html.Append("</td>");
            foreach (var builder in shown)
            {
                var cell = build.CellFor(builder);
                html.Append("<td class=\"cell c-").Append(cell.Css).Append("\" data-builder=\"").Text(builder).Append("\">");
                cell.AppendTo(html);
                html.Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table></div>");
        if (shown.Length < builderCount)
        {
            html.Append("<p class=\"note\">").Append(builderCount - shown.Length)
                .Append(" more builders not shown here (they passed or have no result); each project's page lists every builder.</p>");
        }
        html.Append("</section>");
    }

    private static void Builders(Farm farm, RecordedResult[] offline, Dictionary<string, Store.SuggestedBuild> running, StringBuilder html)
    {
        html.Append("<section><h2>Builders</h2><div class=\"scroll\"><table class=\"list\"><thead><tr>")
            .Append("<th scope=\"col\">Builder</th><th scope=\"col\">State</th><th scope=\"col\">Address</th><th scope=\"col\">uname</th>")
            .Append("<th scope=\"col\">Runtime</th><th scope=\"col\">Scripts</th><th scope=\"col\">Current build</th></tr></thead><tbody>");
        var rows = 0;
        foreach (var builder in farm.Snapshot.Builders)
        {
            if (rows++ == MaxBuilderRows)
            {
                break;
            }
            html.Append("<tr><th scope=\"row\">").Link("/builder/", builder.Name, builder.Name)
                .Append("</th><td><span class=\"o o-online\"><span aria-hidden=\"true\">\u25CF</span> online</span></td><td>").Text(builder.Address)
                .Append("</td><td class=\"uname\">").Text(UnameText(builder.Uname)).Append("</td><td>").Text(builder.Runtime)
                .Append("</td><td>").Text(builder.Scripts.Length == 0 ? "none" : string.Join(", ", builder.Scripts)).Append("</td><td>");
            Running(running, builder, html);
            html.Append("</td></tr>");
        }
        foreach (var last in offline)
        {
            var name = last.Builder;
            if (rows++ >= MaxBuilderRows)
            {
                break;
            }
            html.Append("<tr class=\"offline\"><th scope=\"row\">").Link("/builder/", name, name)
                .Append("</th><td><span class=\"o o-offline\"><span aria-hidden=\"true\">\u25CB</span> offline</span></td><td>").Text(last.Address ?? "")
                .Append("</td><td class=\"uname\">").Text(UnameText(last.Uname)).Append("</td><td>").Text(last.Runtime)
                .Append("</td><td></td><td>last result ").Time(last.Finished).Append("</td></tr>");
        }
        if (rows == 0)
        {
            html.Append("<tr><td colspan=\"7\" class=\"empty\">No builder has connected yet.</td></tr>");
        }
        html.Append("</tbody></table></div>");
        if (rows > MaxBuilderRows)
        {
            html.Append("<p class=\"note\">Only the first ").Append(MaxBuilderRows).Append(" builders are listed; /api/status has them all.</p>");
        }
        html.Append("</section>");
    }

    internal static void Running(Dictionary<string, Store.SuggestedBuild> running, BuilderStatus builder, StringBuilder html)
    {
        var first = true;
        foreach (var id in builder.Running)
        {
            html.Append(first ? "" : ", ");
            first = false;
            html.Append("<span class=\"o o-running\"><span aria-hidden=\"true\">\u25B6</span> ");
            if (running.TryGetValue(id, out var build))
            {
                html.Link("/build/", id, $"{build.Project} {build.Revision}");
            }
            else
            {
                html.Link("/build/", id, id);
            }
            html.Append("</span>");
        }
        if (first)
        {
            html.Append("<span class=\"idle\">idle</span>");
        }
    }

    private static void Recent(List<BuildView> recent, StringBuilder html)
    {
        html.Append("<section><h2>Recent builds</h2><div class=\"scroll\"><table class=\"list\"><thead><tr><th scope=\"col\">When</th>")
            .Append("<th scope=\"col\">Project</th><th scope=\"col\">Revision</th><th scope=\"col\">Results</th><th scope=\"col\">Longest</th>")
            .Append("<th scope=\"col\">Build id</th></tr></thead><tbody>");
        var any = false;
        foreach (var build in recent)
        {
            any = true;
            html.Append("<tr><td>").Time(build.Time).Append("</td><td>").Link("/project/", build.Project, build.Project).Append("</td><td>")
                .Link("/build/", build.Id, build.Revision, "rev").Append("</td><td>").Counts(build).Append("</td><td>")
                .Append(build.ResultCount == 0 ? "" : Html.Duration(build.LongestMs)).Append("</td><td><code>").Text(build.Id).Append("</code></td></tr>");
        }
        if (!any)
        {
            html.Append("<tr><td colspan=\"6\" class=\"empty\">No builds yet.</td></tr>");
        }
        html.Append("</tbody></table></div></section>");
    }

    public static string UnameText(Uname? uname) =>
        uname is null ? "" : $"{uname.Sysname} {uname.Nodename} {uname.Release} {uname.Version} {uname.Machine}";
}
