using System.ComponentModel;
using System.Diagnostics;
using SimpleBB.Processes;
using SimpleBB.Protocol;

namespace SimpleBB.Builder;

/// <summary>
/// Runs <c>&lt;scripts&gt;/&lt;project&gt; &lt;revision&gt;</c> directly (no shell: the script's shebang decides),
/// with the revision as its only argument, stdin from /dev/null, and SIMPLEBB_BUILD_ID, SIMPLEBB_PROJECT and
/// SIMPLEBB_REVISION in its environment. Output goes to a capped per-build file; memory keeps only the tail.
/// A missing or unstartable script is exit code -1 with the reason as output; it never throws for those.
/// The script runs in a session (and process group) of its own (<see cref="GroupedProcess"/>): a Ctrl-C at the
/// builder's terminal, or a service manager signalling the builder's group, reaches the builder only, and the builder
/// decides what happens to the build (--shutdown-grace, then INTERRUPTED); stopping the build signals its whole group.
/// </summary>
public sealed class ScriptRunner(BuilderOptions options)
{
    /// <summary>
    /// Runs one build. <paramref name="stopping"/>: the builder is shutting down (the build gets --shutdown-grace, then is
    /// stopped and reported INTERRUPTED); <paramref name="hurry"/>: stop it now (a second signal to the builder);
    /// <paramref name="cancel"/>: someone cancelled the build (stopped at once with --cancel-grace, reported CANCELLED);
    /// <paramref name="live"/>: when given, the output also goes there as it is produced (live output for the server).
    /// </summary>
    public async Task<BuildOutcome> RunAsync(BuildMessage build, CancellationToken stopping, CancellationToken hurry = default,
        CancellationToken cancel = default, LiveOutput? live = null)
    {
        var script = Path.Combine(options.ScriptsDirectory, build.Project);
        if (!File.Exists(script))
        {
            return new BuildOutcome(-1, false, 0, $"no build script for project {build.Project}: {script} does not exist", null)
            {
                MissingScript = true,
            };
        }

        var work = Path.Combine(options.DataDirectory, "work", build.Project);
        var logs = Path.Combine(options.DataDirectory, "logs", build.Project);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(logs);
        var logFile = Path.Combine(logs, build.Id + ".log");

        var sha = ScriptInventory.Hash(script);
        var clock = Stopwatch.StartNew();
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SIMPLEBB_BUILD_ID"] = build.Id,
            ["SIMPLEBB_PROJECT"] = build.Project,
            ["SIMPLEBB_REVISION"] = build.Revision,
        };
        GroupedProcess process;
        try
        {
            process = GroupedProcess.Start(new ChildStart(script, [build.Revision], work, variables));
        }
        catch (Win32Exception ex)
        {
            return new BuildOutcome(-1, false, clock.ElapsedMilliseconds, ScriptCheck.StartFailure(script, ex), null) { ScriptSha256 = sha };
        }
        using var started = process;

        var tail = new OutputTail(ProtocolLimits.MaxOutputBytes);
        await using var file = new CappedFile(logFile, options.MaxBuildLogBytes);
        var output = PumpAsync(process.Output, tail, file, live);
        // While the script runs, not after it: the older logs' clean-up stays off the path from its exit to the result.
        PruneLogs(logs, options.BuildLogsKept, logFile);

        var timedOut = false;
        var interrupted = false;
        var cancelled = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            deadline.CancelAfter(options.BuildTimeout);
            try
            {
                await process.Exited.WaitAsync(deadline.Token).WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                cancelled = cancel.IsCancellationRequested;
                timedOut = !cancelled;
                await ProcessTree.StopAsync(process, cancelled ? options.CancelGrace : options.KillGrace, hurry).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The builder is shutting down: the build gets a grace period to finish first (cut short by a second signal).
                using var either = CancellationTokenSource.CreateLinkedTokenSource(hurry, cancel);
                interrupted = !await WaitAsync(process, options.ShutdownGrace, either.Token).ConfigureAwait(false);
                if (interrupted)
                {
                    cancelled = cancel.IsCancellationRequested;
                    interrupted = !cancelled;
                    await ProcessTree.StopAsync(process, cancelled ? options.CancelGrace : options.KillGrace, hurry).ConfigureAwait(false);
                }
            }
        }
        // A background child may keep the pipes open after the script exits; don't wait for it forever.
        await output.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var duration = clock.ElapsedMilliseconds;
        var exitCode = await process.Exited.ConfigureAwait(false);
        if (timedOut)
        {
            var seconds = options.BuildTimeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
            var note = System.Text.Encoding.UTF8.GetBytes($"\n[simplebb: killed after {seconds} s, the build timeout (--timeout)]\n");
            tail.Write(note);
            live?.Write(note);
        }
        else if (cancelled)
        {
            tail.Write("\n[simplebb: stopped because the build was cancelled (CANCELLED)]\n"u8);
            live?.Write("\n[simplebb: stopped because the build was cancelled (CANCELLED)]\n"u8);
        }
        else if (interrupted)
        {
            tail.Write("\n[simplebb: stopped because the builder was shutting down (INTERRUPTED)]\n"u8);
            live?.Write("\n[simplebb: stopped because the builder was shutting down (INTERRUPTED)]\n"u8);
        }
        file.Complete(tail.TotalBytes);
        return new BuildOutcome(exitCode, timedOut, duration, tail.ToString(), logFile) { ScriptSha256 = sha, Interrupted = interrupted, Cancelled = cancelled };
    }

    /// <summary>
    /// Keeps the newest build logs of a project, <paramref name="current"/> (the running build's) always among them,
    /// and deletes the rest. Counting needs only the folder's names; the times (one stat per file) are read only when
    /// there is something to delete. Times can tie within the file system's clock tick, so the current log is
    /// excluded by name, not by being the newest.
    /// </summary>
    private static void PruneLogs(string folder, int keep, string current)
    {
        try
        {
            if (Directory.EnumerateFiles(folder, "*.log").Skip(keep).Any() is false)
            {
                return;
            }
            var older = new DirectoryInfo(folder).GetFiles("*.log").Where(f => f.FullName != Path.GetFullPath(current));
            foreach (var old in older.OrderByDescending(f => f.LastWriteTimeUtc).Skip(Math.Max(keep - 1, 0)))
            {
                old.Delete();
            }
        }
        catch (IOException)
        {
            // Cleaning up is best effort; the next build tries again.
        }
    }

    /// <summary>Waits for the process to exit within <paramref name="time"/> (or until <paramref name="hurry"/>); true if it did.</summary>
    private static async Task<bool> WaitAsync(GroupedProcess process, TimeSpan time, CancellationToken hurry)
    {
        try
        {
            await process.Exited.WaitAsync(time, hurry).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task PumpAsync(Stream source, OutputTail tail, CappedFile file, LiveOutput? live)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                tail.Write(buffer.AsSpan(0, read));
                live?.Write(buffer.AsSpan(0, read)); // never waits: a slow server loses the oldest output, not the script's time
                await file.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe closed under us (process killed); what was read is kept.
        }
    }

}
