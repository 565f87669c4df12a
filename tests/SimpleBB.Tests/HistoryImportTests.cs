using System.Text.Json;
using Microsoft.Data.Sqlite;
using SimpleBB.Protocol;
using SimpleBB.Store;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>The results kept before the store (journal and older history files) are imported once, without doubles.</summary>
public sealed class HistoryImportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private string Journal => _dir.File("history.jsonl");

    private static RecordedResult Entry(string id, string outcome = "SUCCESS", int exitCode = 0, string builder = "b1") => new()
    {
        Id = id, Project = "foo", Revision = "main", Builder = builder, Outcome = outcome, ExitCode = exitCode, DurationMs = 12,
        Uname = new Uname { Sysname = "Linux", Nodename = "h", Release = "6.1", Version = "#1", Machine = "x86_64" },
        Runtime = ".NET 10.0.12", ScriptSha256 = new string('b', 64),
        Finished = DateTimeOffset.Parse("2026-12-01T10:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture),
        Address = "127.0.0.1:5000", Output = "out " + id + "\n",
    };

    [Fact]
    public void A_journal_in_the_format_of_version_0_2_is_imported_once_from_both_parts_and_renamed()
    {
        // Version 0.2's journal as its ResultJournal wrote it: a header, each entry followed by its derived and hooked
        // markers, rotated into an older part (.1) and the current file.
        string Part(int from, int to) => string.Join("\n", new[] { "{\"journal\":\"simplebb-results\",\"version\":1}", "{\"hooked\":\"*\"}" }
            .Concat(Enumerable.Range(from, to - from + 1).SelectMany(i => new[]
            {
                Line(Entry($"a-{i}", i % 3 == 0 ? "FAILED 2" : "SUCCESS", i % 3 == 0 ? 2 : 0)), "{\"derived\":true}", "{\"hooked\":\"*\"}",
            }))) + "\n";
        File.WriteAllText(Journal + ".1", Part(1, 30));
        File.WriteAllText(Journal, Part(31, 40));
        var firstInOlderPart = HistoryImport.Parse(File.ReadLines(Journal + ".1").First(l => l.Contains("\"id\"")))!.BuildId;
        using var store = ResultStore.Open(_dir.File("simplebb.db"));

        var count = HistoryImport.ImportOnce(store, Journal);

        var stored = store.ResultsAfter(0, 1000);
        Assert.Equal(stored.Count, count.Imported);
        Assert.True(count.Skipped > 0, "header and marker lines are skipped");
        Assert.Equal(firstInOlderPart, stored[0].BuildId);
        Assert.Equal(stored.Select(r => r.BuildId).Distinct().Count(), stored.Count);
        Assert.Equal("a-40", stored[^1].BuildId);
        var failed = Assert.Single(store.ResultsOfBuild("a-39"));
        Assert.Equal((OutcomeKind.Failed, 2, "out a-39\n"), (failed.Kind, failed.ExitCode, failed.Output));
        Assert.False(File.Exists(Journal));
        Assert.True(File.Exists(Journal + ".imported"));
        Assert.True(File.Exists(Journal + ".1.imported"));
        Assert.Equal(new ImportCount(), HistoryImport.ImportOnce(store, Journal));
    }

    [Fact]
    public void Importing_again_after_a_crash_before_the_rename_adds_nothing()
    {
        File.WriteAllLines(Journal, [Line(Entry("a-1")), Line(Entry("a-2"))]);
        File.Copy(Journal, _dir.File("copy"));
        using var store = ResultStore.Open(_dir.File("simplebb.db"));
        HistoryImport.ImportOnce(store, Journal);
        File.Copy(_dir.File("copy"), Journal); // as if the server died after the commit, before renaming

        var again = HistoryImport.ImportOnce(store, Journal);

        Assert.Equal(new ImportCount { AlreadyStored = 2 }, again);
        Assert.Equal(2, store.LastSeq());
    }

    [Fact]
    public void An_older_history_file_without_header_is_imported_and_a_torn_last_line_skipped()
    {
        var torn = Line(Entry("h-4"))[..40];
        File.WriteAllText(Journal, string.Join('\n',
            Line(Entry("h-1")), Line(Entry("h-2", "N/A", -1)), Line(Entry("h-3", "TIMEOUT", -1, "b2")), torn));
        using var store = ResultStore.Open(_dir.File("simplebb.db"));

        var count = HistoryImport.ImportOnce(store, Journal);

        Assert.Equal(new ImportCount { Imported = 3, Skipped = 1 }, count);
        Assert.Equal([OutcomeKind.Success, OutcomeKind.NotApplicable, OutcomeKind.Timeout], store.ResultsAfter(0, 10).Select(r => r.Kind));
    }

    [Theory]
    [InlineData("SUCCESS", OutcomeKind.Success)]
    [InlineData("FAILED 3", OutcomeKind.Failed)]
    [InlineData("FAILED -9", OutcomeKind.Failed)]
    [InlineData("TIMEOUT", OutcomeKind.Timeout)]
    [InlineData("N/A", OutcomeKind.NotApplicable)]
    [InlineData("CANCELLED", OutcomeKind.Cancelled)]
    [InlineData("INTERRUPTED", OutcomeKind.Interrupted)]
    [InlineData("FAILEDX", null)]
    [InlineData("exploded", null)]
    public void Every_outcome_word_the_files_used_maps_to_its_kind(string outcome, OutcomeKind? kind) =>
        Assert.Equal(kind, HistoryImport.KindOf(outcome));

    private static string Line(RecordedResult entry) => JsonSerializer.Serialize(entry, ProtocolJsonContext.Default.RecordedResult);
}
