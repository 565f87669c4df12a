using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Tests;

public class OutstandingBuildsTests
{
    private static BuildMessage Build(string id) => new() { Id = id, Project = "foo", Revision = "master" };

    [Fact]
    public void Builds_are_found_by_id_and_listed_oldest_first()
    {
        var owed = new OutstandingBuilds();
        owed.Add(Build("a"));
        owed.Add(Build("b"));
        owed.Add(Build("c"));

        Assert.True(owed.TryGetValue("b", out var b));
        Assert.Equal("b", b.Id);
        Assert.False(owed.TryGetValue("z", out _));
        Assert.Equal(["a", "b", "c"], owed.Ids);
    }

    [Fact]
    public void Removing_from_the_middle_keeps_the_order_of_the_rest()
    {
        var owed = new OutstandingBuilds();
        foreach (var id in new[] { "a", "b", "c" })
        {
            owed.Add(Build(id));
        }

        Assert.True(owed.Remove("b"));
        Assert.False(owed.Remove("b"));

        Assert.Equal(["a", "c"], owed.Ids);
        Assert.Equal(2, owed.Count);
    }

    [Fact]
    public void The_oldest_build_is_forgotten_first()
    {
        var owed = new OutstandingBuilds();
        owed.Add(Build("a"));
        owed.Add(Build("b"));

        Assert.Equal("a", owed.RemoveOldest());
        Assert.False(owed.TryGetValue("a", out _));
        Assert.Equal(["b"], owed.Ids);
    }
}
