using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>
/// The JSON endpoints. /api/status is byte for byte what <c>simplebb-status --json</c> prints first (the protocol's
/// snapshot); the others read the results store and use the same result and builder shapes (docs/protocol.md, "Web
/// dashboard API"). Lists come a page at a time, newest first; a <c>Link: &lt;…?before=N&gt;; rel="next"</c> header
/// names the next older page while there is one.
/// </summary>
internal sealed class Api(Func<DashboardState?> state)
{
    /// <summary>Projects /api/projects lists (by name).</summary>
    private const int MaxProjects = 1000;

    public void Map(WebApplication app)
    {
        app.MapGet("/api/status", (HttpContext context) => With(s =>
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            var json = s.SnapshotJson();
            WebDashboard.ServerTiming(context, start);
            return TypedResults.Bytes(json, "application/json; charset=utf-8");
        }));
        app.MapGet("/api/projects", () => With(s =>
        {
            var farm = Farm.Read(s);
            return TypedResults.Json(farm.Views(farm.History.LatestBuildPerProject(MaxProjects)).Select(Summary).ToArray(),
                WebJsonContext.Default.ProjectSummaryArray);
        }));
        app.MapGet("/api/projects/{project}", (string project, HttpContext context) => With(s =>
        {
            if (!WebDashboard.TryBefore(context, out var before))
            {
                return WebDashboard.BadBefore();
            }
            var farm = Farm.Read(s);
            var stored = farm.History.BuildsOfProject(project, before, ProjectPage.PageSize + 1);
            var builds = farm.Views([.. stored.Take(ProjectPage.PageSize)]);
            if (stored.Count > ProjectPage.PageSize)
            {
                Next(context, "/api/projects/" + Html.Url(project), builds[^1].Build.Seq);
            }
            return Json([.. builds.SelectMany(b => b.Results.Values).OrderByDescending(r => r.Finished)]);
        }));
        app.MapGet("/api/projects/{project}/latest", (string project) => With(s =>
        {
            var farm = Farm.Read(s);
            return farm.History.BuildsOfProject(project, null, 1) is [var latest]
                ? TypedResults.Json(Summary(farm.Views([latest])[0]), WebJsonContext.Default.ProjectSummary)
                : TypedResults.NotFound();
        }));
        app.MapGet("/api/builds/{id}", (string id) => With(s =>
            Farm.Read(s).View(id) is { } build
                ? Json([.. build.Results.Values.OrderBy(r => r.Builder, StringComparer.Ordinal)])
                : TypedResults.NotFound()));
        app.MapGet("/api/builders/{name}", (string name, HttpContext context) => With(s =>
        {
            if (!WebDashboard.TryBefore(context, out var before))
            {
                return WebDashboard.BadBefore();
            }
            var farm = Farm.Read(s);
            var online = farm.Online.GetValueOrDefault(name);
            var (results, older) = BuilderPage.Results(farm, name, before);
            if (older is { } seq)
            {
                Next(context, "/api/builders/" + Html.Url(name), seq);
            }
            return online is null && results.Count == 0 && before is null
                ? TypedResults.NotFound()
                : TypedResults.Json(new BuilderReport
                {
                    Name = name, Online = online is not null, Builder = online, Results = [.. results.Select(r => r.ToStatus(withOutput: false))],
                }, WebJsonContext.Default.BuilderReport);
        }));
        app.MapGet("/api/builders/{name}/latest", (string name) => With(s =>
            Farm.Read(s).History.ResultsOfBuilder(name, null, 1) is [var newest] ? Json([newest.ToStatus(withOutput: false)]) : TypedResults.NotFound()));
    }

    private static void Next(HttpContext context, string path, long before) =>
        context.Response.Headers.Link = "<" + path + "?before=" + before.ToString(System.Globalization.CultureInfo.InvariantCulture) + ">; rel=\"next\"";

    private static IResult Json(RecordedResult[] results) => TypedResults.Json(results, WebJsonContext.Default.RecordedResultArray);

    private static ProjectSummary Summary(BuildView build) => new()
    {
        Project = build.Project,
        Id = build.Id,
        Revision = build.Revision,
        State = build.Summary(),
        MachineSpecific = build.MachineSpecific(),
        Results = [.. build.Results.Values.OrderBy(r => r.Builder, StringComparer.Ordinal)],
    };

    private IResult With(Func<DashboardState, IResult> answer) =>
        state() is { } s ? answer(s) : TypedResults.Problem("The server is starting", statusCode: StatusCodes.Status503ServiceUnavailable);
}
