using System.Diagnostics;
using System.Globalization;
using SimpleBB.IntegrationTests.Infrastructure;
using SimpleBB.Protocol;
using SimpleBB.Status;
using SimpleBB.Suggest;
using Xunit.Abstractions;

namespace SimpleBB.IntegrationTests;

/// <summary>The result journal against real disks: a second server on the same folder, and a disk that fills up.</summary>
public sealed class RecordingTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();
    private string? _mounted;

    public void Dispose()
    {
        if (_mounted is not null)
        {
            using var umount = Process.Start("umount", ["-l", _mounted]);
            umount.WaitForExit();
        }
        _dir.Dispose();
    }

    [Fact]
    public async Task A_second_server_on_the_same_folder_refuses_to_start_and_writes_nothing_to_the_first_ones_log()
    {
        var log = _dir["server.log"];
        string[] Args(int port) => ["--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--log-file", log, "--no-auth"];
        await using var first = ChildProcess.Start("server", Args(EndToEndTests.FreePort()));
        await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == 1, "the first server to listen\n" + first.Output);
        var second = await Executables.RunAsync("server", Args(EndToEndTests.FreePort()));

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("another simplebb-server is already using " + _dir.Path, second.Stderr);
        Assert.Single(second.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(1, LogFiles.Count(log, "SimpleBB server"));
        Assert.DoesNotContain(LogFiles.Lines(log), l => l.Contains("[ERR]", StringComparison.Ordinal) || l.Contains("Cannot listen", StringComparison.Ordinal));
        Assert.False(first.HasExited);
        Assert.Equal(0, await first.TerminateAsync());
        var third = ChildProcess.Start("server", Args(EndToEndTests.FreePort())); // the lock went with the first server
        await using (third)
        {
            await Eventually.TrueAsync(() => LogFiles.Count(log, "listening on") == 2, "a new server to take the folder\n" + third.Output);
        }
    }

    [Fact]
    public async Task A_full_disk_pauses_recording_refuses_suggestions_keeps_builders_connected_and_resumes_with_every_result_once()
    {
        var folder = _dir["small"];
        if (!MountSmallDisk(folder))
        {
            return;
        }
        // A 4 KiB output tail makes every journal entry larger than a page, so a full tmpfs refuses it.
        _dir.Script("scripts", "foo", "echo built $1; head -c 6000 /dev/zero | tr '\\0' x; echo");
        await using var server = ServerFixture.Start(folder, configure: o => o with
        {
            Recording = o.Recording with { RetryMin = TimeSpan.FromMilliseconds(100), RetryMax = TimeSpan.FromMilliseconds(400) },
        });
        server.ErrorsExpected = true;
        await using var builder = BuilderFixture.Start(_dir.Path, server.Port, "alpha", _dir["scripts"],
            o => o with { OutboxResend = TimeSpan.FromMilliseconds(300) });
        await server.WaitForBuildersAsync(1);
        var ids = new List<string> { await SuggestAsync(server.Port, "before") };
        await server.WaitForLogAsync($"[build {ids[0]}] from");

        var filler = Fill(Path.Combine(folder, "filler"));
        ids.Add(await SuggestAsync(server.Port, "during"));
        await Eventually.TrueAsync(() => server.Server.Recorder.PausedReason is not null, "recording to pause");
        Assert.StartsWith("disk full", server.Server.Recorder.PausedReason);
        await Eventually.TrueAsync(() => builder.Agent.Outbox.Count == 1, "the result kept in the outbox\n" + builder.Log);

        var refused = Assert.Single(await SuggestClient.SuggestAsync("127.0.0.1", server.Port, "test", "foo", ["refused"], TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.Equal(ErrorCodes.CannotRecord, refused.ErrorCode);
        Assert.StartsWith("the server cannot record results: disk full", refused.Error);
        var snapshot = Assert.IsType<Snapshot>(await StatusClient.ReadAsync("127.0.0.1", server.Port, null, null, follow: false, TimeSpan.FromSeconds(10), CancellationToken.None).FirstAsync());
        Assert.StartsWith("disk full", snapshot.RecordingPaused);
        Assert.Contains("RECORDING PAUSED: disk full", StatusFormatter.Table(snapshot));
        await Eventually.TrueAsync(() => LogFiles.Count(builder.LogPath, "cannot record results now") >= 2, "the builder to be refused more than once");
        Assert.Equal(1, server.Server.ConnectedBuilders);

        // Retries while the disk is still full must not claim to have resumed (the journal's marker alone fits).
        Assert.Equal(0, LogFiles.Count(server.LogPath, "Recording resumed"));
        File.Delete(filler);
        await Eventually.TrueAsync(() => server.Server.Recorder.PausedReason is null, "recording to resume by itself");
        // The line follows the state change, so it is waited for; that it is there once is checked at the end.
        await Eventually.TrueAsync(() => LogFiles.Count(server.LogPath, "Recording resumed") >= 1, "the server to log that recording resumed");
        await Eventually.TrueAsync(() => builder.Agent.Outbox.Count == 0, "the kept result to be recorded");
        ids.Add(await SuggestAsync(server.Port, "after"));
        await server.WaitForLogAsync($"[build {ids[2]}] from");

        var journal = StoreFile.Entries(Path.Combine(folder, "simplebb.db")).Select(e => e.Id).ToList();
        foreach (var id in ids)
        {
            Assert.Equal(1, LogFiles.Count(server.LogPath, $"[build {id}] from"));
            Assert.Equal(1, journal.Count(j => j == id));
            Assert.True(File.Exists(Path.Combine(folder, "logs", "foo", $"{id}-alpha.log")), $"the output file of {id}");
        }
        Assert.All(File.ReadAllLines(server.LogPath), line => Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d:\d\d \[", line));
        Assert.Equal(1, LogFiles.Count(builder.LogPath, "Connected to server"));
        Assert.Equal(1, LogFiles.Count(server.LogPath, "Recording resumed"));
    }

    [Fact]
    public async Task Server_under_systemd_says_ready_once_it_listens_and_stopping_on_SIGTERM()
    {
        using var notify = new NotifySocket(_dir["notify"]);
        var port = EndToEndTests.FreePort();
        await using var server = ChildProcess.Start("server",
            ["--listen", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--log-file", _dir["server.log"], "--no-auth"],
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Path });

        Assert.Equal($"READY=1\nSTATUS=Listening on 127.0.0.1:{port}", await notify.ReceiveAsync());
        Assert.Equal(1, LogFiles.Count(_dir["server.log"], "listening on")); // ready came after the listening socket
        Assert.Equal(0, await server.TerminateAsync());
        Assert.Equal("STOPPING=1", await notify.ReceiveAsync());
    }

    private static async Task<string> SuggestAsync(int port, string revision)
    {
        var outcome = Assert.Single(await SuggestClient.SuggestAsync("127.0.0.1", port, "test", "foo", [revision], TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.True(outcome.BuildId is not null, outcome.Error);
        return outcome.BuildId;
    }

    /// <summary>Writes until the disk is full; returns the file to delete to free it.</summary>
    private static string Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[64 * 1024];
        for (var size = chunk.Length; size >= 1; size /= 4)
        {
            try
            {
                while (true)
                {
                    file.Write(chunk, 0, size);
                }
            }
            catch (IOException)
            {
                // This size no longer fits; try smaller ones until not even a byte does.
            }
        }
        return path;
    }

    /// <summary>A 2 MiB tmpfs at <paramref name="folder"/> (needs root); without it the test says why and stops, except in CI.</summary>
    private bool MountSmallDisk(string folder)
    {
        Directory.CreateDirectory(folder);
        var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", folder]) { RedirectStandardError = true })!;
        var error = mount.StandardError.ReadToEnd();
        mount.WaitForExit();
        if (mount.ExitCode == 0)
        {
            _mounted = folder;
            return true;
        }
        var why = $"SKIPPED: the disk-full test needs a small tmpfs, which only root can mount here ({error.Trim()})";
        Assert.True(Environment.GetEnvironmentVariable("CI") is null, why + "; CI runs as root and must run it");
        output.WriteLine(why);
        return false;
    }
}
