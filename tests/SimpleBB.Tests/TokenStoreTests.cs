using SimpleBB.Hosting;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

public sealed class TokenStoreTests
{
    private const string Token = "4f1c2a9e0b7d3c5a8e6f1029384756abcdef0123456789abcdef0123456789ab";

    [Theory]
    [InlineData(Token + "\n")]
    [InlineData(Token + "\r\n")]
    [InlineData("  " + Token + " \t\n\n")]
    [InlineData("\uFEFF" + Token + "\n")]
    public void Token_file_is_read_without_the_whitespace_around_it(string content)
    {
        using var folder = new TempDirectory();
        var path = folder.File("token");
        File.WriteAllText(path, content);

        Assert.Equal(Token, TokenStore.Resolve(null, path, create: false, out var source));
        Assert.Equal(path, source);
    }

    [Theory]
    [InlineData(Token + "\n")]
    [InlineData(" " + Token + "\r\n")]
    public void Token_from_the_option_or_variable_is_read_without_the_whitespace_around_it(string value)
    {
        Assert.Equal(Token, TokenStore.Resolve(value, null, create: false, out _));
    }

    [Theory]
    [InlineData("abc def")]
    [InlineData("abc\u0001def")]
    [InlineData(" \n ")]
    public void Token_with_inner_whitespace_control_characters_or_nothing_left_is_refused_with_its_source(string value)
    {
        var ex = Assert.Throws<IOException>(() => TokenStore.Resolve(value, null, create: false, out _));

        Assert.Contains("--token or SIMPLEBB_TOKEN", ex.Message);
        Assert.Contains("1 to 256 printable characters", ex.Message);
    }

    [Fact]
    public void Created_token_is_64_lowercase_hex_digits_and_a_newline_readable_by_its_owner_only()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "sub", "token");

        var token = TokenStore.Create(path);

        Assert.Matches("^[0-9a-f]{64}$", token);
        Assert.Equal(token + "\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(token, TokenStore.Resolve(null, path, create: false, out _));
    }
}
