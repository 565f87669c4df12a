using System.Security.Cryptography;
using System.Text;

namespace SimpleBB.Server;

/// <summary>Compares a presented token with the server's in constant time (both are hashed first, so lengths leak nothing).</summary>
internal sealed class TokenCheck(string expected)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(expected));

    public bool Matches(string? presented) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(_expected, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
