using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// A connected peer as the registry, the recorder and the event hub see it: something to queue messages on and to
/// drop. Sending only enqueues (the connection's own pump writes), so none of them ever waits on a socket, and they
/// can be tested with a fake peer and no socket at all.
/// </summary>
internal interface IPeer
{
    /// <summary>The name given in hello (a builder's name); null before hello.</summary>
    string? Name { get; }

    /// <summary>
    /// The protocol version chosen in welcome (0 before hello): what the peer understands, so that messages and
    /// fields a version added are only sent to peers that speak it.
    /// </summary>
    int Protocol { get; }

    /// <summary>The remote address, for logs.</summary>
    string Address { get; }

    /// <summary>Queues an encoded line; false when the peer's queue is full (the caller decides whether to drop it).</summary>
    bool TrySend(ReadOnlyMemory<byte> frame);

    /// <summary>
    /// Queues an encoded line the peer can do without (live output) while its queue is at most half full; false when it
    /// was not queued. Never drops the peer.
    /// </summary>
    bool TrySendOptional(ReadOnlyMemory<byte> frame);

    /// <summary>Queues a message; a peer whose queue is full is dropped.</summary>
    void Send(Message message);

    /// <summary>Ends the connection with an error, logged as a warning.</summary>
    void Drop(string code, string reason);

    /// <summary>Answers a bad message with an error (logged); returns whether the connection goes on.</summary>
    bool Reject(string code, string reason, bool close, string? id = null);
}
