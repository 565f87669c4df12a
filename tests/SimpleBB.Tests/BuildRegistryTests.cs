using Serilog.Core;
using SimpleBB.Protocol;
using SimpleBB.Server;
using SimpleBB.Tests.Support;

namespace SimpleBB.Tests;

/// <summary>The registry without sockets: fake peers record what they were sent.</summary>
public sealed class BuildRegistryTests
{
    private readonly BuildRegistry _registry = new(Logger.None, new BuildIds(DateTimeOffset.UtcNow), maxOutstandingPerBuilder: 3, maxRetainedBuilders: 10);

    private static Hello Hello(string name, params string[] scripts) => new()
    {
        Role = Roles.Builder, Name = name, Version = "1", Protocol = ProtocolLimits.Version,
        Scripts = [.. scripts.Select(s => new ScriptInfo { Name = s, Sha256 = new string('a', 64) })],
    };

    private FakePeer Connect(string name, params string[] scripts)
    {
        var peer = new FakePeer(name);
        _registry.Register(name, peer, Hello(name, scripts));
        return peer;
    }

    private static ResultMessage Result(string id, string revision = "master") => new()
    {
        Id = id, Project = "foo", Revision = revision, ExitCode = 0, DurationMs = 1, Runtime = "r", Output = "",
        Uname = new Uname { Sysname = "Linux", Nodename = "n", Release = "1", Version = "1", Machine = "x" },
    };

    [Fact]
    public void A_suggestion_is_queued_on_every_connected_builder_and_counts_those_with_a_script()
    {
        var a = Connect("a", "foo");
        var b = Connect("b");

        var (id, builders, withScript, names) = _registry.Dispatch("foo", "master");

        Assert.Equal((2, 1, (string[]?)null), (builders, withScript, names));
        Assert.Equal(id, Assert.Single(a.SentOf<BuildMessage>()).Id);
        Assert.Equal(id, Assert.Single(b.SentOf<BuildMessage>()).Id);
        Assert.Equal(ResultCheck.Expected, _registry.Check("a", Result(id)));
        Assert.Equal(ResultCheck.Mismatch, _registry.Check("a", Result(id, revision: "other")));
        Assert.Equal(ResultCheck.Unknown, _registry.Check("c", Result(id)));
    }

    [Fact]
    public void The_suggestion_is_announced_before_a_builder_can_report_it_started()
    {
        Connect("a", "foo");
        var order = new List<string>();
        var starting = new Thread(() => { });

        var (id, _, _, _) = _registry.Dispatch("foo", "master", announce: (announced, builders, withScript) =>
        {
            // A builder answering at once (another thread) must wait until the announcement is made.
            starting = new Thread(() =>
            {
                _registry.MarkStarted("a", announced);
                lock (order)
                {
                    order.Add("started");
                }
            });
            starting.Start();
            Assert.False(starting.Join(TimeSpan.FromMilliseconds(200)), "MarkStarted ran while the suggestion was being announced");
            lock (order)
            {
                order.Add($"suggested {builders} {withScript}");
            }
        });
        Assert.True(starting.Join(TimeSpan.FromSeconds(10)));

        Assert.Equal(["suggested 1 1", "started"], order);
        Assert.NotNull(id);
    }

    [Fact]
    public void A_builder_whose_queue_is_full_is_dropped_and_the_others_still_get_the_build()
    {
        var slow = Connect("slow");
        var fine = Connect("fine");
        slow.Full = true;

        var (_, builders, _, _) = _registry.Dispatch("foo", "master");

        Assert.Equal(1, builders);
        Assert.Equal(ErrorCodes.SlowConsumer, slow.DroppedWith);
        Assert.Single(fine.SentOf<BuildMessage>());
    }

