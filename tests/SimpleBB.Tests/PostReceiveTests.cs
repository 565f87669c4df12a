using SimpleBB.Suggest;

namespace SimpleBB.Tests;

public sealed class PostReceiveTests
{
    private static readonly string Zero = new('0', 40);
    private static readonly string Old = "1f2e3d4c5b6a79880123456789abcdef01234567";
    private static readonly string New = "89abcdef0123456789ABCDEF0123456789abcdef";
    private static readonly string Old256 = new('a', 64);
    private static readonly string New256 = new('b', 64);

    [Fact]
    public void Created_and_updated_branches_are_listed()
    {
        var branches = PostReceive.Branches(
        [
            $"{Zero} {New} refs/heads/new-branch",
            $"{Old} {New} refs/heads/master",
        ]);

        Assert.Equal(["new-branch", "master"], branches);
    }

    [Fact]
    public void A_branch_name_with_slashes_is_kept_whole()
    {
        var branches = PostReceive.Branches([$"{Old} {New} refs/heads/feature/x-y/z"]);

        Assert.Equal(["feature/x-y/z"], branches);
    }

    [Fact]
    public void A_deleted_branch_is_skipped()
    {
        var branches = PostReceive.Branches(
        [
            $"{Old} {Zero} refs/heads/gone",
            $"{Old} {New} refs/heads/kept",
        ]);

        Assert.Equal(["kept"], branches);
    }

    [Fact]
    public void A_deleted_branch_in_a_SHA256_repository_is_skipped()
    {
        var branches = PostReceive.Branches([$"{Old256} {new string('0', 64)} refs/heads/gone"]);

        Assert.Empty(branches);
    }

    [Theory]
    [InlineData("refs/tags/v1.0")]
    [InlineData("refs/notes/commits")]
    [InlineData("refs/remotes/origin/master")]
    [InlineData("refs/pull/1/head")]
    [InlineData("refs/headsX/master")]
    [InlineData("heads/master")]
    [InlineData("master")]
    [InlineData("refs/heads/")]
    public void Refs_that_are_not_branches_are_skipped(string reference)
    {
        var branches = PostReceive.Branches([$"{Old} {New} {reference}"]);

        Assert.Empty(branches);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("refs/heads/master")]
    [InlineData("1f2e3d4c5b6a79880123456789abcdef01234567 refs/heads/master")]
    [InlineData("1f2e3d4c5b6a79880123456789abcdef01234567 89abcdef0123456789abcdef0123456789abcdef refs/heads/master extra")]
    [InlineData("1f2e3d4c5b6a79880123456789abcdef0123456g 89abcdef0123456789abcdef0123456789abcdef refs/heads/master")]
    [InlineData("1f2e3d4c5b6a79880123456789abcdef01234567 89abcdef0123456789abcdef0123456789abcdez refs/heads/master")]
    [InlineData("1f2e3d4c5b6a79880123456789abcdef0123456 89abcdef0123456789abcdef0123456789abcdef refs/heads/master")]
    [InlineData("1f2e3d4c5b6a79880123456789abcdef01234567 89abcdef0123456789abcdef0123456789abcdef0 refs/heads/master")]
    [InlineData("1f2e3d4c 89abcdef refs/heads/master")]
    [InlineData("0x2e3d4c5b6a79880123456789abcdef01234567 89abcdef0123456789abcdef0123456789abcdef refs/heads/master")]
    public void Malformed_lines_are_skipped(string line)
    {
        var branches = PostReceive.Branches([line, $"{Old} {New} refs/heads/good"]);

        Assert.Equal(["good"], branches);
    }

    [Fact]
    public void SHA256_object_ids_are_accepted()
    {
        var branches = PostReceive.Branches(
        [
            $"{Old256} {New256} refs/heads/main",
            $"{new string('0', 64)} {New256} refs/heads/topic",
        ]);

        Assert.Equal(["main", "topic"], branches);
    }

    [Fact]
    public void A_branch_pushed_twice_is_listed_once_in_first_seen_order()
    {
        var branches = PostReceive.Branches(
        [
            $"{Old} {New} refs/heads/b",
            $"{Old} {New} refs/heads/a",
            $"{New} {Old} refs/heads/b",
            $"{Old} {New} refs/heads/c",
            $"{Old} {New} refs/heads/a",
        ]);

        Assert.Equal(["b", "a", "c"], branches);
    }

    [Fact]
    public void Fields_separated_by_tabs_or_several_spaces_are_read()
    {
        var branches = PostReceive.Branches([$"{Old}\t{New}  refs/heads/x\r"]);

        Assert.Equal(["x"], branches);
    }

    [Fact]
    public void No_input_gives_no_branches()
    {
        Assert.Empty(PostReceive.Branches([]));
    }
}
