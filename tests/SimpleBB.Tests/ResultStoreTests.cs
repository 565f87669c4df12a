using Microsoft.Data.Sqlite;
using SimpleBB.Protocol;
using SimpleBB.Store;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>The results store on a real SQLite file: every build and result kept, resends recognised, batches whole.</summary>
public sealed class ResultStoreTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private string DbPath => _dir.File("simplebb.db");

    private static StoredResult Result(string id, string builder = "b1", string project = "foo", string revision = "main",
        OutcomeKind kind = OutcomeKind.Success, int exitCode = 0) => new()
    {
        BuildId = id, Builder = builder, Project = project, Revision = revision, Kind = kind, ExitCode = exitCode,
        DurationMs = 1234, Uname = new Uname { Sysname = "Linux", Nodename = "arm1", Release = "6.1.0", Version = "#1 SMP", Machine = "aarch64" },
        Runtime = ".NET 10.0.12", ScriptSha256 = new string('a', 64), Finished = Noon, Address = "192.0.2.7:41000",
        Output = "line 1\nline 2 <b>&amp;</b>\n",
    };

    private static SuggestedBuild Build(string id, string project = "foo", string revision = "main", int builders = 3) => new()
    {
        Id = id, Project = project, Revision = revision, Suggested = Noon, SuggestedBy = "127.0.0.1:5000", Builders = builders,
    };

    [Fact]
    public void An_appended_result_is_read_back_with_every_field_and_a_sequence_number()
    {
        using var store = ResultStore.Open(DbPath);
        var written = Result("x-1", kind: OutcomeKind.Failed, exitCode: 3);

        Assert.Equal([1L], store.Append([written]));

        var read = Assert.Single(store.ResultsOfBuild("x-1"));
        Assert.Equal(written with { Seq = 1 }, read);
        Assert.Equal(1, store.LastSeq());
    }

    [Fact]
    public void A_resend_of_a_recorded_result_is_recognised_and_stored_once_even_after_a_restart()
    {
        using (var store = ResultStore.Open(DbPath))
        {
            store.Append([Result("x-1", "b1"), Result("x-1", "b2")]);
        }
        using var reopened = ResultStore.Open(DbPath);

        var seqs = reopened.Append([Result("x-2"), Result("x-1", "b2", kind: OutcomeKind.Failed, exitCode: 1)]);

        Assert.Equal([3L, null], seqs);
        Assert.Equal([OutcomeKind.Success, OutcomeKind.Success], reopened.ResultsOfBuild("x-1").Select(r => r.Kind));
    }

    [Fact]
    public void A_resend_is_recognised_after_a_million_other_results()
    {
        using var store = ResultStore.Open(DbPath);
        store.Append([Result("old-1", "b7")]);
        // A million more, written in one statement (appending them one by one would take the test a minute).
        using (var raw = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            raw.Open();
            using var fill = raw.CreateCommand();
            fill.CommandText = """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
                INSERT INTO results (build_id, builder, project, revision, kind, exit_code, duration_ms, sysname, nodename,
                    release, version, machine, runtime, finished, output)
                SELECT 'n-' || (i / 10), 'b' || (i % 10), 'foo', 'main', 'success', 0, 1, 'Linux', 'h', '6.1', '#1',
                    'x86_64', '.NET 10', 0, '' FROM n
                """;
            fill.ExecuteNonQuery();
        }

        Assert.Equal([null], store.Append([Result("old-1", "b7")]));
        Assert.Equal(1_000_001, store.LastSeq());
    }

    [Fact]
    public void A_batch_is_stored_whole_or_not_at_all_and_the_store_stays_usable()
    {
        using var store = ResultStore.Open(DbPath);
        store.Append([Result("x-1")]);
        var broken = Result("x-3") with { Kind = (OutcomeKind)99 }; // fails after the batch's first row is written

        Assert.Throws<ArgumentOutOfRangeException>(() => store.Append([Result("x-2"), broken, Result("x-4")]));

        Assert.Empty(store.ResultsOfBuild("x-2"));
        Assert.Equal(1, store.LastSeq());
        Assert.Equal([2L], store.Append([Result("x-2")])); // the rolled-back number was never committed, so never seen
    }

    [Fact]
    public void Each_projection_keeps_its_own_cursor_across_restarts()
    {
        using (var store = ResultStore.Open(DbPath))
        {
            store.Append(Enumerable.Range(1, 5).Select(i => Result($"x-{i}")).ToList());
            Assert.Equal(0, store.Cursor("server.log"));
            store.SetCursor("server.log", 4);
            store.SetCursor("hooks", 2);
        }
        using var reopened = ResultStore.Open(DbPath);

        Assert.Equal(4, reopened.Cursor("server.log"));
        Assert.Equal(2, reopened.Cursor("hooks"));
        Assert.Equal(["x-5"], reopened.ResultsAfter(reopened.Cursor("server.log"), 100).Select(r => r.BuildId));
        Assert.Equal(["x-3", "x-4"], reopened.ResultsAfter(reopened.Cursor("hooks"), 2).Select(r => r.BuildId));
    }

    [Fact]
    public void A_build_exists_before_its_first_result_and_one_that_reached_no_builder_says_so()
    {
        using var store = ResultStore.Open(DbPath);

        Assert.Equal(1L, store.AddBuild(Build("x-1", builders: 0)));
        Assert.Null(store.AddBuild(Build("x-1", builders: 5)));

        var build = store.Build("x-1");
        Assert.Equal(Build("x-1", builders: 0) with { Seq = 1 }, build);
        Assert.Empty(store.ResultsOfBuild("x-1"));
        Assert.Null(store.Build("never-suggested"));
    }

    [Fact]
    public void Building_a_revision_again_keeps_the_first_builds_own_results()
    {
        using var store = ResultStore.Open(DbPath);
        store.AddBuild(Build("x-1", project: "bar"));
        store.Append([Result("x-1", project: "bar", kind: OutcomeKind.Failed, exitCode: 2)]);
        store.AddBuild(Build("x-2", project: "bar"));
        store.Append([Result("x-2", project: "bar")]);

        Assert.Equal(OutcomeKind.Failed, Assert.Single(store.ResultsOfBuild("x-1")).Kind);
        Assert.Equal(OutcomeKind.Success, Assert.Single(store.ResultsOfBuild("x-2")).Kind);
        Assert.Equal(["x-2", "x-1"], store.ResultsOfRevision("bar", "main", 10).Select(r => r.BuildId));
    }

    [Fact]
    public void A_projects_builds_page_back_newest_first_to_the_first_build()
    {
        using var store = ResultStore.Open(DbPath);
        for (var i = 1; i <= 7; i++)
        {
            store.AddBuild(Build($"x-{i}"));
            store.AddBuild(Build($"other-{i}", project: "other"));
        }

        var pages = new List<string[]>();
        long? before = null;
        while (store.BuildsOfProject("foo", before, 3) is { Count: > 0 } page)
        {
            pages.Add(page.Select(b => b.Id).ToArray());
            before = page[^1].Seq;
        }

        Assert.Equal([["x-7", "x-6", "x-5"], ["x-4", "x-3", "x-2"], ["x-1"]], pages);
    }

    [Fact]
    public void The_latest_result_of_each_builder_and_a_builders_history_are_answered()
    {
        using var store = ResultStore.Open(DbPath);
        store.Append([Result("x-1", "b1"), Result("x-1", "b2"), Result("x-2", "b1", kind: OutcomeKind.Timeout, exitCode: -1)]);
        store.Append([Result("y-1", "b1", project: "other")]);

        Assert.Equal([("b1", "x-2"), ("b2", "x-1")], store.LatestPerBuilder("foo").Select(r => (r.Builder, r.BuildId)));
        Assert.Equal(["y-1", "x-2", "x-1"], store.ResultsOfBuilder("b1", null, 10).Select(r => r.BuildId));
        Assert.Equal(["x-1"], store.ResultsOfBuilder("b1", 3, 10).Select(r => r.BuildId));
    }

    [Fact]
    public void A_result_whose_suggestion_was_never_stored_gets_its_build_and_a_later_suggestion_fills_it_in()
    {
        using var store = ResultStore.Open(DbPath);
        store.Append([Result("x-1", "b1"), Result("x-1", "b2")]);

        var guessed = store.Build("x-1");
        Assert.NotNull(guessed);
        Assert.Equal(ResultStore.UnknownBuilders, guessed.Builders);
        Assert.Equal(Noon.AddMilliseconds(-1234), guessed.Suggested);
        Assert.Equal(["x-1"], store.BuildsOfProject("foo", null, 10).Select(b => b.Id));

        Assert.Equal(guessed.Seq, store.AddBuild(Build("x-1", builders: 2)));
        var filled = store.Build("x-1")!;
        Assert.Equal((2, "127.0.0.1:5000", guessed.Seq), (filled.Builders, filled.SuggestedBy, filled.Seq));
        Assert.Null(store.AddBuild(Build("x-1", builders: 7)));
        Assert.Equal(2, store.Build("x-1")!.Builders);
    }

    [Fact]
    public void Each_projects_newest_build_and_each_builders_newest_result_are_found_by_skipping_through_the_indexes()
    {
        using var store = ResultStore.Open(DbPath);
        store.AddBuilds([Build("a-1", "alpha"), Build("b-1", "beta"), Build("a-2", "alpha"), Build("c-1", "gamma", builders: 0)]);
        store.Append([Result("a-1", "b1", "alpha"), Result("a-2", "b2", "alpha"), Result("b-1", "b1", "beta"), Result("a-2", "b1", "alpha")]);

        Assert.Equal(["a-2", "b-1", "c-1"], store.LatestBuildPerProject(10).Select(b => b.Id));
        Assert.Equal(["a-2", "b-1"], store.LatestBuildPerProject(2).Select(b => b.Id));
        Assert.Equal([("b1", "a-2"), ("b2", "a-2")], store.LatestResultPerBuilder(10).Select(r => (r.Builder, r.BuildId)));
        Assert.Equal(["c-1", "a-2", "b-1"], store.NewestBuilds(3).Select(b => b.Id));
        Assert.Equal(["c-1", "a-1"], store.BuildsWithIds(["a-1", "c-1", "nope"]).Select(b => b.Id));
        Assert.Equal([("a-1", "b1"), ("a-2", "b2"), ("a-2", "b1")], store.ResultsOfBuilds(["a-1", "a-2"]).Select(r => (r.BuildId, r.Builder)));
        Assert.Empty(store.ResultsOfBuilds([]));
        Assert.All(store.ResultsOfBuilds(["a-1"]), r => Assert.Equal("", r.Output));
    }

    [Fact]
    public void A_builds_results_are_counted_without_being_read_and_a_few_builders_cells_are_read_alone()
    {
        using var store = ResultStore.Open(DbPath);
        store.Append([Result("a-1", "b1"), Result("a-1", "b2", kind: OutcomeKind.Failed, exitCode: 2), Result("a-1", "b3", kind: OutcomeKind.Timeout, exitCode: -1),
            Result("a-1", "b4", kind: OutcomeKind.NotApplicable, exitCode: -1), Result("b-1", "b1"), Result("b-1", "b2")]);

        var tallies = store.Tallies(["a-1", "b-1", "none"]).ToDictionary(t => t.BuildId);
        Assert.Equal((1, 2, 1, 4), (tallies["a-1"].Passed, tallies["a-1"].Failed, tallies["a-1"].Other, tallies["a-1"].Total));
        Assert.Equal((2, 0, 0), (tallies["b-1"].Passed, tallies["b-1"].Failed, tallies["b-1"].Other));
        Assert.False(tallies.ContainsKey("none"));
        Assert.Equal([("a-1", "b2"), ("b-1", "b2")], store.ResultsOfBuildsOn(["a-1", "b-1"], ["b2", "b9"]).Select(r => (r.BuildId, r.Builder)));
        Assert.Equal(["b2", "b3", "b4"], store.BuildersNotPassing(["a-1", "b-1"], 10));
        Assert.Equal(["b2"], store.BuildersNotPassing(["a-1"], 1));
    }

    [Fact]
    public void A_projects_last_results_come_newest_first_alone_or_on_one_builder_and_page_back()
    {
        using var store = ResultStore.Open(DbPath);
        store.Append([Result("x-1", "b1"), Result("x-1", "b2"), Result("y-1", "b1", project: "bar")]);
        store.Append([Result("x-2", "b2"), Result("x-2", "b1"), Result("y-2", "b2", project: "bar")]);

        Assert.Equal([("x-2", "b1"), ("x-2", "b2"), ("x-1", "b2"), ("x-1", "b1")],
            store.ResultsOfProject("foo", null, null, 10).Select(r => (r.BuildId, r.Builder)));
        Assert.Equal(["x-2", "x-1"], store.ResultsOfProject("foo", "b2", null, 10).Select(r => r.BuildId));
        Assert.Equal([("x-2", "b2"), ("x-1", "b2")], store.ResultsOfProject("foo", null, 5, 2).Select(r => (r.BuildId, r.Builder)));
        Assert.Empty(store.ResultsOfProject("nothing", null, null, 10));
        Assert.Equal("line 1\nline 2 <b>&amp;</b>\n", store.ResultsOfProject("foo", null, null, 1).Single().Output);
    }

    [Fact]
    public void The_newest_results_of_a_project_a_builder_both_or_any_are_read_without_their_output()
    {
        using var store = ResultStore.Open(DbPath);
        store.Append([Result("x-1", "b1"), Result("x-1", "b2"), Result("y-1", "b1", project: "bar"), Result("y-1", "b2", project: "bar")]);
        store.Append([Result("x-2", "b2"), Result("y-2", "b1", project: "bar")]);

        Assert.Equal([6L, 5L, 4L], store.NewestMatching(null, null, 3).Select(r => r.Seq));
        Assert.Equal([5L, 2L], store.NewestMatching("foo", "b2", 20).Select(r => r.Seq));
        Assert.Equal([5L, 2L, 1L], store.NewestMatching("foo", null, 20).Select(r => r.Seq));
        Assert.Equal([6L, 3L], store.NewestMatching(null, "b1", 2).Select(r => r.Seq));
        Assert.Empty(store.NewestMatching("bar", "b9", 20));
        Assert.All(store.NewestMatching("foo", null, 20), r => Assert.Equal("", r.Output));
    }

    [Fact]
    public void A_store_made_before_the_project_index_gets_it_on_open_and_a_projects_newest_results_are_read_through_it_without_sorting()
    {
        using (var store = ResultStore.Open(DbPath))
        {
            store.Append([Result("x-1")]);
        }
        Sql("DROP INDEX results_by_project"); // as a store made before the index was added

        using var reopened = ResultStore.Open(DbPath);

        Assert.Equal("x-1", Assert.Single(reopened.ResultsOfProject("foo", null, null, 20)).BuildId);
        // The shape of the store's query: one index read in order, however many results the project has (without the
        // index, SQLite reads all of them through (project, builder, seq) and sorts them: a million rows, a million reads).
        var plan = Sql($"EXPLAIN QUERY PLAN SELECT * FROM results WHERE project = 'foo' AND seq < {long.MaxValue} ORDER BY seq DESC LIMIT 20");
        Assert.Contains("USING INDEX results_by_project (project=? AND seq<?)", plan);
        Assert.DoesNotContain("TEMP B-TREE", plan);
    }

    /// <summary>Runs <paramref name="sql"/> on a connection of its own; returns every row's last column, one per line.</summary>
    private string Sql(string sql)
    {
        using var raw = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetValue(reader.FieldCount - 1).ToString()!);
        }
        return string.Join('\n', rows);
    }

    [Fact]
    public void A_database_from_a_newer_version_is_refused_and_left_unchanged()
    {
        using (var raw = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<InvalidDataException>(() => ResultStore.Open(DbPath));

        Assert.Contains("schema 99", error.Message);
        using var check = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        check.Open();
        using var tables = check.CreateCommand();
        tables.CommandText = "SELECT count(*) FROM sqlite_master";
        Assert.Equal(0L, tables.ExecuteScalar());
    }

    [Fact]
    public void Every_outcome_kind_survives_the_round_trip_through_its_column_text()
    {
        foreach (var kind in Enum.GetValues<OutcomeKind>())
        {
            Assert.Equal(kind, OutcomeKinds.Parse(OutcomeKinds.ToText(kind)));
        }
        Assert.Throws<FormatException>(() => OutcomeKinds.Parse("exploded"));
    }
}