    [Fact]
    public void A_disconnected_builder_reports_the_builds_it_still_owes_and_a_completed_one_is_no_longer_owed()
    {
        var peer = Connect("a");
        var done = _registry.Dispatch("foo", "1").Id;
        var owed = _registry.Dispatch("foo", "2").Id;
        _registry.Complete("a", done);

        Assert.Equal([owed], _registry.Unregister("a", peer));
        Assert.Equal(0, _registry.ConnectedBuilders);
        Assert.Equal(ResultCheck.Expected, _registry.Check("a", Result(owed, "2")));
        Assert.Equal(ResultCheck.Unknown, _registry.Check("a", Result(done, "1")));
    }

    [Fact]
    public void A_builder_that_connects_again_replaces_its_old_connection_which_can_no_longer_unregister_it()
    {
        var old = Connect("a");
        var again = new FakePeer("a");

        Assert.Same(old, _registry.Register("a", again, Hello("a")));
        Assert.Empty(_registry.Unregister("a", old));
        Assert.Equal(1, _registry.ConnectedBuilders);
    }

    [Fact]
    public void A_waiting_suggester_is_sent_accepted_at_once_and_results_are_forwarded_until_it_goes()
    {
        Connect("a");
        var waiter = new FakePeer("suggest");

        var (id, _, _, names) = _registry.Dispatch("foo", "master", waiter);

        Assert.Equal(["a"], names!);
        var accepted = Assert.IsType<Accepted>(Assert.Single(waiter.Sent)); // before any result can be forwarded
        Assert.Equal((id, 1), (accepted.Id, accepted.Builders));
        Assert.Equal(["a"], accepted.BuilderNames!);
        Assert.Same(waiter, _registry.AnswerFor(id, "a"));
        Assert.Null(_registry.AnswerFor(id, "a")); // one final answer per builder: a late result after lost is not forwarded
        Assert.Same(waiter, _registry.AnswerFor(id, "b"));
        _registry.ForgetWaiter([id]);
        Assert.Null(_registry.AnswerFor(id, "c"));
    }

    [Fact]
    public void The_oldest_owed_build_is_forgotten_beyond_the_limit()
    {
        Connect("a");
        var ids = Enumerable.Range(0, 4).Select(i => _registry.Dispatch("foo", $"r{i}").Id).ToArray();

        Assert.Equal(ResultCheck.Unknown, _registry.Check("a", Result(ids[0], "r0")));
        Assert.Equal(ResultCheck.Expected, _registry.Check("a", Result(ids[3], "r3")));
    }

    [Fact]
    public void Cancel_goes_only_to_connected_version_3_builders_that_owe_the_build_and_names_the_older_ones()
    {
        var current = Connect("current");
        var old = Connect("old");
        old.Protocol = 2;
        var (id, _, _, _) = _registry.Dispatch("foo", "master");
        var late = Connect("late"); // connected after the suggestion: does not owe it

        var (sent, unable, code, _) = _registry.Cancel(id, null);

        Assert.Equal(["current"], sent);
        Assert.Equal(["old"], unable);
        Assert.Null(code);
        Assert.Equal(id, Assert.Single(current.SentOf<CancelMessage>()).Id);
        Assert.Empty(old.SentOf<CancelMessage>());
        Assert.Empty(late.SentOf<CancelMessage>());
    }

    [Fact]
    public void Cancel_with_nobody_to_tell_answers_why()
    {
        var old = Connect("old");
        old.Protocol = 2;
        Connect("current");
        var (id, _, _, _) = _registry.Dispatch("foo", "master");
        _registry.Complete("current", id);

        Assert.Equal(ErrorCodes.CannotCancel, _registry.Cancel(id, null).ErrorCode);
        Assert.Equal(ErrorCodes.NotRunning, _registry.Cancel(id, "current").ErrorCode);
        Assert.Equal(ErrorCodes.NotRunning, _registry.Cancel(id, "nobody").ErrorCode);
        Assert.Equal(ErrorCodes.UnknownBuild, _registry.Cancel("zzzzzzzz-1", null).ErrorCode);
    }
}
