using SimpleBB.Builder;
using SimpleBB.Protocol;

namespace SimpleBB.Tests;

public sealed class BuildQueueTests
{
    private static BuildMessage Build(string id, string project = "foo", string revision = "master") =>
        new() { Id = id, Project = project, Revision = revision };

    private static async Task<string[]> TakeIdsAsync(BuildQueue queue) =>
        (await queue.TakeAsync(CancellationToken.None)).Select(b => b.Id).ToArray();

    [Fact]
    public async Task Builds_are_taken_in_arrival_order()
    {
        var queue = new BuildQueue(10);

        Assert.True(queue.Add(Build("1", revision: "a")));
        Assert.True(queue.Add(Build("2", revision: "b")));
        Assert.True(queue.Add(Build("3", project: "bar", revision: "a")));

        Assert.Equal(["1"], await TakeIdsAsync(queue));
        Assert.Equal(["2"], await TakeIdsAsync(queue));
        Assert.Equal(["3"], await TakeIdsAsync(queue));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_waiting_duplicate_project_and_revision_is_merged_into_one_take()
    {
        var queue = new BuildQueue(10);

        queue.Add(Build("1"));
        queue.Add(Build("2", project: "bar"));
        queue.Add(Build("3"));

        Assert.Equal(2, queue.Count);
        var first = await queue.TakeAsync(CancellationToken.None);
        Assert.Equal(["1", "3"], first.Select(b => b.Id));
        Assert.All(first, b => Assert.Equal(("foo", "master"), (b.Project, b.Revision)));
        Assert.Equal(["2"], await TakeIdsAsync(queue));
    }

    [Fact]
    public async Task The_same_project_at_a_different_revision_is_not_merged()
    {
        var queue = new BuildQueue(10);

        queue.Add(Build("1", revision: "master"));
        queue.Add(Build("2", revision: "dev"));

        Assert.Equal(2, queue.Count);
        Assert.Equal(["1"], await TakeIdsAsync(queue));
        Assert.Equal(["2"], await TakeIdsAsync(queue));
    }

    [Fact]
    public async Task The_same_revision_of_a_different_project_is_not_merged()
    {
        var queue = new BuildQueue(10);

        queue.Add(Build("1", project: "foo"));
        queue.Add(Build("2", project: "bar"));

        Assert.Equal(["1"], await TakeIdsAsync(queue));
        Assert.Equal(["2"], await TakeIdsAsync(queue));
    }

    [Fact]
    public async Task A_build_already_taken_is_not_merged_with_a_new_suggestion()
    {
        var queue = new BuildQueue(10);

        queue.Add(Build("1"));
        Assert.Equal(["1"], await TakeIdsAsync(queue));
        queue.Add(Build("2"));

        Assert.Equal(["2"], await TakeIdsAsync(queue));
    }

    [Fact]
    public async Task A_full_queue_refuses_a_new_build_until_one_is_taken()
    {
        var queue = new BuildQueue(2);

        Assert.True(queue.Add(Build("1", revision: "a")));
        Assert.True(queue.Add(Build("2", revision: "b")));
        Assert.False(queue.Add(Build("3", revision: "c")));
        Assert.Equal(2, queue.Count);

        Assert.Equal(["1"], await TakeIdsAsync(queue));
        Assert.True(queue.Add(Build("4", revision: "d")));
        Assert.Equal(["2"], await TakeIdsAsync(queue));
        Assert.Equal(["4"], await TakeIdsAsync(queue));
    }

    [Fact]
    public async Task A_full_queue_still_merges_a_duplicate_of_a_waiting_build()
    {
        var queue = new BuildQueue(1);

        Assert.True(queue.Add(Build("1")));
        Assert.True(queue.Add(Build("2")));
        Assert.False(queue.Add(Build("3", revision: "other")));

        Assert.Equal(["1", "2"], await TakeIdsAsync(queue));
    }

    [Fact]
    public async Task Take_waits_for_the_next_build()
    {
        var queue = new BuildQueue(10);

        var taking = queue.TakeAsync(CancellationToken.None);
        Assert.False(taking.IsCompleted);
        queue.Add(Build("1"));

        var taken = await taking;
        Assert.Equal("1", Assert.Single(taken).Id);
    }

    [Fact]
    public async Task Take_honours_cancellation_while_waiting_and_loses_no_build()
    {
        var queue = new BuildQueue(10);
        using var cancel = new CancellationTokenSource();

        var taking = queue.TakeAsync(cancel.Token);
        Assert.False(taking.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => taking);
        queue.Add(Build("1"));
        Assert.Equal(["1"], await TakeIdsAsync(queue));
    }

    [Fact]
    public async Task Take_with_an_already_cancelled_token_throws_even_when_a_build_waits()
    {
        var queue = new BuildQueue(10);
        queue.Add(Build("1"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.TakeAsync(new CancellationToken(canceled: true)));

        Assert.Equal(1, queue.Count);
        Assert.Equal(["1"], await TakeIdsAsync(queue));
    }

    [Fact]
    public async Task A_cancelled_waiting_build_is_removed_and_the_next_take_gets_the_one_after_it()
    {
        var queue = new BuildQueue(10);
        queue.Add(Build("1", revision: "a"));
        queue.Add(Build("2", revision: "b"));

        Assert.Equal("1", queue.Remove("1")?.Id);
        Assert.Null(queue.Remove("1"));

        Assert.Equal(["2"], await TakeIdsAsync(queue));
        var next = queue.TakeAsync(CancellationToken.None);
        Assert.False(next.IsCompleted); // the count the cancelled build left behind does not hand out a phantom build
        queue.Add(Build("3", revision: "c"));
        Assert.Equal(["3"], (await next.WaitAsync(TimeSpan.FromSeconds(10))).Select(b => b.Id));
    }

    [Fact]
    public async Task Cancelling_one_id_of_a_merged_build_keeps_the_others()
    {
        var queue = new BuildQueue(10);
        queue.Add(Build("1"));
        queue.Add(Build("2"));

        Assert.Equal("1", queue.Remove("1")?.Id);

        Assert.Equal(["2"], await TakeIdsAsync(queue));
    }
}
