using SimpleBB.Server;

namespace SimpleBB.Tests;

/// <summary>What the recorder keeps for hooks: the previous outcome per project and builder, and the start-up backlog.</summary>
public sealed class HookBookkeepingTests
{
    private static HookItem Item(string id, string project = "foo", string builder = "b1", string outcome = "SUCCESS") =>
        new(ResultJournalTests.Entry(id, builder) with { Project = project, Outcome = outcome, Output = null }, null, null);

    [Fact]
    public void The_previous_outcome_is_kept_per_project_and_builder_and_the_oldest_pair_is_forgotten_beyond_the_capacity()
    {
        var last = new LastOutcomes(capacity: 2);

        Assert.Null(last.Swap(Item("1", "foo", "b1").Entry));
        Assert.Null(last.Swap(Item("2", "bar", "b1", "FAILED 2").Entry));
        Assert.Equal("success", last.Swap(Item("3", "foo", "b1", "TIMEOUT").Entry));
        Assert.Null(last.Swap(Item("4", "foo", "b2").Entry)); // a third pair: bar/b1 was updated longest ago
        Assert.Equal("timeout", last.Swap(Item("5", "foo", "b1", "CANCELLED").Entry));
        Assert.Null(last.Swap(Item("6", "bar", "b1").Entry));
    }

    [Fact]
    public void The_backlog_hands_over_the_first_unhooked_entries_in_order_and_asks_for_a_second_reading_when_markers_made_room()
    {
        var backlog = new HookBacklog(capacity: 2, (entry, last) => new HookItem(entry, last, null));
        var entries = Enumerable.Range(1, 5).Select(i => Item(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Entry).ToArray();
        foreach (var entry in entries)
        {
            backlog.Add(entry, "success");
        }
        backlog.Hooked("1", "b1");
        backlog.Hooked("3", "b1");

        Assert.True(backlog.NeedsReread); // "4" moved up among the first two, read before room was made for its item
        foreach (var entry in entries)
        {
            backlog.Fill(entry);
        }
        Assert.False(backlog.NeedsReread);
        Assert.Equal(["2", "4"], backlog.Items.Select(i => i.Entry.Id));
        Assert.All(backlog.Items, i => Assert.Equal("success", i.LastResult));
        Assert.Equal(1, backlog.Left);

        backlog.Hooked(ResultJournal.AllHookedId, null);
        Assert.Empty(backlog.Items);
        Assert.Equal(0, backlog.Left);
    }

    [Fact]
    public void Beyond_its_candidates_the_backlog_keeps_only_a_prefix_so_each_project_keeps_its_order()
    {
        var backlog = new HookBacklog(capacity: 1, (entry, last) => new HookItem(entry, last, null));
        for (var i = 1; i <= 12; i++)
        {
            backlog.Add(Item(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Entry, null);
            if (i == 11)
            {
                backlog.Hooked("1", "b1"); // room again, but 11 was dropped: 12 must not jump ahead of it
            }
        }

        Assert.Equal(10, backlog.MaxCandidates);
        Assert.True(backlog.NeedsReread);
        Assert.Equal(8 + 2, backlog.Left); // candidates 3..10 beyond the one handed over, and 11 and 12
    }
}
