using SimpleBB.Server;

namespace SimpleBB.Tests;

public sealed class RecentSetTests
{
    [Fact]
    public void Members_up_to_the_capacity_are_all_remembered()
    {
        var set = new RecentSet(3);

        set.Add("a");
        set.Add("b");
        set.Add("c");

        Assert.Equal(3, set.Count);
        Assert.True(set.Contains("a"));
        Assert.True(set.Contains("b"));
        Assert.True(set.Contains("c"));
        Assert.False(set.Contains("d"));
    }

    [Fact]
    public void The_oldest_members_are_forgotten_beyond_the_capacity()
    {
        var set = new RecentSet(3);

        foreach (var key in new[] { "a", "b", "c", "d", "e" })
        {
            set.Add(key);
        }

        Assert.Equal(3, set.Count);
        Assert.False(set.Contains("a"));
        Assert.False(set.Contains("b"));
        Assert.True(set.Contains("c"));
        Assert.True(set.Contains("d"));
        Assert.True(set.Contains("e"));
    }

    [Fact]
    public void Adding_a_member_again_does_not_take_a_second_place()
    {
        var set = new RecentSet(2);

        set.Add("a");
        set.Add("a");
        set.Add("b");

        Assert.Equal(2, set.Count);
        Assert.True(set.Contains("a"));
        Assert.True(set.Contains("b"));
    }

    [Fact]
    public void A_forgotten_member_can_be_added_again()
    {
        var set = new RecentSet(1);

        set.Add("a");
        set.Add("b");
        Assert.False(set.Contains("a"));
        set.Add("a");

        Assert.True(set.Contains("a"));
        Assert.False(set.Contains("b"));
        Assert.Equal(1, set.Count);
    }

    [Fact]
    public void Keys_are_compared_ordinally()
    {
        var set = new RecentSet(10);

        set.Add("abc-1\0b1");

        Assert.True(set.Contains("abc-1\0b1"));
        Assert.False(set.Contains("ABC-1\0b1"));
        Assert.False(set.Contains("abc-1\0b2"));
    }

    [Fact]
    public void Memory_stays_bounded_after_many_additions()
    {
        var set = new RecentSet(100);

        for (var i = 0; i < 100_000; i++)
        {
            set.Add("id-" + i);
        }

        Assert.Equal(100, set.Count);
        Assert.True(set.Contains("id-99999"));
        Assert.True(set.Contains("id-99900"));
        Assert.False(set.Contains("id-99899"));
    }
}
