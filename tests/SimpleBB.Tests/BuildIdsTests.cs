using System.Collections.Concurrent;
using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Tests;

public sealed class BuildIdsTests
{
    private static readonly DateTimeOffset Start = new(2025, 11, 25, 1, 41, 47, 383, TimeSpan.Zero);

    [Fact]
    public void Ids_from_one_instance_are_unique()
    {
        var ids = new BuildIds(Start);

        var issued = Enumerable.Range(0, 10_000).Select(_ => ids.Next()).ToList();

        Assert.Equal(issued.Count, issued.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Ids_issued_concurrently_are_unique()
    {
        var ids = new BuildIds(Start);
        var issued = new ConcurrentBag<string>();

        Parallel.For(0, 20_000, _ => issued.Add(ids.Next()));

        Assert.Equal(20_000, issued.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Ids_start_with_the_epoch_and_are_valid_build_ids()
    {
        var ids = new BuildIds(Start);

        var first = ids.Next();
        var second = ids.Next();

        Assert.Equal(ids.Epoch + "-1", first);
        Assert.Equal(ids.Epoch + "-2", second);
        Assert.Null(Names.CheckBuildId(first));
        Assert.Matches("^[0-9a-z]+$", ids.Epoch);
    }

    [Fact]
    public void The_epoch_is_the_start_time_in_base_36_milliseconds()
    {
        Assert.Equal("0", new BuildIds(DateTimeOffset.FromUnixTimeMilliseconds(0)).Epoch);
        Assert.Equal("z", new BuildIds(DateTimeOffset.FromUnixTimeMilliseconds(35)).Epoch);
        Assert.Equal("10", new BuildIds(DateTimeOffset.FromUnixTimeMilliseconds(36)).Epoch);
        Assert.Equal(
            Start.ToUnixTimeMilliseconds(),
            new BuildIds(Start).Epoch.Aggregate(0L, (n, c) => (n * 36) + (char.IsAsciiDigit(c) ? c - '0' : c - 'a' + 10)));
    }

    [Fact]
    public void IsOurs_tells_apart_two_instances_started_a_millisecond_apart()
    {
        var earlier = new BuildIds(Start);
        var later = new BuildIds(Start.AddMilliseconds(1));

        var oldId = earlier.Next();
        var newId = later.Next();

        Assert.NotEqual(oldId, newId);
        Assert.True(earlier.IsOurs(oldId));
        Assert.False(earlier.IsOurs(newId));
        Assert.True(later.IsOurs(newId));
        Assert.False(later.IsOurs(oldId));
    }

    [Fact]
    public void IsOurs_is_not_fooled_by_an_epoch_that_starts_with_ours()
    {
        var one = new BuildIds(DateTimeOffset.FromUnixTimeMilliseconds(1)); // epoch "1"
        var thirtySeven = new BuildIds(DateTimeOffset.FromUnixTimeMilliseconds(37)); // epoch "11"

        Assert.False(one.IsOurs(thirtySeven.Next()));
        Assert.False(thirtySeven.IsOurs(one.Next()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("-1")]
    public void IsOurs_rejects_ids_we_never_issued(string id)
    {
        Assert.False(new BuildIds(Start).IsOurs(id));
    }
    [Fact]
    public void An_id_of_an_instance_started_earlier_within_a_year_counts_as_from_an_earlier_server()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = new BuildIds(now);

        Assert.True(ids.IsFromEarlierServer(new BuildIds(now.AddMinutes(-5)).Next()));
        Assert.True(ids.IsFromEarlierServer(new BuildIds(now.AddDays(-364)).Next()));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("abc-")]
    [InlineData("-1")]
    [InlineData("ABC-1")]
    [InlineData("mwvgkm94-x")]
    [InlineData("mwvgkm94-1-2")]
    [InlineData("zzzzzzzzzzzzz-1")]
    public void An_id_not_shaped_like_a_server_issued_one_is_not_from_an_earlier_server(string id)
    {
        Assert.False(new BuildIds(DateTimeOffset.UtcNow).IsFromEarlierServer(id));
    }

    [Fact]
    public void An_id_from_the_future_or_older_than_a_year_is_not_from_an_earlier_server()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = new BuildIds(now);

        Assert.False(ids.IsFromEarlierServer(new BuildIds(now.AddMinutes(5)).Next()));
        Assert.False(ids.IsFromEarlierServer(new BuildIds(now.AddDays(-366)).Next()));
        Assert.False(ids.IsFromEarlierServer(ids.Next())); // this instance's own ids are checked against what it sent
    }
}
