using System.Buffers;
using System.Net.Sockets;
using System.Text;
using SimpleBB.Protocol;

namespace SimpleBB.Tests;

/// <summary>The read side over a real socket: lines split across reads, lines longer than the read buffer, the limit.</summary>
public class LineReaderTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Reads lines the way every loop does (take lines, then wait and read) until <paramref name="count"/> have arrived or the stream ends.</summary>
    private static async Task<List<string>> ReadAsync(LineConnection connection, int count)
    {
        var reader = connection.Reader;
        var lines = new List<string>();
        using var deadline = new CancellationTokenSource(Patience);
        while (true)
        {
            while (reader.TryReadLine(out var line))
            {
                lines.Add(Encoding.UTF8.GetString(line.ToArray()));
                if (lines.Count == count)
                {
                    return lines;
                }
            }
            await reader.WaitForDataAsync(deadline.Token);
            if (!reader.Received(await reader.ReceiveAsync(deadline.Token)))
            {
                return lines;
            }
        }
    }

    [Fact]
    public async Task Lines_sent_one_byte_at_a_time_arrive_whole()
    {
        var (connection, peer) = await LoopbackPair.ConnectAsync(maxLineBytes: 1024);
        await using var _ = connection;
        using var __ = peer;
        var reading = ReadAsync(connection, 3);
        foreach (var b in "first\r\nsecond\n\nthird\n"u8.ToArray())
        {
            await peer.SendAsync(new[] { b }.AsMemory(), SocketFlags.None);
        }
        Assert.Equal(["first", "second", ""], await reading.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_line_longer_than_the_read_buffer_and_a_partial_line_after_many_arrive_intact()
    {
        var (connection, peer) = await LoopbackPair.ConnectAsync(maxLineBytes: 64 * 1024);
        await using var _ = connection;
        using var __ = peer;
        var shortLines = Enumerable.Range(0, 500).Select(i => $"line {i}").ToArray();
        var longLine = string.Concat(Enumerable.Repeat("0123456789", 5_000)); // 50,000 bytes: several buffer growths
        var reading = ReadAsync(connection, shortLines.Length + 2);

        // Many lines and the start of a long one in one write, the rest of it later, then one more line.
        var first = string.Join("\n", shortLines) + "\n" + longLine[..3000];
        await peer.SendAsync(Encoding.UTF8.GetBytes(first).AsMemory(), SocketFlags.None);
        await peer.SendAsync(Encoding.UTF8.GetBytes(longLine[3000..] + "\nlast\n").AsMemory(), SocketFlags.None);

        var lines = await reading.WaitAsync(Patience);
        Assert.Equal(shortLines.Append(longLine).Append("last"), lines);
    }

    [Fact]
    public async Task A_line_over_the_limit_is_refused_before_it_ends()
    {
        var (connection, peer) = await LoopbackPair.ConnectAsync(maxLineBytes: 8 * 1024);
        await using var _ = connection;
        using var __ = peer;
        var reading = ReadAsync(connection, 2);
        // No newline ever comes: the reader must give up once the limit is passed rather than buffer forever.
        var endless = new byte[4096];
        Array.Fill(endless, (byte)'x');
        await peer.SendAsync("ok\n"u8.ToArray().AsMemory(), SocketFlags.None);
        for (var i = 0; i < 4; i++)
        {
            await peer.SendAsync(endless.AsMemory(), SocketFlags.None);
        }
        var error = await Assert.ThrowsAsync<LineTooLongException>(() => reading.WaitAsync(Patience));
        Assert.Equal(8 * 1024, error.MaxLineBytes);
    }

    [Fact]
    public async Task The_stream_ends_cleanly_when_the_peer_closes_and_an_unterminated_line_is_dropped()
    {
        var (connection, peer) = await LoopbackPair.ConnectAsync(maxLineBytes: 1024);
        await using var _ = connection;
        await peer.SendAsync("whole\npartial"u8.ToArray().AsMemory(), SocketFlags.None);
        peer.Shutdown(SocketShutdown.Send);
        var lines = await ReadAsync(connection, int.MaxValue).WaitAsync(Patience);
        peer.Dispose();
        Assert.Equal(["whole"], lines);
    }
}
