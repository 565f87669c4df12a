using System.Text;
using SimpleBB.Protocol;
using SimpleBB.Server;

namespace SimpleBB.Tests;

public class SnapshotEncoderTests
{
    private static RecordedResult Result(string revision, string builder, string outcome, string? address = null) => new()
    {
        Id = "b1", Project = "foo", Revision = revision, Builder = builder, Outcome = outcome, ExitCode = outcome == "SUCCESS" ? 0 : 1,
        DurationMs = 12, Runtime = ".NET 10.0.12 \"quoted\" <é>", Finished = DateTimeOffset.UnixEpoch.AddSeconds(1234.5), ScriptSha256 = "ab12",
        Address = address, Uname = new Uname { Sysname = "Linux", Nodename = builder, Release = "6.1.0", Version = "#1\tSMP", Machine = "x86_64" },
    };

    private static BuilderStatus Builder(string name) => new()
    {
        Name = name, Address = "127.0.0.1:5000", Runtime = ".NET 10", ConnectedSince = DateTimeOffset.UnixEpoch,
        Uname = new Uname { Sysname = "Linux", Nodename = name, Release = "6.1.0", Version = "#1", Machine = "x86_64" },
        Scripts = ["bar", "foo"], Running = ["b7"],
    };

    private static string Encoded(SnapshotEncoder encoder, Snapshot snapshot) => Encoding.UTF8.GetString(encoder.Encode(snapshot).Span);

    [Fact]
    public void A_snapshot_is_encoded_byte_for_byte_as_the_protocol_line_status_clients_get()
    {
        var encoder = new SnapshotEncoder();
        var snapshots = new[]
        {
            new Snapshot { Builders = [], Results = [] },
            new Snapshot { Builders = [Builder("a"), Builder("b")], Results = [Result("v1", "a", "SUCCESS", "10.0.0.1:3")] },
            new Snapshot { Builders = [Builder("a")], Results = [Result("v1", "a", "SUCCESS"), Result("v2", "b", "FAILED 3")], RecordingPaused = "disk \"full\"" },
        };

        foreach (var snapshot in snapshots)
        {
            Assert.Equal(Encoding.UTF8.GetString(MessageCodec.Encode(snapshot)), Encoded(encoder, snapshot));
        }
    }

    [Fact]
    public void A_later_snapshot_reuses_kept_results_and_encodes_new_ones_and_drops_replaced_ones()
    {
        var encoder = new SnapshotEncoder();
        var kept = Result("v1", "a", "SUCCESS");
        var replaced = Result("v1", "b", "FAILED 1");
        Encoded(encoder, new Snapshot { Builders = [], Results = [kept, replaced] });

        var later = new Snapshot { Builders = [Builder("a")], Results = [kept, Result("v1", "b", "SUCCESS"), Result("v2", "a", "TIMEOUT")] };

        Assert.Equal(Encoding.UTF8.GetString(MessageCodec.Encode(later)), Encoded(encoder, later));
        Assert.DoesNotContain("FAILED 1", Encoded(encoder, later), StringComparison.Ordinal);
    }
}
