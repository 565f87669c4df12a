using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Web;

/// <summary>
/// The JSON endpoints. /api/status is byte for byte what <c>simplebb-status --json</c> prints first (the protocol's
/// snapshot); the others use the same result and builder shapes (docs/protocol.md, "Web dashboard API").
/// </summary>
internal sealed class Api(Func<DashboardState?> state, RecentBuilds recent)
{
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
            var farm = Farm.Read(s, recent);
            return TypedResults.Json(farm.Projects.Select(p => Summary(s, p.Value[0])).ToArray(), WebJsonContext.Default.ProjectSummaryArray);
        }));
        app.MapGet("/api/projects/{project}", (string project) => With(s =>
            Json([.. s.Snapshot().Results.Where(r => r.Project == project).OrderByDescending(r => r.Finished)])));
        app.MapGet("/api/projects/{project}/latest", (string project) => With(s =>
        {
            var farm = Farm.Read(s, recent);
            return farm.Projects.TryGetValue(project, out var builds)
                ? TypedResults.Json(Summary(s, builds[0]), WebJsonContext.Default.ProjectSummary)
                : TypedResults.NotFound();
        }));
        app.MapGet("/api/builds/{id}", (string id) => With(s =>
        {
            var results = s.Snapshot().Results.Where(r => r.Id == id).OrderBy(r => r.Builder, StringComparer.Ordinal).ToArray();
            return results.Length == 0 ? TypedResults.NotFound() : Json(results);
        }));
        app.MapGet("/api/builders/{name}", (string name) => With(s =>
        {
            var farm = Farm.Read(s, recent);
            var online = farm.Online.GetValueOrDefault(name);
            var results = BuilderPage.Results(farm, name);
            return online is null && results.Length == 0
                ? TypedResults.NotFound()
                : TypedResults.Json(new BuilderReport { Name = name, Online = online is not null, Builder = online, Results = results }, WebJsonContext.Default.BuilderReport);
        }));
        app.MapGet("/api/builders/{name}/latest", (string name) => With(s =>
        {
            var farm = Farm.Read(s, recent);
            return BuilderPage.Results(farm, name) is [var newest, ..] ? Json([newest]) : TypedResults.NotFound();
        }));
    }

    private static IResult Json(ResultStatus[] results) => TypedResults.Json(results, WebJsonContext.Default.ResultStatusArray);

    private static ProjectSummary Summary(DashboardState s, BuildView build) => new()
    {
        Project = build.Project,
        Id = build.Id,
        Revision = build.Revision,
        State = build.Summary(),
        MachineSpecific = s.MachineSpecific(build.Project, build.Revision),
        Results = [.. build.Results.Values.OrderBy(r => r.Builder, StringComparer.Ordinal)],
    };

    private IResult With(Func<DashboardState, IResult> answer) =>
        state() is { } s ? answer(s) : TypedResults.Problem("The server is starting", statusCode: StatusCodes.Status503ServiceUnavailable);
}
