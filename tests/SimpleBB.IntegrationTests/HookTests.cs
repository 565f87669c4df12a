using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Suggest;

namespace SimpleBB.IntegrationTests;

/// <summary>--on-result: real hook scripts run by a real server for results real builders report.</summary>
public sealed class HookTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static async Task<string> SuggestAsync(int port, string project, string revision, string? token = null) =>
        Assert.Single(await SuggestClient.SuggestAsync("127.0.0.1", port, "test", project, [revision], TimeSpan.FromSeconds(10), CancellationToken.None, token)).BuildId!;

    private string[] Hooked => File.Exists(_dir["hooked"]) ? File.ReadAllLines(_dir["hooked"]) : [];

    /// <summary>A hook that writes its SIMPLEBB_ variables to env-&lt;build id&gt;-&lt;builder&gt;.</summary>
    private string EnvHook() => _dir.Script("hooks", "env",
        $"env | grep '^SIMPLEBB_' > {_dir.Path}/.env-$$ && mv {_dir.Path}/.env-$$ {_dir.Path}/env-$SIMPLEBB_BUILD_ID-$SIMPLEBB_BUILDER");

    private Dictionary<string, string> EnvOf(string id, string builder) =>
        File.ReadAllLines(_dir[$"env-{id}-{builder}"]).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public async Task A_hook_gets_the_outcome_word_project_revision_builder_id_exit_code_duration_output_file_and_urls()
    {
        _dir.Script("scripts", "foo", "echo built $1; case $1 in bad*) exit 3;; esac");
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { OnResult = EnvHook(), WebBaseUrl = "http://ci.example:8080/" });
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "b1", _dir["scripts"]);
        await server.WaitForBuildersAsync(1);

        var good = await SuggestAsync(server.Port, "foo", "good1");
        await Eventually.TrueAsync(() => File.Exists(_dir[$"env-{good}-b1"]), "the first hook\n" + server.Log);
        var bad = await SuggestAsync(server.Port, "foo", "bad1");
        await Eventually.TrueAsync(() => File.Exists(_dir[$"env-{bad}-b1"]), "the second hook\n" + server.Log);

        var first = EnvOf(good, "b1");
        Assert.Equal("success", first["SIMPLEBB_RESULT"]);
        Assert.Equal("", first["SIMPLEBB_LAST_RESULT"]);
        Assert.Equal("foo", first["SIMPLEBB_PROJECT"]);
        Assert.Equal("good1", first["SIMPLEBB_REVISION"]);
        Assert.Equal("b1", first["SIMPLEBB_BUILDER"]);
        Assert.Equal(good, first["SIMPLEBB_BUILD_ID"]);
        Assert.Equal("0", first["SIMPLEBB_EXIT_CODE"]);
        Assert.True(long.Parse(first["SIMPLEBB_DURATION_MS"], CultureInfo.InvariantCulture) >= 0);
        Assert.Equal(Path.Combine(_dir.Path, "logs", "foo", $"{good}-b1.log"), first["SIMPLEBB_OUTPUT_FILE"]);
        Assert.Contains("built good1", File.ReadAllText(first["SIMPLEBB_OUTPUT_FILE"]));
        Assert.Equal("http://ci.example:8080/", first["SIMPLEBB_URL"]);
        Assert.Equal($"http://ci.example:8080/build/{good}", first["SIMPLEBB_BUILD_URL"]);

        var second = EnvOf(bad, "b1");
        Assert.Equal("failed", second["SIMPLEBB_RESULT"]);
        Assert.Equal("success", second["SIMPLEBB_LAST_RESULT"]);
        Assert.Equal("FAILED 3", second["SIMPLEBB_OUTCOME"]);
        Assert.Equal("3", second["SIMPLEBB_EXIT_CODE"]);
    }

    [Fact]
    public async Task Last_result_is_the_previous_result_of_the_same_project_on_the_same_builder()
    {
        _dir.Script("passing", "foo", "exit 0");
        _dir.Script("failing", "foo", "exit 1");
        _dir.Script("passing", "bar", "exit 2");
        _dir.Script("failing", "bar", "exit 2");
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { OnResult = EnvHook() });
        await using var b1 = BuilderFixture.Start(_dir.Path, server.Port, "b1", _dir["passing"]);
        await using var b2 = BuilderFixture.Start(_dir.Path, server.Port, "b2", _dir["failing"]);
        await server.WaitForBuildersAsync(2);

        async Task<string> BuildAsync(string project, string revision)
        {
            var id = await SuggestAsync(server.Port, project, revision);
            await Eventually.TrueAsync(() => File.Exists(_dir[$"env-{id}-b1"]) && File.Exists(_dir[$"env-{id}-b2"]), $"the hooks of {id}\n" + server.Log);
            return id;
        }
        await BuildAsync("foo", "r1");
        await BuildAsync("bar", "r1");
        var id = await BuildAsync("foo", "r2");

        Assert.Equal("success", EnvOf(id, "b1")["SIMPLEBB_LAST_RESULT"]); // not bar's failure, nor b2's
        Assert.Equal("success", EnvOf(id, "b1")["SIMPLEBB_RESULT"]);
        Assert.Equal("failed", EnvOf(id, "b2")["SIMPLEBB_LAST_RESULT"]);
        Assert.Equal("failed", EnvOf(id, "b2")["SIMPLEBB_RESULT"]);
    }

    [Fact]
    public async Task Hooks_of_one_project_run_one_at_a_time_in_recording_order()
    {
        _dir.Script("scripts", "p1", "echo $1");
        _dir.Script("scripts", "p2", "echo $1");
        var hook = _dir.Script("hooks", "order", $"""
            echo "start $SIMPLEBB_PROJECT $SIMPLEBB_BUILD_ID" >> {_dir["order"]}
            sleep 0.0$(( ${"{"}SIMPLEBB_REVISION#r{"}"} % 4 ))
            echo "end $SIMPLEBB_PROJECT $SIMPLEBB_BUILD_ID" >> {_dir["order"]}
            """);
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { OnResult = hook, OnResultJobs = 4 });
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "b1", _dir["scripts"], o => o with { Jobs = 3 });
        await server.WaitForBuildersAsync(1);

        for (var i = 0; i < 12; i++)
        {
            await SuggestAsync(server.Port, "p1", $"r{i}");
            await SuggestAsync(server.Port, "p2", $"r{i}");
        }
        string[] Lines() => File.Exists(_dir["order"]) ? File.ReadAllLines(_dir["order"]) : [];
        await Eventually.TrueAsync(() => Lines().Count(l => l.StartsWith("end", StringComparison.Ordinal)) == 24, "24 hooks\n" + server.Log);

        foreach (var project in new[] { "p1", "p2" })
        {
            var recorded = LogFiles.Lines(server.LogPath).Where(l => l.Contains($" {project}/r", StringComparison.Ordinal) && l.Contains("] from ", StringComparison.Ordinal))
                .Select(l => l.Split("[build ")[1].Split(']')[0]).ToArray();
            var lines = Lines().Where(l => l.Contains($" {project} ", StringComparison.Ordinal)).ToArray();
            Assert.Equal(recorded, lines.Where(l => l.StartsWith("start", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]));
            for (var i = 0; i < lines.Length; i += 2)
            {
                Assert.Equal(lines[i].Replace("start", "end", StringComparison.Ordinal), lines[i + 1]); // no overlap within a project
            }
        }
    }

    [Fact]
    public async Task Each_result_is_hooked_exactly_once_when_the_server_is_killed_with_kill_9_before_and_after_its_hook()
    {
        const string token = "hook-test-token";
        _dir.Script("scripts", "foo", "echo $1");
        var hook = _dir.Script("hooks", "once", $"""
            case $SIMPLEBB_REVISION in slow*) echo $$ > {_dir["hook-pid"]}; while [ ! -e {_dir["release"]} ]; do sleep 0.02; done;; esac
            echo "$SIMPLEBB_BUILD_ID" >> {_dir["hooked"]}
            """);
        var port = EndToEndTests.FreePort();
        var log = _dir["server.log"];
        ChildProcess Start() => ChildProcess.Start("server",
            ["--listen", "127.0.0.1", "--port", P(port), "--log-file", log, "--quiet", "--token", token, "--on-result", hook]);
        var server = Start();
        await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == 1, "the server to listen\n" + server.Output);
        await using var builder = BuilderFixture.Start(_dir.Path, port, "b1", _dir["scripts"], o => o with { Token = token });
        await Eventually.TrueAsync(() => LogFiles.Count(log, "Builder b1 connected") == 1, "the builder to connect");

        var ids = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            ids.Add(await SuggestAsync(port, "foo", $"q{i}", token));
        }
        await Eventually.TrueAsync(() => Hooked.Length == 3, "three hooks before the kill\n" + LogFiles.Read(log));
        ids.Add(await SuggestAsync(port, "foo", "slow", token));
        await Eventually.TrueAsync(() => File.Exists(_dir["hook-pid"]), "the slow hook to start");
        for (var i = 4; i <= 5; i++)
        {
            ids.Add(await SuggestAsync(port, "foo", $"q{i}", token)); // recorded, hook waiting behind the slow one
        }
        await Eventually.TrueAsync(() => ids.All(id => LogFiles.Count(log, $"[build {id}] from") == 1), "every result recorded\n" + LogFiles.Read(log));

        await server.KillHardAsync();
        // As on a crashed machine, the running hook dies too (it has a process group of its own).
        var hookPid = int.Parse(File.ReadAllText(_dir["hook-pid"]).Trim(), CultureInfo.InvariantCulture);
        _ = kill(-hookPid, 9);
        await Eventually.TrueAsync(() => !Alive(hookPid), "the slow hook to die");
        File.WriteAllText(_dir["release"], "");
        Assert.Equal(3, Hooked.Length);

        await using var restarted = Start();
        await Eventually.TrueAsync(() => LogFiles.Count(log, "Builder b1 connected") == 2, "the builder to reconnect\n" + LogFiles.Read(log));
        ids.Add(await SuggestAsync(port, "foo", "q6", token));
        await Eventually.TrueAsync(() => Hooked.Contains(ids[^1]), "the hook of a result after the restart\n" + LogFiles.Read(log));

        Assert.Equal(ids, Hooked); // each once, in recording order
        Assert.Contains("Hooking 3 result(s) recorded before the restart", LogFiles.Read(log));
        Assert.Equal(0, await restarted.TerminateAsync());
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Results_that_do_not_fit_in_the_hook_queue_wait_in_the_store_and_are_hooked_in_order()
    {
        _dir.Script("scripts", "foo", "echo $1");
        var hook = _dir.Script("hooks", "gate", $"""
            while [ ! -e {_dir["release"]} ]; do sleep 0.02; done
            echo "$SIMPLEBB_BUILD_ID" >> {_dir["hooked"]}
            """);
        var ids = new List<string>();
        await using (var server = ServerFixture.Start(_dir.Path, configure: o => o with { OnResult = hook, OnResultQueue = 2 }))
        {
            await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "b1", _dir["scripts"]);
            await server.WaitForBuildersAsync(1);
            for (var i = 1; i <= 5; i++)
            {
                ids.Add(await SuggestAsync(server.Port, "foo", $"r{i}"));
            }
            await Eventually.TrueAsync(() => builder.Agent.Outbox.Count == 0 && ids.All(id => server.Log.Contains($"[build {id}] from", StringComparison.Ordinal)),
                "every result recorded and acknowledged\n" + server.Log);
            await server.WaitForLogAsync("Result hooks fall behind: 2 results already wait for their hook");
            Assert.Equal(2, server.Server.Hooks!.Queued); // the other three wait in the store, not in memory

            File.WriteAllText(_dir["release"], "");
            await Eventually.TrueAsync(() => Hooked.Length == 5, "every hook once the queue has room\n" + server.Log);
            await builder.StopAsync();
        }
        Assert.Equal(ids, Hooked); // each once, in recording order
    }

    [Fact]
    public async Task A_hook_still_running_when_the_server_stops_is_killed_after_a_grace_and_runs_again_after_the_restart()
    {
        const string token = "hook-test-token";
        _dir.Script("scripts", "foo", "echo $1");
        var hook = _dir.Script("hooks", "slow", $"""
            echo $$ >> {_dir["hook-pids"]}
            while [ ! -e {_dir["release"]} ]; do sleep 0.02; done
            echo "$SIMPLEBB_BUILD_ID" >> {_dir["hooked"]}
            """);
        var port = EndToEndTests.FreePort();
        var log = _dir["server.log"];
        ChildProcess Start() => ChildProcess.Start("server",
            ["--listen", "127.0.0.1", "--port", P(port), "--log-file", log, "--quiet", "--token", token, "--on-result", hook]);
        var server = Start();
        await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == 1, "the server to listen\n" + server.Output);
        await using var builder = BuilderFixture.Start(_dir.Path, port, "b1", _dir["scripts"], o => o with { Token = token });
        await Eventually.TrueAsync(() => LogFiles.Count(log, "Builder b1 connected") == 1, "the builder to connect");
        var id = await SuggestAsync(port, "foo", "r1", token);
        await Eventually.TrueAsync(() => File.Exists(_dir["hook-pids"]), "the hook to start\n" + LogFiles.Read(log));
        var pid = int.Parse(File.ReadAllLines(_dir["hook-pids"])[0], CultureInfo.InvariantCulture);

        Assert.Equal(0, await server.TerminateAsync());
        Assert.False(Alive(pid));
        Assert.Contains("1 result(s) still wait for their hook; they are hooked after the next start", LogFiles.Read(log));

        File.WriteAllText(_dir["release"], "");
        await using var restarted = Start();
        await Eventually.TrueAsync(() => Hooked.Contains(id), "the hook again after the restart\n" + LogFiles.Read(log));
        Assert.Equal([id], Hooked);
        Assert.Equal(2, File.ReadAllLines(_dir["hook-pids"]).Length);
        Assert.Equal(0, await restarted.TerminateAsync());
    }

    [Fact]
    public async Task A_hanging_hook_and_its_child_are_killed_at_the_timeout_and_recording_and_hooking_go_on()
    {
        _dir.Script("scripts", "foo", "echo $1");
        _dir.Script("scripts", "bar", "echo $1");
        var hook = _dir.Script("hooks", "hang", $"""
            if [ "$SIMPLEBB_REVISION" = stuck ]; then
                sleep 300 & echo $! > {_dir["child-pid"]}
                echo $$ > {_dir["hook-pid"]}
                echo "about to hang"
                wait
            fi
            echo "$SIMPLEBB_BUILD_ID" >> {_dir["hooked"]}
            """);
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { OnResult = hook, OnResultTimeout = TimeSpan.FromSeconds(2) });
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "b1", _dir["scripts"]);
        await server.WaitForBuildersAsync(1);

        var stuck = await SuggestAsync(server.Port, "foo", "stuck");
        await Eventually.TrueAsync(() => File.Exists(_dir["child-pid"]) && File.Exists(_dir["hook-pid"]), "the hanging hook to start");
        var other = await SuggestAsync(server.Port, "bar", "r1");
        await Eventually.TrueAsync(() => Hooked.Contains(other), "another project's hook while one hangs\n" + server.Log);
        await server.WaitForLogAsync("was killed with its process group");

        var pids = new[] { "hook-pid", "child-pid" }.Select(f => int.Parse(File.ReadAllText(_dir[f]).Trim(), CultureInfo.InvariantCulture)).ToArray();
        await Eventually.TrueAsync(() => !pids.Any(Alive), "the hook and its child to be gone");
        var warning = Assert.Single(LogFiles.Lines(server.LogPath), l => l.Contains("was killed", StringComparison.Ordinal));
        Assert.Contains("[WRN]", warning);
        Assert.Contains(stuck, warning);
        Assert.Contains("about to hang", warning);
        Assert.DoesNotContain(stuck, Hooked);

        var after = await SuggestAsync(server.Port, "foo", "after");
        await Eventually.TrueAsync(() => Hooked.Contains(after), "the same project's next hook\n" + server.Log);
    }

    [Fact]
    public async Task A_failing_hook_is_logged_with_its_last_line_and_results_are_still_acknowledged()
    {
        _dir.Script("scripts", "foo", "echo $1");
        // Both lines on one stream: lines of stdout and stderr reach the server through two pipes, in either order.
        var hook = _dir.Script("hooks", "fail", "echo first line >&2; echo 'smtp server refused' >&2; exit 7");
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { OnResult = hook });
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "b1", _dir["scripts"]);
        await server.WaitForBuildersAsync(1);

        var ids = new[] { await SuggestAsync(server.Port, "foo", "r1"), await SuggestAsync(server.Port, "foo", "r2") };
        await server.WaitForLogAsync("failed with exit code 7", count: 2);
        await Eventually.TrueAsync(() => builder.Agent.Outbox.Count == 0, "every result acknowledged");
        foreach (var id in ids)
        {
            var line = Assert.Single(LogFiles.Lines(server.LogPath), l => l.Contains($"build {id} on b1 failed with exit code 7", StringComparison.Ordinal));
            Assert.Contains("[WRN]", line);
            Assert.Contains("smtp server refused", line);
        }
    }

    [Fact]
    public async Task A_hook_that_cannot_start_is_logged_and_results_are_still_acknowledged()
    {
        _dir.Script("scripts", "foo", "echo $1");
        var missing = _dir["hooks/nothing-here"];
        await using var server = ServerFixture.Start(_dir.Path, configure: o => o with { OnResult = missing });
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "b1", _dir["scripts"]);
        await server.WaitForBuildersAsync(1);

        var id = await SuggestAsync(server.Port, "foo", "r1");
        await server.WaitForLogAsync($"could not start for build {id} on b1");
        await Eventually.TrueAsync(() => builder.Agent.Outbox.Count == 0, "the result acknowledged");
        Assert.Contains($"The result hook {missing} does not exist", server.Log);
    }

    [Fact]
    public async Task The_email_example_run_by_a_server_mails_a_broken_project_with_the_server_environment()
    {
        _dir.Script("bin", "sendmail", $"env > {_dir["sendmail-env"]}; cat >> {_dir["mail"]}; echo ---- >> {_dir["mail"]}");
        _dir.Script("scripts", "foo", "echo building $1; case $1 in *bad*) echo 'error: tests failed'; exit 2;; esac");
        var port = EndToEndTests.FreePort();
        var log = _dir["server.log"];
        var env = new Dictionary<string, string>
        {
            ["PATH"] = _dir["bin"] + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["SIMPLEBB_MAIL_TO"] = "dev@example.org",
            ["SIMPLEBB_TOKEN"] = "hook-test-token",
        };
        await using var server = ChildProcess.Start("server",
            ["--listen", "127.0.0.1", "--port", P(port), "--log-file", log, "--quiet",
             "--on-result", Path.Combine(Executables.RepositoryRoot, "examples", "hooks", "notify-email")], env);
        await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == 1, "the server to listen\n" + server.Output);
        await using var builder = BuilderFixture.Start(_dir.Path, port, "b1", _dir["scripts"], o => o with { Token = "hook-test-token" });
        await Eventually.TrueAsync(() => LogFiles.Count(log, "Builder b1 connected") == 1, "the builder to connect");

        await SuggestAsync(port, "foo", "v1", "hook-test-token");
        var bad = await SuggestAsync(port, "foo", "v2-bad", "hook-test-token");
        await Eventually.TrueAsync(() => LogFiles.Count(log, $"Result hook for build {bad} on b1 ran") == 1, "the mail\n" + LogFiles.Read(log));

        var mail = File.ReadAllText(_dir["mail"]);
        Assert.Single(mail.Split("----\n", StringSplitOptions.RemoveEmptyEntries)); // the first success sends nothing
        Assert.Contains("Subject: [SimpleBB] foo failed on b1 (was success)", mail);
        Assert.Contains($"Build id:  {bad}", mail);
        Assert.Contains(Path.Combine(_dir.Path, "logs", "foo", $"{bad}-b1.log"), mail);
        Assert.Contains("error: tests failed", mail);
        Assert.Contains("mailed dev@example.org: foo failed on b1 (was success)", LogFiles.Read(log));
        var seen = File.ReadAllText(_dir["sendmail-env"]);
        Assert.Contains("SIMPLEBB_MAIL_TO=dev@example.org", seen); // the server's environment reaches the hook...
        Assert.DoesNotContain("hook-test-token", seen); // ...but not its token
        Assert.Equal(0, await server.TerminateAsync());
    }

    [Fact]
    public async Task The_email_example_mails_a_changed_result_through_sendmail_and_stays_quiet_when_it_is_unchanged()
    {
        _dir.Script("bin", "sendmail", $"echo \"$@\" >> {_dir["sendmail-args"]}; cat >> {_dir["mail"]}");
        File.WriteAllText(_dir["output.log"], "compiling\nerror: it broke\n");
        var env = new Dictionary<string, string>
        {
            ["PATH"] = _dir["bin"] + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["SIMPLEBB_MAIL_TO"] = "dev@example.org",
            ["SIMPLEBB_MAIL_FROM"] = "ci@example.org",
            ["SIMPLEBB_RESULT"] = "failed",
            ["SIMPLEBB_LAST_RESULT"] = "success",
            ["SIMPLEBB_PROJECT"] = "foo",
            ["SIMPLEBB_REVISION"] = "abc123",
            ["SIMPLEBB_BUILDER"] = "b1",
            ["SIMPLEBB_BUILD_ID"] = "20261201-000001",
            ["SIMPLEBB_EXIT_CODE"] = "2",
            ["SIMPLEBB_DURATION_MS"] = "1234",
            ["SIMPLEBB_OUTPUT_FILE"] = _dir["output.log"],
            ["SIMPLEBB_BUILD_URL"] = "http://ci.example:8080/build/20261201-000001",
        };

        var changed = await RunExampleAsync("notify-email", env);
        Assert.Equal(0, changed.ExitCode);
        var mail = File.ReadAllText(_dir["mail"]);
        Assert.Contains("To: dev@example.org\n", mail);
        Assert.Contains("From: ci@example.org\n", mail);
        Assert.Contains("Subject: [SimpleBB] foo failed on b1 (was success)\n", mail);
        Assert.Contains("Revision:  abc123", mail);
        Assert.Contains("http://ci.example:8080/build/20261201-000001", mail);
        Assert.Contains(_dir["output.log"], mail);
        Assert.Contains("error: it broke", mail);
        Assert.Equal("-t -i", File.ReadAllText(_dir["sendmail-args"]).Trim());

        env["SIMPLEBB_LAST_RESULT"] = "failed";
        var unchanged = await RunExampleAsync("notify-email", env);
        env["SIMPLEBB_RESULT"] = "success";
        env["SIMPLEBB_LAST_RESULT"] = "";
        var firstSuccess = await RunExampleAsync("notify-email", env);
        Assert.Equal((0, 0), (unchanged.ExitCode, firstSuccess.ExitCode));
        Assert.Equal(mail, File.ReadAllText(_dir["mail"]));
    }

    [Fact]
    public async Task The_webhook_example_posts_json_text_to_the_webhook_url()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var request = ReceiveOneRequestAsync(listener);
        var env = new Dictionary<string, string>
        {
            ["SIMPLEBB_WEBHOOK_URL"] = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hooks/simplebb",
            ["SIMPLEBB_RESULT"] = "success",
            ["SIMPLEBB_LAST_RESULT"] = "failed",
            ["SIMPLEBB_PROJECT"] = "foo",
            ["SIMPLEBB_REVISION"] = "abc\"123",
            ["SIMPLEBB_BUILDER"] = "b1",
            ["SIMPLEBB_BUILD_ID"] = "20261201-000002",
            ["SIMPLEBB_EXIT_CODE"] = "0",
            ["SIMPLEBB_DURATION_MS"] = "99",
            ["SIMPLEBB_OUTPUT_FILE"] = "/var/lib/simplebb/logs/foo/20261201-000002-b1.log",
        };

        var run = await RunExampleAsync("notify-webhook", env);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var (head, body) = await request.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.StartsWith("POST /hooks/simplebb HTTP/1.1", head);
        Assert.Contains("Content-Type: application/json", head);
        using var json = JsonDocument.Parse(body);
        var text = json.RootElement.GetProperty("text").GetString()!;
        Assert.Contains("foo success on b1 (was failed)", text);
        Assert.Contains("revision abc\"123", text);
        Assert.Contains("/var/lib/simplebb/logs/foo/20261201-000002-b1.log", text);
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunExampleAsync(string name, Dictionary<string, string> env)
    {
        var info = new System.Diagnostics.ProcessStartInfo(Path.Combine(Executables.RepositoryRoot, "examples", "hooks", name))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("SIMPLEBB_", StringComparison.Ordinal)).ToArray())
        {
            info.Environment.Remove(key);
        }
        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }
        return Executables.RunAsync(info);
    }

    /// <summary>A one-request HTTP server: returns the request head and body, answers 200.</summary>
    private static async Task<(string Head, string Body)> ReceiveOneRequestAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var bytes = new List<byte>();
        var buffer = new byte[4096];
        int end;
        while ((end = IndexOf(bytes, "\r\n\r\n"u8.ToArray())) < 0)
        {
            var read = await stream.ReadAsync(buffer);
            Assert.True(read > 0, "the request ended before its head");
            bytes.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        var head = Encoding.UTF8.GetString([.. bytes.Take(end)]);
        var length = int.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)).Split(':')[1].Trim(),
            CultureInfo.InvariantCulture);
        while (bytes.Count < end + 4 + length)
        {
            var read = await stream.ReadAsync(buffer);
            Assert.True(read > 0, "the request ended before its body");
            bytes.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray());
        return (head, Encoding.UTF8.GetString([.. bytes.Skip(end + 4).Take(length)]));
    }

    private static int IndexOf(List<byte> bytes, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= bytes.Count; i++)
        {
            if (bytes.Skip(i).Take(pattern.Length).SequenceEqual(pattern))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Running and not a zombie waiting to be reaped.</summary>
    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
