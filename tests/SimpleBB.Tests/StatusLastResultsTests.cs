using SimpleBB.Protocol;
using SimpleBB.Status;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>
/// simplebb-status's last results (--project, --builder, --last) on the client side: what it asks, how an older server's
/// snapshot is narrowed instead, and the table.
/// </summary>
public sealed class StatusLastResultsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static RecordedResult Result(string id, string project, string builder, int minute) => new()
    {
        Id = id, Project = project, Revision = "main", Builder = builder, Outcome = Outcomes.Success, ExitCode = 0, DurationMs = 7,
        Uname = new Uname { Sysname = "Linux", Nodename = builder, Release = "6.1", Version = "#1", Machine = "x86_64" }, Runtime = ".NET 10.0.12",
        Finished = new DateTimeOffset(2026, 12, 5, 12, minute, 0, TimeSpan.Zero),
    };

    /// <summary>An older server's snapshot: the latest result per project, revision and builder, oldest first.</summary>
    private static readonly RecordedResult[] Latest =
    [
        Result("x-1", "foo", "b1", 1), Result("y-1", "bar", "b1", 2), Result("x-2", "foo", "b2", 3), Result("x-3", "foo", "b1", 4), Result("y-2", "bar", "b2", 5),
    ];

    [Fact]
    public async Task Against_a_protocol_3_server_the_query_is_sent_and_the_snapshot_is_narrowed_here_newest_first_with_a_notice()
    {
        await using var server = new FakeServer();
        var notices = new List<string>();
        var query = new ResultQuery("foo", null, 2);
        var reading = StatusClient.ReadAsync("127.0.0.1", server.Port, null, null, follow: false, Patience, CancellationToken.None, query: query,
            notice: notices.Add).ToArrayAsync().AsTask();
        await server.AcceptAsync();
        var request = Assert.IsType<StatusRequest>(await server.ReceiveAsync());
        await server.SendAsync(new Welcome { Server = "old", Version = "0.1", Protocol = 3, HeartbeatSeconds = 15 });

        await server.SendAsync(new Snapshot { Builders = [], Results = Latest });

        var snapshot = Assert.IsType<Snapshot>(Assert.Single(await reading.WaitAsync(Patience)));
        Assert.Equal(("foo", null, 2, false), (request.Project, request.Builder, request.Last, request.Follow));
        Assert.Equal(["x-3", "x-2"], snapshot.Results.Select(r => r.Id));
        Assert.Contains("the server speaks protocol 3, older than 4", Assert.Single(notices));
    }

    [Fact]
    public async Task Against_a_protocol_4_server_the_snapshot_is_taken_as_the_answer()
    {
        await using var server = new FakeServer();
        var notices = new List<string>();
        var reading = StatusClient.ReadAsync("127.0.0.1", server.Port, null, null, follow: false, Patience, CancellationToken.None,
            query: new ResultQuery(null, "b1", 20), notice: notices.Add).ToArrayAsync().AsTask();
        await server.AcceptAsync();
        Assert.IsType<StatusRequest>(await server.ReceiveAsync());
        await server.SendAsync(new Welcome { Server = "new", Version = "0.2", Protocol = ProtocolLimits.StatusQueryVersion, HeartbeatSeconds = 15 });

        await server.SendAsync(new Snapshot { Builders = [], Results = [Latest[1], Latest[0]] });

        var snapshot = Assert.IsType<Snapshot>(Assert.Single(await reading.WaitAsync(Patience)));
        Assert.Equal(["y-1", "x-1"], snapshot.Results.Select(r => r.Id));
        Assert.Empty(notices);
    }

    [Fact]
    public void Narrowing_an_older_snapshot_keeps_the_matching_results_of_project_and_builder_newest_first_up_to_the_count()
    {
        Assert.Equal(["x-3", "x-1"], new ResultQuery("foo", "b1", 20).Apply(Latest).Select(r => r.Id));
        Assert.Equal(["y-2", "x-2"], new ResultQuery(null, "b2", 20).Apply(Latest).Select(r => r.Id));
        Assert.Equal(["y-2", "x-3", "x-2"], new ResultQuery(null, null, 3).Apply(Latest).Select(r => r.Id));
        Assert.Empty(new ResultQuery("baz", null, 20).Apply(Latest));
    }

    [Fact]
    public void The_last_results_table_names_what_was_asked_and_keeps_the_snapshots_order()
    {
        var table = StatusFormatter.LastResults(new Snapshot { Builders = [], Results = [Latest[3], Latest[0]] }, new ResultQuery("foo", "b1", 2));

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("LAST RESULTS OF foo on b1 (2, newest first)", lines[0]);
        Assert.Matches(@"^PROJECT/REVISION\s+BUILDER\s+RESULT\s+DURATION\s+BUILD\s+FINISHED$", lines[1]);
        Assert.Matches(@"^foo/main\s+b1\s+SUCCESS\s+7 ms\s+x-3\s+", lines[2]);
        Assert.Matches(@"^foo/main\s+b1\s+SUCCESS\s+7 ms\s+x-1\s+", lines[3]);
        Assert.Equal(4, lines.Length);
    }
}
