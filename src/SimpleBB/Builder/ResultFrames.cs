using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// The outbox keeps results as this version encodes them; a server that negotiated an older protocol gets each one as
/// it understands it (<see cref="ResultMessage.ForProtocol"/>: no <c>interrupted</c> or <c>cancelled</c> flag below 3).
/// </summary>
public static class ResultFrames
{
    /// <summary>
    /// <paramref name="frame"/> (one encoded result line) for a server speaking <paramref name="protocol"/>: the same
    /// bytes when it understands them, else the result re-encoded without what it would not understand.
    /// </summary>
    public static ReadOnlyMemory<byte> ForProtocol(byte[] frame, int protocol)
    {
        if (protocol >= ProtocolLimits.WatchAndStopVersion
            || (frame.AsSpan().IndexOf("\"interrupted\""u8) < 0 && frame.AsSpan().IndexOf("\"cancelled\""u8) < 0))
        {
            return frame; // the usual case, decided without decoding
        }
        var line = frame.AsSpan();
        if (line.Length > 0 && line[^1] == (byte)'\n')
        {
            line = line[..^1];
        }
        return MessageCodec.Decode(line).Message is ResultMessage result ? MessageCodec.Encode(result.ForProtocol(protocol)) : frame;
    }
}
