using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Server;
using SimpleBB.Store;

namespace SimpleBB.IntegrationTests;

/// <summary>The page and the API read the results store: every build keeps its page, and history pages back to the first build.</summary>
public sealed class WebHistoryTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_build_keeps_its_own_results_when_the_same_revision_is_built_again()
    {
        var marker = Path.Combine(_dir.Path, "broken");
        File.WriteAllText(marker, "");
        _dir.Script("scripts", "bar", $"if [ -e {marker} ]; then echo broken; exit 3; fi; echo fine");
        await using var web = await WebFixture.StartAsync(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, web.Server.Port, "alpha", _dir["scripts"]);
        await web.Server.WaitForBuildersAsync(1);
        var (first, _) = web.Server.Server.DispatchForTest("bar", "main");
        await web.Server.WaitForLogAsync("FAILED 3 bar/main on alpha");
        File.Delete(marker);
        var (second, _) = web.Server.Server.DispatchForTest("bar", "main");
        await web.Server.WaitForLogAsync("SUCCESS bar/main on alpha");

        var firstPage = await web.GetStringAsync("/build/" + first);
        Assert.Contains("FAIL 3", firstPage, StringComparison.Ordinal);
        Assert.DoesNotContain("PASS", firstPage, StringComparison.Ordinal);
        var firstJson = await web.GetStringAsync("/api/builds/" + first);
        Assert.Contains("\"outcome\":\"FAILED 3\"", firstJson, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"SUCCESS\"", await web.GetStringAsync("/api/builds/" + second), StringComparison.Ordinal);
        // The project page has both builds, each with its own result.
        var project = await web.GetStringAsync("/project/bar");
        Assert.Contains(first, project, StringComparison.Ordinal);
        Assert.Contains(second, project, StringComparison.Ordinal);
        Assert.DoesNotContain("no result", project, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_that_reached_no_builder_says_so_and_is_never_running()
    {
        await using var web = await WebFixture.StartAsync(_dir.Path);
        var (id, builders) = web.Server.Server.DispatchForTest("lonely", "main");
        Assert.Equal(0, builders);

        // Shown from the moment it is suggested (before and after the store has it).
        var page = await web.GetStringAsync("/build/" + id);
        Assert.Contains("reached no builder", page, StringComparison.Ordinal);
        Assert.DoesNotContain("running", page, StringComparison.Ordinal);
        Assert.Contains("no builder", await web.GetStringAsync("/badge/lonely.svg"), StringComparison.Ordinal);
        Assert.Equal("[]", await web.GetStringAsync("/api/builds/" + id));
        Assert.Contains("reached no builder", await web.GetStringAsync("/project/lonely"), StringComparison.Ordinal);
        // It is stored, not only in memory: a restarted server still knows it.
        await Eventually.TrueAsync(() => StoreBuilders(id) == 0, "the build stored with 0 builders");
    }

    [Fact]
    public async Task Unknown_build_project_and_builder_pages_answer_404_with_a_page_that_says_so()
    {
        await using var web = await WebFixture.StartAsync(_dir.Path);
        foreach (var (path, says) in new[] { ("/build/nope-1", "No build with this id"), ("/project/nothing", "No build of this project"), ("/builder/nobody", "not connected") })
        {
            using var response = await web.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains(says, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        foreach (var bad in new[] { "/project/foo?before=x", "/project/foo?before=-3", "/builder/b?before=1&before=2", "/api/projects/foo?before=0" })
        {
            using var response = await web.Http.GetAsync(bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_project_with_100000_results_pages_back_to_its_first_build()
    {
        const int builds = 10_000;
        const int builders = 10;
        var store = Path.Combine(_dir.Path, "simplebb.db");
        Fill(store, "big", builds, builders);
        await using var web = await WebFixture.StartAsync(_dir.Path);

        // The API, following its Link headers: every result, each once, newest first.
        var seen = new HashSet<(string, string)>();
        string? url = "/api/projects/big";
        var pages = 0;
        DateTimeOffset? previous = null;
        while (url is not null)
        {
            using var response = await web.Http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            foreach (var result in JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.EnumerateArray())
            {
                Assert.True(seen.Add((result.GetProperty("id").GetString()!, result.GetProperty("builder").GetString()!)));
                var finished = result.GetProperty("finished").GetDateTimeOffset();
                Assert.True(previous is null || finished <= previous, "newest first");
                previous = finished;
            }
            url = response.Headers.TryGetValues("Link", out var links) ? Regex.Match(links.Single(), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value : null;
            pages++;
        }
        Assert.Equal(builds * builders, seen.Count);
        Assert.Equal(builds / 50, pages);
        Assert.Contains(("big-1", "b0"), seen);

        // The page: the newest build first, an "older builds" link, and the last page holds the first build.
        var first = await web.GetStringAsync("/project/big");
        Assert.Contains("big-" + builds, first, StringComparison.Ordinal);
        var older = Regex.Match(first, "rel=\"next\" href=\"/project/big\\?before=(\\d+)\"");
        Assert.True(older.Success, "an older-builds link");
        var last = await web.GetStringAsync("/project/big?before=51");
        Assert.Contains("<code>big-1</code>", last, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"next\"", last, StringComparison.Ordinal);

        // A builder's history pages the same way, 100 results a page.
        var builder = await web.GetStringAsync("/builder/b3");
        Assert.Contains("offline", builder, StringComparison.Ordinal);
        Assert.Matches("rel=\"next\" href=\"/builder/b3\\?before=\\d+\"", builder);
    }

    /// <summary>A store with <paramref name="builds"/> builds of one project (ids project-1 …), each with a result from every builder.</summary>
    private static void Fill(string path, string project, int builds, int builders)
    {
        using var store = ResultStore.Open(path);
        var start = DateTimeOffset.UtcNow.AddDays(-builds / 100.0);
        var batch = new List<StoredResult>();
        for (var b = 1; b <= builds; b++)
        {
            var when = start.AddMinutes(b * 14.4);
            store.AddBuild(new SuggestedBuild { Id = $"{project}-{b}", Project = project, Revision = "r" + b, Suggested = when, Builders = builders });
            for (var i = 0; i < builders; i++)
            {
                batch.Add(new StoredResult
                {
                    BuildId = $"{project}-{b}", Builder = "b" + i, Project = project, Revision = "r" + b,
                    Kind = (b + i) % 7 == 0 ? OutcomeKind.Failed : OutcomeKind.Success, ExitCode = (b + i) % 7 == 0 ? 1 : 0, DurationMs = 1000 + i,
                    Uname = new Uname { Sysname = "Linux", Nodename = "b" + i, Release = "6.1", Version = "#1", Machine = "x86_64" },
                    Runtime = ".NET 10", Finished = when.AddSeconds(1 + i), Output = "ok",
                });
            }
            if (batch.Count >= 5_000)
            {
                store.Append(batch);
                batch.Clear();
            }
        }
        store.Append(batch);
        // Every projection has applied everything: the server starts with nothing to catch up.
        var last = store.LastSeq();
        store.SetCursors([(ResultRecorder.ServerLogCursor, last), (ResultRecorder.OutputFilesCursor, last), (ResultRecorder.HooksCursor, last)]);
    }

    private long? StoreBuilders(string id)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir.Path, "simplebb.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT builders FROM builds WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() as long?;
    }
}
