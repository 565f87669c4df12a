using System.Text;
using System.Text.Json;
using SimpleBB.Protocol;
using SimpleBB.Server;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

public sealed class ResultJournalTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly DiskFaults _faults = new();

    public void Dispose() => _dir.Dispose();

    internal static ResultStatus Entry(string id, string builder = "b1", string output = "ok\n") => new()
    {
        Id = id, Project = "foo", Revision = "master", Builder = builder, Outcome = "SUCCESS", ExitCode = 0, DurationMs = 5,
        Uname = new Uname { Sysname = "Linux", Nodename = "n", Release = "6.1", Version = "#1", Machine = "x86_64" },
        Runtime = ".NET 10.0.12", Finished = DateTimeOffset.Parse("2026-12-01T10:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture),
        Address = "127.0.0.1:5000", Output = output,
    };

    private string PathOf => _dir.File("history.jsonl");

    private ResultJournal Journal(long maxBytes = 1 << 20, bool hooks = false) => new(PathOf, maxBytes, p => new FaultyFile(p, _faults), hooks);

    private static (List<ResultStatus> Entries, JournalScan Scan) Open(ResultJournal journal)
    {
        var entries = new List<ResultStatus>();
        var scan = journal.Open(entries.Add);
        return (entries, scan);
    }

    /// <summary>Every line of the file parses: the header, markers, or an entry.</summary>
    private void AssertEveryLineParses()
    {
        var text = File.ReadAllText(PathOf);
        Assert.EndsWith("\n", text);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            using var _ = JsonDocument.Parse(line);
        }
    }

    [Fact]
    public void Appended_entries_are_read_back_in_order_after_reopening()
    {
        using (var journal = Journal())
        {
            Open(journal);
            journal.Append([Entry("a-1"), Entry("a-2")]);
            journal.MarkDerived();
            journal.Append([Entry("a-3")]);
        }

        using var again = Journal();
        var (entries, scan) = Open(again);

        Assert.Equal(["a-1", "a-2", "a-3"], entries.Select(e => e.Id));
        Assert.Equal(Entry("a-1"), entries[0]);
        Assert.Equal(["a-3"], scan.Underived.Select(e => e.Id));
        AssertEveryLineParses();
    }

    [Fact]
    public void A_torn_last_line_is_cut_off_when_the_journal_is_opened()
    {
        using (var journal = Journal())
        {
            Open(journal);
            journal.Append([Entry("a-1")]);
            journal.MarkDerived();
        }
        File.AppendAllText(PathOf, "{\"id\":\"a-2\",\"proj");
        var before = new FileInfo(PathOf).Length;

        using var again = Journal();
        var (entries, scan) = Open(again);

        Assert.Equal(["a-1"], entries.Select(e => e.Id));
        Assert.Equal("{\"id\":\"a-2\",\"proj".Length, scan.TruncatedBytes);
        Assert.Equal(before - scan.TruncatedBytes, new FileInfo(PathOf).Length);
        Assert.Equal(0, scan.Unparseable);
        again.Append([Entry("a-3")]);
        AssertEveryLineParses();
    }

    [Fact]
    public void Disk_full_in_the_middle_of_an_append_leaves_whole_lines_only()
    {
        using var journal = Journal();
        Open(journal);
        journal.Append([Entry("a-1")]);
        var good = new FileInfo(PathOf).Length;
        _faults.FailAppendAt = 1;
        _faults.TornBytes = 40;

        Assert.Throws<IOException>(() => journal.Append([Entry("a-2"), Entry("a-3")]));

        Assert.Equal(good, new FileInfo(PathOf).Length);
        AssertEveryLineParses();
        journal.Append([Entry("a-2")]); // space came back: the resent result is written whole
        using var reader = Journal();
        Assert.Equal(["a-1", "a-2"], Open(reader).Entries.Select(e => e.Id));
    }

    [Fact]
    public void A_failed_sync_cuts_the_batch_back_so_it_is_written_again_whole()
    {
        using var journal = Journal();
        Open(journal);
        journal.Append([Entry("a-1")]);
        _faults.FailSyncAt = 1;

        Assert.Throws<IOException>(() => journal.Append([Entry("a-2")]));
        journal.Append([Entry("a-2")]);

        using var reader = Journal();
        Assert.Equal(["a-1", "a-2"], Open(reader).Entries.Select(e => e.Id));
        AssertEveryLineParses();
    }

    [Fact]
    public void Repair_fails_while_the_disk_is_full_and_succeeds_once_space_returns()
    {
        using var journal = Journal();
        Open(journal);
        journal.Append([Entry("a-1")]);
        _faults.Full = true;
        Assert.Throws<IOException>(() => journal.Append([Entry("a-2")]));
        Assert.Throws<IOException>(journal.Repair);

        _faults.Full = false;
        journal.Repair();
        journal.Append([Entry("a-2")]);

        using var reader = Journal();
        var (entries, scan) = Open(reader);
        Assert.Equal(["a-1", "a-2"], entries.Select(e => e.Id));
        Assert.Equal(["a-2"], scan.Underived.Select(e => e.Id));
        AssertEveryLineParses();
    }

    [Fact]
    public void A_history_file_from_an_older_version_counts_as_derived()
    {
        var old = Entry("old-1") with { Address = null };
        File.WriteAllText(PathOf, JsonSerializer.Serialize(old, ProtocolJsonContext.Default.ResultStatus) + "\n", new UTF8Encoding(false));

        using (var journal = Journal())
        {
            var (entries, scan) = Open(journal);
            Assert.Equal(["old-1"], entries.Select(e => e.Id));
            Assert.Empty(scan.Underived);
            journal.Append([Entry("a-1")]);
        }

        using var reader = Journal();
        Assert.Equal(["a-1"], Open(reader).Scan.Underived.Select(e => e.Id));
    }

    [Fact]
    public void A_full_journal_rotates_after_a_marker_and_both_parts_are_read()
    {
        var perEntry = JsonSerializer.SerializeToUtf8Bytes(Entry("a-1"), ProtocolJsonContext.Default.ResultStatus).Length + 1 + "{\"derived\":true}\n".Length;
        using (var journal = Journal(maxBytes: 4 * perEntry))
        {
            Open(journal);
            for (var i = 1; i <= 6; i++)
            {
                journal.Append([Entry($"a-{i}")]);
                journal.MarkDerived();
            }
        }

        Assert.True(File.Exists(PathOf + ".1"));
        using var reader = Journal();
        var (entries, scan) = Open(reader);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"a-{i}"), entries.Select(e => e.Id));
        Assert.Empty(scan.Underived);
    }

    [Fact]
    public void Lines_that_do_not_parse_are_skipped_and_counted()
    {
        using (var journal = Journal())
        {
            Open(journal);
            journal.Append([Entry("a-1")]);
        }
        File.AppendAllText(PathOf, "{\"id\":\"glued\"{\"id\":\"x\"}\n");

        using var reader = Journal();
        var (entries, scan) = Open(reader);
        Assert.Equal(["a-1"], entries.Select(e => e.Id));
        Assert.Equal(1, scan.Unparseable);
    }

    [Fact]
    public void A_deleted_journal_is_noticed_instead_of_written_into_the_void_and_repair_starts_a_new_one()
    {
        using var journal = Journal();
        Open(journal);
        journal.Append([Entry("a-1")]);
        File.Delete(PathOf);

        var error = Assert.Throws<IOException>(() => journal.Append([Entry("a-2")]));
        Assert.Contains("was deleted or moved", error.Message);
        journal.Repair();
        journal.Append([Entry("a-2")]);

        using var reader = Journal();
        Assert.Equal(["a-2"], Open(reader).Entries.Select(e => e.Id));
        AssertEveryLineParses();
    }

    [Fact]
    public void Entries_whose_hook_has_not_ended_are_counted_at_the_next_start_and_hook_markers_are_not_entries()
    {
        using (var journal = Journal(hooks: true))
        {
            Open(journal);
            journal.Append([Entry("a-1"), Entry("a-2"), Entry("a-3")]);
            journal.MarkDerived();
            journal.MarkHooked("a-2", "b1");
            Assert.Equal(2, journal.Unhooked);
        }

        using var reader = Journal(hooks: true);
        var hooked = new List<string>();
        var entries = new List<ResultStatus>();
        var scan = reader.Open(entries.Add, (id, _) => hooked.Add(id));
        Assert.Equal(["a-1", "a-2", "a-3"], entries.Select(e => e.Id));
        Assert.Equal(["*", "a-2"], hooked); // the "*" a new journal starts with: nothing before it is ever hooked
        Assert.Equal(2, scan.Unhooked);
        Assert.Equal(0, scan.Unparseable);
        Assert.Contains("{\"hooked\":\"a-2\",\"builder\":\"b1\"}\n", File.ReadAllText(PathOf));
        AssertEveryLineParses();
    }

    [Fact]
    public void The_last_outstanding_hook_writes_an_all_hooked_marker_so_the_next_start_looks_no_further_back()
    {
        using (var journal = Journal(hooks: true))
        {
            Open(journal);
            journal.Append([Entry("a-1"), Entry("a-2")]);
            journal.MarkHooked("a-2", "b1");
            journal.MarkHooked("a-1", "b1");
            Assert.Equal(0, journal.Unhooked);
        }

        Assert.EndsWith("{\"hooked\":\"*\"}\n", File.ReadAllText(PathOf));
        using var reader = Journal(hooks: true);
        Assert.Equal(0, Open(reader).Scan.Unhooked);
    }

    [Fact]
    public void Results_recorded_without_a_hook_or_before_hooks_existed_are_never_hooked_later()
    {
        using (var journal = Journal(hooks: false))
        {
            Open(journal);
            journal.Append([Entry("a-1")]);
            journal.MarkDerived();
        }
        using (var journal = Journal(hooks: true))
        {
            Assert.Equal(0, Open(journal).Scan.Unhooked);
        }

        File.WriteAllText(PathOf, File.ReadAllText(PathOf).Replace("{\"hooked\":\"*\"}\n", "", StringComparison.Ordinal));
        using var older = Journal(hooks: true);
        var scan = Open(older).Scan;
        Assert.True(scan.HooksSettled);
        Assert.Equal(0, scan.Unhooked);
    }
}
