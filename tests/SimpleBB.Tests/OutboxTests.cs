using SimpleBB.Builder;
using SimpleBB.Protocol;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>The builder's outbox: a result is kept on disk until acknowledged, and nothing torn is ever sent.</summary>
public sealed class OutboxTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Frame(string id) => MessageCodec.Encode(new ResultMessage
    {
        Id = id, Project = "foo", Revision = "main", ExitCode = 0, DurationMs = 1, Uname = new Uname { Sysname = "Linux", Nodename = "host", Release = "6.1", Version = "#1", Machine = "x86_64" },
        Runtime = ".NET 10", Output = "",
    }).ToArray();

    [Fact]
    public void A_stored_result_is_read_back_until_it_is_removed()
    {
        var outbox = new Outbox(_dir.Path);
        outbox.Store("b-1", Frame("b-1"));

        Assert.Equal(Frame("b-1"), Assert.Single(outbox.ReadAll()).Frame);
        Assert.True(outbox.Remove("b-1"));
        Assert.Empty(outbox.ReadAll());
        Assert.Equal(0, outbox.Count);
    }

    [Fact]
    public void A_result_torn_by_a_crash_while_it_was_stored_is_deleted_at_start_and_a_complete_one_is_kept()
    {
        var whole = Frame("b-1");
        var torn = Frame("b-2");
        File.WriteAllBytes(_dir.File("b-1.result"), whole);
        File.WriteAllBytes(_dir.File("b-2.result"), torn[..(torn.Length / 2)]);
        File.WriteAllBytes(_dir.File("b-3.result.tmp"), Frame("b-3")); // how builders before 0.2.0 stored a result

        var outbox = new Outbox(_dir.Path);

        Assert.Equal(["b-1", "b-3"], outbox.ReadAll().Select(e => e.Id).Order());
        Assert.False(File.Exists(_dir.File("b-2.result")));
    }

    [Fact]
    public void A_result_still_being_written_is_not_read()
    {
        var outbox = new Outbox(_dir.Path);
        var frame = Frame("b-1");
        File.WriteAllBytes(_dir.File("b-1.result"), frame[..^1]);

        Assert.Empty(outbox.ReadAll());
    }
}
