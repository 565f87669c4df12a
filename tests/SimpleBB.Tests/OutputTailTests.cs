using System.Text;
using SimpleBB.Builder;

namespace SimpleBB.Tests;

public sealed class OutputTailTests
{
    private static void Write(OutputTail tail, string text) => tail.Write(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Everything_under_the_capacity_is_kept()
    {
        var tail = new OutputTail(16);

        Write(tail, "hello");
        Write(tail, " world");

        Assert.Equal("hello world", tail.ToString());
        Assert.Equal(11, tail.TotalBytes);
    }

    [Fact]
    public void Exactly_the_capacity_is_kept_whole()
    {
        var tail = new OutputTail(8);

        Write(tail, "abcd");
        Write(tail, "efgh");

        Assert.Equal("abcdefgh", tail.ToString());
    }

    [Fact]
    public void Nothing_written_gives_an_empty_tail()
    {
        var tail = new OutputTail(8);

        Assert.Equal("", tail.ToString());
        Assert.Equal(0, tail.TotalBytes);
    }

    [Fact]
    public void Many_small_writes_keep_exactly_the_last_bytes()
    {
        var tail = new OutputTail(10);
        var all = new StringBuilder();

        for (var i = 0; i < 500; i++)
        {
            var chunk = new string((char)('a' + (i % 26)), 1 + (i % 7));
            Write(tail, chunk);
            all.Append(chunk);
        }

        var expected = all.ToString();
        Assert.Equal(expected[^10..], tail.ToString());
        Assert.Equal(expected.Length, tail.TotalBytes);
    }

    [Fact]
    public void One_huge_write_keeps_its_last_bytes()
    {
        var tail = new OutputTail(10);
        var huge = string.Concat(Enumerable.Range(0, 1000).Select(i => (char)('0' + (i % 10)))) + "THE-END!!!";

        Write(tail, huge);

        Assert.Equal("THE-END!!!", tail.ToString());
        Assert.Equal(huge.Length, tail.TotalBytes);
    }

    [Fact]
    public void A_huge_write_after_small_ones_and_small_ones_after_it_keep_the_order()
    {
        var tail = new OutputTail(10);

        Write(tail, "abc");
        Write(tail, "0123456789ABCDEFGHIJKLM"); // 23 bytes: not a multiple of the capacity
        Assert.Equal("DEFGHIJKLM", tail.ToString());

        Write(tail, "xy");
        Assert.Equal("FGHIJKLMxy", tail.ToString());
        Assert.Equal(28, tail.TotalBytes);
    }

    [Fact]
    public void Any_mix_of_write_sizes_keeps_exactly_the_last_capacity_bytes()
    {
        var random = new Random(4096);
        foreach (var capacity in new[] { 1, 2, 7, 64, 100 })
        {
            var tail = new OutputTail(capacity);
            var all = new List<byte>();
            for (var i = 0; i < 300; i++)
            {
                var chunk = new byte[random.Next(0, capacity * 3)];
                for (var j = 0; j < chunk.Length; j++)
                {
                    chunk[j] = (byte)random.Next('!', '~' + 1); // printable ASCII: no decoding surprises
                }
                tail.Write(chunk);
                all.AddRange(chunk);

                var expected = Encoding.ASCII.GetString(all.Count <= capacity ? [.. all] : [.. all.Skip(all.Count - capacity)]);
                Assert.Equal(expected, tail.ToString());
                Assert.Equal(all.Count, tail.TotalBytes);
            }
        }
    }

    [Theory]
    [InlineData("a€bc", 4, "bc")] // € is E2 82 AC: the tail starts with 82 AC
    [InlineData("a€bc", 3, "bc")] // tail starts with AC
    [InlineData("😀ab", 5, "ab")] // 😀 is F0 9F 98 80: the tail starts with 9F 98 80
    [InlineData("😀ab", 3, "ab")] // tail starts with 80
    [InlineData("xé€😀end", 6, "end")] // 13 bytes; the last 6 start with the emoji's 9F 98 80
    public void A_character_cut_at_the_start_of_the_tail_is_dropped(string text, int capacity, string expected)
    {
        var tail = new OutputTail(capacity);

        Write(tail, text);

        var result = tail.ToString();
        Assert.Equal(expected, result);
        Assert.DoesNotContain('\uFFFD', result);
    }

    [Fact]
    public void A_character_cut_at_the_start_is_dropped_after_many_small_writes_too()
    {
        var tail = new OutputTail(5);

        foreach (var piece in new[] { "ab", "c", "€", "d", "ef" })
        {
            Write(tail, piece);
        }

        // "abc€def" is 61 62 63 E2 82 AC 64 65 66; the last 5 bytes are 82 AC 64 65 66.
        Assert.Equal("def", tail.ToString());
    }

    [Fact]
    public void A_whole_character_at_the_start_of_the_tail_is_kept()
    {
        var tail = new OutputTail(5);

        Write(tail, "x€ab");

        Assert.Equal("€ab", tail.ToString());
    }

    [Fact]
    public void TotalBytes_counts_bytes_not_characters()
    {
        var tail = new OutputTail(1024);

        Write(tail, "€😀");

        Assert.Equal(7, tail.TotalBytes);
        Assert.Equal("€😀", tail.ToString());
    }
}
