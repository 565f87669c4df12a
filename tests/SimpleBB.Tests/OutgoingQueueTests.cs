using System.Net.Sockets;
using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Tests;

/// <summary>The send side over a real socket: order, the frame and byte budgets, a broken connection.</summary>
public class OutgoingQueueTests
{
    private static Task<(LineConnection Connection, Socket Peer)> PairAsync(int maxPendingMessages, long maxPendingBytes = 16L * 1024 * 1024) =>
        LoopbackPair.ConnectAsync(64 * 1024, maxPendingMessages, maxPendingBytes);

    private static async Task<string> ReadAllAsync(Socket peer)
    {
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await peer.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10))) > 0)
        {
            received.Write(buffer, 0, read);
        }
        return Encoding.UTF8.GetString(received.ToArray());
    }

    [Fact]
    public async Task Frames_arrive_in_order_and_sending_ends_after_CompleteSending()
    {
        var (connection, peer) = await PairAsync(maxPendingMessages: 100_000);
        await using var _ = connection;
        using var __ = peer;
        var sending = connection.Outgoing.WaitForSendingToEndAsync(CancellationToken.None);
        var reading = ReadAllAsync(peer);

        for (var i = 0; i < 20_000; i++)
        {
            Assert.True(connection.TrySend(Encoding.UTF8.GetBytes($"line {i}\n")));
        }
        connection.CompleteSending();
        await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(connection.TrySend("late\n"u8.ToArray()));
        connection.Abort();

        var lines = (await reading).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 20_000).Select(i => $"line {i}"), lines);
    }

    [Fact]
    public async Task A_peer_that_does_not_read_fills_the_queue_and_further_sends_fail()
    {
        var (connection, peer) = await PairAsync(maxPendingMessages: 8);
        await using var _ = connection;
        using var __ = peer;
        var frame = new byte[256 * 1024];
        frame[^1] = (byte)'\n';

        // Socket buffers absorb the first frames (the pump may still be moving one when the queue first refuses);
        // then the queue fills because nobody reads, and every further frame is refused.
        var accepted = 0;
        var refused = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (refused < 1000 && DateTime.UtcNow < deadline)
        {
            if (connection.TrySend(frame))
            {
                accepted++;
            }
            else
            {
                refused++;
            }
        }

        Assert.InRange(accepted, 8, 1000);
        Assert.Equal(1000, refused);
        Assert.False(connection.IsSendingCompleted); // refused for being full, not for being closed
    }

    [Fact]
    public async Task The_byte_budget_refuses_a_frame_that_would_exceed_it_even_with_few_frames_queued()
    {
        var (connection, peer) = await PairAsync(maxPendingMessages: 1000, maxPendingBytes: 1024);
        await using var _ = connection;
        using var __ = peer;

        Assert.False(connection.TrySend(new byte[2048]));
        Assert.True(connection.TrySend("small\n"u8.ToArray()));
    }

    [Fact]
    public async Task An_optional_frame_is_queued_only_into_the_free_half_so_needed_frames_always_find_room()
    {
        var (connection, peer) = await PairAsync(maxPendingMessages: 1000, maxPendingBytes: 1024);
        await using var _ = connection;
        using var __ = peer;

        Assert.False(connection.TrySendOptional(new byte[600]));
        Assert.True(connection.TrySend(new byte[600]));
    }

    [Fact]
    public async Task A_broken_connection_fails_the_wait_for_sending_and_refuses_frames()
    {
        var (connection, peer) = await PairAsync(maxPendingMessages: 1000);
        await using var _ = connection;
        var sending = connection.Outgoing.WaitForSendingToEndAsync(CancellationToken.None);
        peer.LingerState = new LingerOption(true, 0);
        peer.Dispose(); // reset

        var frame = new byte[64 * 1024];
        frame[^1] = (byte)'\n';
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!sending.IsCompleted && DateTime.UtcNow < deadline)
        {
            connection.TrySend(frame);
            await Task.WhenAny(sending, Task.Delay(10));
        }

        await Assert.ThrowsAnyAsync<Exception>(() => sending);
        Assert.False(connection.TrySend("x\n"u8.ToArray()));
    }
}
