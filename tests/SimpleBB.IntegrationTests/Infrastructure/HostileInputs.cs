using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>Deterministic generator of hostile lines: random bytes, truncated, mutated and oversized valid messages (hellos carry <c>token</c>).</summary>
internal sealed class HostileInputs(int seed, string token)
{
    private readonly byte[][] _valid =
    [
        MessageCodec.Encode(new Hello { Role = Roles.Builder, Name = "fuzz", Version = "1", Protocol = ProtocolLimits.Version, Token = token }),
        MessageCodec.Encode(new Hello { Role = Roles.Suggest, Name = "fuzz", Version = "1", Protocol = ProtocolLimits.Version, Token = token }),
        MessageCodec.Encode(new SuggestMessage { Project = "foo", Revision = "master" }),
        MessageCodec.Encode(new ResultMessage
        {
            Id = "abc-1", Project = "foo", Revision = "master", ExitCode = 0, DurationMs = 5, Runtime = ".NET", Output = "ok",
            Uname = new Uname { Sysname = "Linux", Nodename = "n", Release = "6", Version = "v", Machine = "x86_64" },
        }),
        MessageCodec.Encode(new Ack { Id = "abc-1" }),
        MessageCodec.Encode(Ping.Instance),
        MessageCodec.Encode(new ErrorMessage { Code = "x", Message = "y" }),
    ];

    private readonly Random _random = new(seed);

    public byte[] Next()
    {
        var template = _valid[_random.Next(_valid.Length)];
        return _random.Next(8) switch
        {
            0 => RandomBytes(),
            1 => Terminate(template.AsSpan(0, _random.Next(1, template.Length - 1))),
            2 or 3 => Mutate(template),
            4 => Terminate(Encoding.UTF8.GetBytes("{\"type\":\"suggest\",\"project\":\"" + new string('a', _random.Next(60_000, 80_000)) + "\"}")),
            5 => Terminate(new byte[_random.Next(1, 200)]), // NULs
            6 => Terminate(Encoding.UTF8.GetBytes(new string('[', _random.Next(1, 5000)))), // deep nesting
            _ => template,
        };
    }

    private byte[] RandomBytes()
    {
        var bytes = new byte[_random.Next(0, 300)];
        _random.NextBytes(bytes);
        return Terminate(bytes);
    }

    private byte[] Mutate(byte[] template)
    {
        var bytes = (byte[])template.Clone();
        for (var i = _random.Next(1, 6); i > 0; i--)
        {
            bytes[_random.Next(bytes.Length - 1)] = (byte)_random.Next(256);
        }
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    private static byte[] Terminate(ReadOnlySpan<byte> body) => [.. body, (byte)'\n'];
}
