using SimpleBB.Builder;

namespace SimpleBB.Tests;

public sealed class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(60);
    private const int Samples = 500;

    private static TimeSpan Ceiling(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30))));

    private static List<TimeSpan> Draw(int failures, TimeSpan min, TimeSpan max) =>
        Enumerable.Range(0, Samples).Select(_ => Backoff.Delay(failures, min, max)).ToList();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Each_delay_lies_in_the_upper_half_of_its_ceiling(int failures)
    {
        var ceiling = Ceiling(failures);

        Assert.All(Draw(failures, Min, Max), delay => Assert.InRange(delay, ceiling / 2, ceiling));
    }

    [Fact]
    public void Delays_grow_with_failures_until_the_cap()
    {
        // Ceilings 1, 2, 4, 8, 16, 32 s: each draw after one more failure is at least every draw before it.
        for (var failures = 0; failures < 5; failures++)
        {
            var now = Draw(failures, Min, Max);
            var next = Draw(failures + 1, Min, Max);

            Assert.True(next.Min() >= now.Max(), $"after {failures + 1} failures {next.Min()} < {now.Max()}");
        }
        Assert.True(Draw(6, Min, Max).Average(d => d.TotalSeconds) > Draw(1, Min, Max).Average(d => d.TotalSeconds) * 10);
    }

    [Fact]
    public void The_first_delay_is_at_most_the_minimum()
    {
        Assert.All(Draw(0, Min, Max), delay => Assert.InRange(delay, Min / 2, Min));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(30)]
    [InlineData(31)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void Delays_never_exceed_the_cap_even_after_huge_failure_counts(int failures)
    {
        Assert.All(Draw(failures, Min, Max), delay => Assert.InRange(delay, Max / 2, Max));
    }

    [Fact]
    public void A_large_minimum_does_not_overflow_past_the_cap()
    {
        var max = TimeSpan.FromHours(1);

        Assert.All(Draw(int.MaxValue, TimeSpan.FromMinutes(30), max), delay => Assert.InRange(delay, max / 2, max));
    }

    [Fact]
    public void Delays_are_spread_out_rather_than_fixed()
    {
        Assert.True(Draw(10, Min, Max).Distinct().Count() > 1);
    }
}
