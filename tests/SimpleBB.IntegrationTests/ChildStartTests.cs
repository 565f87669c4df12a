using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>
/// Build scripts and result hooks start as a login shell would start them: no ignored signal (the runtime ignores
/// SIGPIPE, and an ignored signal survives exec), an empty signal mask, a session of their own, stdin from /dev/null.
/// Each probe script writes what it sees into files beside it; the test process runs the builder and server in-process,
/// so it ignores SIGPIPE itself, as the daemons do.
/// </summary>
public sealed class ChildStartTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// A script body that records its signal state, session, stdin, and what a broken pipe prints, as &lt;prefix&gt;.*.
    /// The shell reads its own status with a builtin: a child (grep) reading it could catch the shell while it forks,
    /// when dash blocks every signal for a moment.
    /// </summary>
    private string Probe(string prefix) => $$"""
        while IFS= read -r line; do case "$line" in SigBlk:*|SigIgn:*) echo "$line";; esac; done < /proc/$$/status > {{_dir[prefix + ".signals"]}}
        set -- $(cut -d' ' -f1,6 /proc/$$/stat)
        [ "$1" = "$2" ] && echo leader > {{_dir[prefix + ".session"]}} || echo "pid $1 session $2" > {{_dir[prefix + ".session"]}}
        readlink /proc/$$/fd/0 > {{_dir[prefix + ".stdin"]}}
        { yes | head -c 1 > /dev/null; } 2> {{_dir[prefix + ".pipe"]}}
        echo done > {{_dir[prefix + ".done"]}}
        """;

    private async Task AssertShellLikeAsync(string prefix)
    {
        await Eventually.TrueAsync(() => File.Exists(_dir[prefix + ".done"]), prefix + " probe to finish");
        Assert.Equal(["SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"], File.ReadAllLines(_dir[prefix + ".signals"]));
        Assert.Equal("leader", File.ReadAllText(_dir[prefix + ".session"]).Trim());
        Assert.Equal("/dev/null", File.ReadAllText(_dir[prefix + ".stdin"]).Trim());
        Assert.Equal("", File.ReadAllText(_dir[prefix + ".pipe"]));
    }

    [Fact]
    public async Task A_build_script_sees_no_ignored_signal_an_empty_mask_its_own_session_and_stdin_from_dev_null()
    {
        _dir.Script("scripts", "probe", Probe("build"));
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"]);
        await server.WaitForBuildersAsync(1);

        await SuggestClient.SuggestAsync("127.0.0.1", server.Port, "test", "probe", ["main"], TimeSpan.FromSeconds(10), CancellationToken.None);

        await server.WaitForLogAsync("SUCCESS probe/main on alpha (");
        await AssertShellLikeAsync("build");
    }

    [Fact]
    public async Task A_result_hook_sees_no_ignored_signal_an_empty_mask_its_own_session_and_stdin_from_dev_null()
    {
        _dir.Script("scripts", "foo", "exit 0");
        var hook = _dir.Script("hooks", "probe", Probe("hook"));
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { OnResult = hook });
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"]);
        await server.WaitForBuildersAsync(1);

        await SuggestClient.SuggestAsync("127.0.0.1", server.Port, "test", "foo", ["main"], TimeSpan.FromSeconds(10), CancellationToken.None);

        await AssertShellLikeAsync("hook");
    }

    [Fact]
    public async Task A_grandchild_that_ignores_SIGTERM_is_gone_with_the_whole_tree_after_the_grace()
    {
        var grandchild = _dir.Script("bin", "grandchild", $"trap '' TERM\necho $$ > {_dir["grandchild.pid"]}\nwhile true; do sleep 0.1; done");
        var child = _dir.Script("bin", "child", $"{grandchild} &\necho $$ > {_dir["child.pid"]}\nwait");
        _dir.Script("scripts", "tree", $"{child} &\necho $$ > {_dir["script.pid"]}\nwait");
        await using var server = ServerFixture.Start(_dir.Path);
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"],
            o => o with { BuildTimeout = TimeSpan.FromSeconds(1), KillGrace = TimeSpan.FromSeconds(1) });
        await server.WaitForBuildersAsync(1);

        await SuggestClient.SuggestAsync("127.0.0.1", server.Port, "test", "tree", ["main"], TimeSpan.FromSeconds(10), CancellationToken.None);
        int[] pids = [await Pids.ReadAsync(_dir["script.pid"]), await Pids.ReadAsync(_dir["child.pid"]), await Pids.ReadAsync(_dir["grandchild.pid"])];
        Assert.All(pids, pid => Assert.True(Pids.IsAlive(pid)));

        await server.WaitForLogAsync("TIMEOUT tree/main on alpha (");
        // SIGKILL was sent before the result was reported; the kernel may take a moment to finish each process off.
        await Eventually.TrueAsync(() => !pids.Any(Pids.IsAlive), "the script, its child and the grandchild that ignores SIGTERM to be gone",
            TimeSpan.FromSeconds(2));
    }
}
