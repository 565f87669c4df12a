using SimpleBB.Protocol;

namespace SimpleBB.Tests;

public sealed class MachineDifferenceTests
{
    private static readonly Uname Amd64 = new() { Sysname = "Linux", Nodename = "a", Release = "6.1.0", Version = "#1", Machine = "x86_64" };
    private static readonly Uname Arm64 = Amd64 with { Machine = "aarch64" };

    [Fact]
    public void A_different_build_script_is_named_with_short_hashes()
    {
        var text = MachineDifference.Describe([
            (true, Amd64, ".NET 10.0.12", new string('a', 64)),
            (false, Amd64, ".NET 10.0.12", new string('b', 64)),
        ]);

        Assert.Equal("build script (passes with SHA-256 aaaaaaaa; fails with SHA-256 bbbbbbbb)", text);
    }

    [Fact]
    public void A_different_architecture_is_named_and_an_unknown_script_is_not_a_difference()
    {
        var text = MachineDifference.Describe([(true, Amd64, ".NET 10.0.12", null), (false, Arm64, ".NET 10.0.12", new string('b', 64))]);

        Assert.Equal("architecture (passes on x86_64; fails on aarch64)", text);
    }

    [Fact]
    public void When_nothing_reported_differs_it_says_so_in_plain_words()
    {
        var sha = new string('c', 64);

        var text = MachineDifference.Describe([(true, Amd64, ".NET 10.0.12", sha), (false, Amd64, ".NET 10.0.12", sha)]);

        Assert.Equal("nothing SimpleBB can see (same operating system, architecture, runtime and build script)", text);
        Assert.DoesNotContain("no difference", text);
    }

    [Fact]
    public void A_revision_that_passes_everywhere_is_not_machine_specific()
    {
        Assert.Null(MachineDifference.Describe([(true, Amd64, ".NET 10.0.12", null), (true, Arm64, ".NET 10.0.12", null)]));
    }
}
