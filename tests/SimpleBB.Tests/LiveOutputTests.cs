using System.Text;
using SimpleBB.Builder;

namespace SimpleBB.Tests;

public sealed class LiveOutputTests
{
    private static void Write(LiveOutput live, string text) => live.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>Takes one chunk of at most <paramref name="max"/> bytes; null when there was nothing.</summary>
    private static (string Data, long Skipped)? Take(LiveOutput live, int max = 4096)
    {
        (string, long)? taken = null;
        return live.TryTake(max, (data, skipped) =>
        {
            taken = (data, skipped);
            return true;
        }) >= 0 ? taken : null;
    }

    [Fact]
    public void Output_is_taken_in_order_in_chunks_of_the_size_asked()
    {
        var live = new LiveOutput(64);
        Write(live, "hello ");
        Write(live, "world\n");

        Assert.Equal(("hello ", 0L), Take(live, 6));
        Assert.Equal(("world\n", 0L), Take(live, 6));
        Assert.Null(Take(live));
        Assert.Equal(0, live.Pending);
    }

    [Fact]
    public void A_chunk_the_sender_refuses_stays_for_the_next_attempt()
    {
        var live = new LiveOutput(64);
        Write(live, "line one\n");

        Assert.Equal(-1, live.TryTake(100, (_, _) => false));

        Assert.Equal(9, live.Pending);
        Assert.Equal(("line one\n", 0L), Take(live));
    }

    [Fact]
    public void A_full_ring_drops_the_oldest_bytes_and_the_next_chunk_says_how_many()
    {
        var live = new LiveOutput(16);
        Write(live, "0123456789\n");
        Write(live, "abcdefghij\n"); // 22 bytes into 16: the oldest 6 go

        var (data, skipped) = Take(live, 100)!.Value;

        Assert.Equal(6, skipped);
        Assert.Equal("[simplebb: 6 bytes of output skipped]\n6789\nabcdefghij\n", data);
        Assert.Equal(6, live.TotalSkipped);
        Assert.Null(Take(live));
    }

    [Fact]
    public void A_skip_note_after_a_partial_line_starts_on_a_line_of_its_own()
    {
        var live = new LiveOutput(16);
        Write(live, "partial");
        Take(live);
        Write(live, "0123456789abcdefXYZ");

        var (data, skipped) = Take(live, 100)!.Value;

        Assert.Equal(3, skipped);
        Assert.Equal("\n[simplebb: 3 bytes of output skipped]\n3456789abcdefXYZ", data);
    }

    [Fact]
    public void A_write_larger_than_the_ring_keeps_its_end()
    {
        var live = new LiveOutput(16);
        Write(live, "old\n");
        Write(live, new string('x', 100) + "END\n");

        var (data, skipped) = Take(live, 100)!.Value;

        Assert.Equal(4 + 104 - 16, skipped);
        Assert.Equal("[simplebb: 92 bytes of output skipped]\n" + new string('x', 12) + "END\n", data);
    }

    [Fact]
    public void Chunks_are_cut_between_characters_never_inside_one()
    {
        var live = new LiveOutput(64);
        Write(live, "ab€cd"); // € is three bytes: a, b, 0xE2 0x82 0xAC, c, d

        Assert.Equal(("ab", 0L), Take(live, 3));
        Assert.Equal(("€", 0L), Take(live, 3));
        Assert.Equal(("cd", 0L), Take(live, 3));
    }

    [Fact]
    public void Dropping_the_oldest_never_leaves_half_a_character_at_the_start()
    {
        var live = new LiveOutput(8);
        Write(live, "€€€"); // 9 bytes into 8: one byte of the first € would remain

        var (data, skipped) = Take(live, 100)!.Value;

        Assert.Equal(3, skipped);
        Assert.Equal("[simplebb: 3 bytes of output skipped]\n€€", data);
    }

    [Fact]
    public void Writing_a_hundred_megabytes_with_no_reader_holds_only_the_ring()
    {
        var live = new LiveOutput(64 * 1024);
        var block = new byte[16 * 1024];
        Array.Fill(block, (byte)'x');
        for (var i = 0; i < 6400; i++)
        {
            live.Write(block);
        }

        Assert.Equal(64 * 1024, live.Pending);
        Assert.Equal(6400L * block.Length - 64 * 1024, live.TotalSkipped);
    }
}
