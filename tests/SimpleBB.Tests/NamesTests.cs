using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Tests;

public sealed class NamesTests
{
    [Theory]
    [InlineData("foo")]
    [InlineData("my-project_2")]
    [InlineData("Foo.Bar")]
    [InlineData("a..b")]
    [InlineData("x")]
    [InlineData("projét")]
    public void CheckProject_accepts_typical_names(string project)
    {
        Assert.Null(Names.CheckProject(project));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("foo/bar")]
    [InlineData("/foo")]
    [InlineData("foo\\bar")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData(".hidden")]
    [InlineData("-rf")]
    [InlineData("foo bar")]
    [InlineData(" foo")]
    [InlineData("foo\t")]
    [InlineData("foo\nbar")]
    [InlineData("foo\r")]
    [InlineData("foo\u0000")]
    [InlineData("\u001bfoo")]
    [InlineData("foo\u007f")]
    [InlineData("foo\u00a0bar")]
    public void CheckProject_rejects_names_that_are_not_plain_file_names(string? project)
    {
        Assert.NotNull(Names.CheckProject(project));
    }

    [Fact]
    public void CheckProject_accepts_100_characters_and_rejects_101()
    {
        Assert.Null(Names.CheckProject(new string('p', Names.MaxProjectBytes)));
        Assert.Contains("longer", Names.CheckProject(new string('p', Names.MaxProjectBytes + 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckProject_reason_shows_control_characters_escaped()
    {
        var reason = Names.CheckProject("a\nb");

        Assert.NotNull(reason);
        Assert.DoesNotContain('\n', reason);
        Assert.Contains("\\u000a", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("b1")]
    [InlineData("build-01.example.com")]
    [InlineData("linux_x64")]
    public void CheckBuilderName_accepts_typical_names(string name)
    {
        Assert.Null(Names.CheckBuilderName(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".b1")]
    [InlineData("-b1")]
    [InlineData("b 1")]
    [InlineData("b1\n")]
    public void CheckBuilderName_rejects_what_a_project_name_rejects(string? name)
    {
        Assert.NotNull(Names.CheckBuilderName(name));
    }

    [Fact]
    public void CheckBuilderName_accepts_100_characters_and_rejects_101()
    {
        Assert.Null(Names.CheckBuilderName(new string('b', Names.MaxBuilderNameBytes)));
        Assert.NotNull(Names.CheckBuilderName(new string('b', Names.MaxBuilderNameBytes + 1)));
    }

    [Theory]
    [InlineData("master")]
    [InlineData("feature/x-y")]
    [InlineData("v1.0")]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    [InlineData("HEAD~2")]
    [InlineData("refs/heads/main")]
    [InlineData("release/2025.11")]
    [InlineData("fix-ü")]
    public void CheckRevision_accepts_typical_revisions(string revision)
    {
        Assert.Null(Names.CheckRevision(revision));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-x")]
    [InlineData("--upload-pack=evil")]
    [InlineData("master branch")]
    [InlineData(" master")]
    [InlineData("master\n")]
    [InlineData("a\tb")]
    [InlineData("a\u0000b")]
    [InlineData("a\u007fb")]
    [InlineData("a\u2028b")]
    public void CheckRevision_rejects_empty_dash_space_and_control_characters(string? revision)
    {
        Assert.NotNull(Names.CheckRevision(revision));
    }

    [Fact]
    public void CheckRevision_accepts_255_bytes()
    {
        Assert.Null(Names.CheckRevision(new string('r', 255)));
    }

    [Fact]
    public void CheckRevision_rejects_256_bytes()
    {
        Assert.NotNull(Names.CheckRevision(new string('r', 256)));
    }

    [Fact]
    public void CheckRevision_counts_UTF8_bytes_not_characters()
    {
        var fits = new string('r', 253) + "é"; // 254 characters, 255 bytes
        var tooLong = new string('r', 254) + "é"; // 255 characters, 256 bytes
        var euros = string.Concat(Enumerable.Repeat("€", 86)); // 86 characters, 258 bytes

        Assert.Equal(255, Encoding.UTF8.GetByteCount(fits));
        Assert.Equal(256, Encoding.UTF8.GetByteCount(tooLong));
        Assert.Null(Names.CheckRevision(fits));
        Assert.Contains("255 bytes", Names.CheckRevision(tooLong), StringComparison.Ordinal);
        Assert.NotNull(Names.CheckRevision(euros));
    }

    [Theory]
    [InlineData("Linux")]
    [InlineData("#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024")]
    [InlineData(".NET 10.0.12")]
    [InlineData("é € 😀")]
    public void CheckText_accepts_one_line_of_free_text(string value)
    {
        Assert.Null(Names.CheckText("runtime", value, 256));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\nb")]
    [InlineData("a\r")]
    [InlineData("\u0000")]
    [InlineData("x\u001b[31m")]
    [InlineData("x\u0085")]
    public void CheckText_rejects_null_and_control_characters_that_could_forge_log_lines(string? value)
    {
        Assert.StartsWith("runtime ", Names.CheckText("runtime", value, 256), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckText_accepts_the_maximum_length_and_rejects_one_more()
    {
        Assert.Null(Names.CheckText("uname.release", new string('r', 256), 256));
        Assert.NotNull(Names.CheckText("uname.release", new string('r', 257), 256));
        Assert.Null(Names.CheckText("uname.release", new string('é', 128), 256)); // lengths are UTF-8 bytes
        Assert.NotNull(Names.CheckText("uname.release", new string('é', 129), 256));
    }

    [Theory]
    [InlineData("m3k9x2a1-17")]
    [InlineData("1")]
    [InlineData("a.b_c-D")]
    public void CheckBuildId_accepts_ids_made_of_letters_digits_dot_underscore_and_dash(string id)
    {
        Assert.Null(Names.CheckBuildId(id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("../x")]
    [InlineData("a]b")]
    [InlineData("a b")]
    [InlineData("a\nb")]
    [InlineData(".a")]
    [InlineData("-a")]
    [InlineData("a\\b")]
    [InlineData("é")]
    public void CheckBuildId_rejects_anything_that_is_not_a_safe_file_name(string? id)
    {
        Assert.NotNull(Names.CheckBuildId(id));
    }

    [Fact]
    public void CheckBuildId_accepts_64_characters_and_rejects_65()
    {
        Assert.Null(Names.CheckBuildId(new string('i', 64)));
        Assert.NotNull(Names.CheckBuildId(new string('i', 65)));
    }
}
