using System.Runtime.CompilerServices;
using System.Text;

namespace SimpleBB.Server;

/// <summary>
/// Compares a presented token with the server's in time that depends only on the presented token's length, so neither
/// the content nor the length of the server's token leaks. Plain managed code on purpose: hashing here (SHA-256) loaded
/// the system's crypto library at start, about 3.5 MB resident that a server without TLS never needs otherwise.
/// </summary>
internal sealed class TokenCheck(string expected)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(expected);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.NoOptimization)]
    public bool Matches(string? presented)
    {
        if (presented is null)
        {
            return false;
        }
        var bytes = Encoding.UTF8.GetBytes(presented);
        if (_expected.Length == 0)
        {
            return bytes.Length == 0;
        }
        // Every presented byte is compared (with the expected token repeated), whatever matched before.
        var difference = bytes.Length ^ _expected.Length;
        for (var i = 0; i < bytes.Length; i++)
        {
            difference |= bytes[i] ^ _expected[i % _expected.Length];
        }
        return difference == 0;
    }
}
