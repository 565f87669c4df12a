using System.Collections.Concurrent;
using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Tests.Support;

/// <summary>A connected peer without a socket: records what it was sent and whether it was dropped.</summary>
internal sealed class FakePeer(string? name, string address = "127.0.0.1:5000") : IPeer
{
    public string? Name { get; } = name;

    public string Address { get; } = address;

    public int Protocol { get; set; } = ProtocolLimits.Version;

    /// <summary>TrySend answers false (a full queue) while this is set.</summary>
    public bool Full { get; set; }

    public ConcurrentQueue<Message> Sent { get; } = new();

    public string? DroppedWith { get; private set; }

    public IEnumerable<T> SentOf<T>() where T : Message => Sent.OfType<T>();

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        if (Full)
        {
            return false;
        }
        var decoded = MessageCodec.Decode(frame.Span[..^1]);
        Sent.Enqueue(decoded.Message ?? throw new InvalidOperationException(decoded.Reason));
        return true;
    }

    public bool TrySendOptional(ReadOnlyMemory<byte> frame) => TrySend(frame);

    public void Send(Message message) => Sent.Enqueue(message);

    public void Drop(string code, string reason) => DroppedWith ??= code;

    public bool Reject(string code, string reason, bool close, string? id = null)
    {
        Sent.Enqueue(new ErrorMessage { Code = code, Message = reason, Id = id });
        return !close;
    }
}
