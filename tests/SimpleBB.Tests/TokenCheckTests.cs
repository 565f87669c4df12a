using SimpleBB.Server;

namespace SimpleBB.Tests;

public class TokenCheckTests
{
    private const string Token = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Only_the_exact_token_matches()
    {
        var check = new TokenCheck(Token);

        Assert.True(check.Matches(Token));
        Assert.False(check.Matches(null));
        Assert.False(check.Matches(""));
        Assert.False(check.Matches(Token[..^1]));
        Assert.False(check.Matches(Token + "0"));
        Assert.False(check.Matches(Token + Token));
        Assert.False(check.Matches(Token[..^1] + "0"));
        Assert.False(check.Matches("1" + Token[1..]));
        Assert.False(check.Matches(Token.ToUpperInvariant()));
    }

    [Fact]
    public void Non_ascii_tokens_are_compared_as_utf8()
    {
        var check = new TokenCheck("clé-é");

        Assert.True(check.Matches("clé-é"));
        Assert.False(check.Matches("cle-e"));
    }
}
