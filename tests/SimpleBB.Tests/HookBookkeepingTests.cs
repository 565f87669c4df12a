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
    public void The_backlog_keeps_unhooked_entries_in_order_up_to_its_capacity_and_counts_the_rest()
    {
        var backlog = new HookBacklog(capacity: 2);
        backlog.Add(Item("1"));
        backlog.Hooked("1", "b1");
        backlog.Add(Item("2"));
        backlog.Add(Item("3"));
        backlog.Add(Item("4"));
        backlog.Add(Item("5"));

        Assert.Equal(["2", "3"], backlog.Items.Select(i => i.Entry.Id));
        Assert.Equal(2, backlog.Left);

        backlog.Hooked(ResultJournal.AllHookedId, null);
        Assert.Empty(backlog.Items);
        Assert.Equal(0, backlog.Left);
    }
}
