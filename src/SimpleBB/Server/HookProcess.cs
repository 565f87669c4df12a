using System.ComponentModel;
using System.Diagnostics;
using SimpleBB.Processes;

namespace SimpleBB.Server;

/// <summary>
/// Runs one hook script as a <see cref="GroupedProcess"/>, the way builds run, so that at its timeout the script and
/// everything it started are stopped together through its process group.
/// </summary>
internal static class HookProcess
{
    /// <summary>How long a hook still running when the server stops may take before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>A hook killed at its timeout gets no grace: it has had its time.</summary>
    private static readonly TimeSpan NoGrace = TimeSpan.Zero;

    public static async Task<HookOutcome> RunAsync(string script, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout, CancellationToken stopping)
    {
        var clock = Stopwatch.StartNew();
        if (!File.Exists(script))
        {
            return new HookOutcome(null, false, false, $"{script} does not exist", [], clock.ElapsedMilliseconds);
        }
        GroupedProcess process;
        try
        {
            process = GroupedProcess.Start(new ChildStart(script, [], workingDirectory, environment));
        }
        catch (Win32Exception ex)
        {
            return new HookOutcome(null, false, false, ex.Message, [], clock.ElapsedMilliseconds);
        }
        using var started = process;
        var lines = new LastLines(3);
        var pump = lines.PumpAsync(process.Output);

        var timedOut = false;
        var stopped = false;
        try
        {
            await process.Exited.WaitAsync(timeout, stopping).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            timedOut = true;
        }
        catch (OperationCanceledException)
        {
            // The server is stopping: a hook about to finish may; one that does not runs again after the restart.
            try
            {
                await process.Exited.WaitAsync(StopGrace, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                stopped = true;
            }
        }
        if (timedOut || stopped)
        {
            await ProcessTree.StopAsync(process, NoGrace).ConfigureAwait(false);
        }
        // A child that left the group may still hold the pipe: wait for it only briefly.
        await pump.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        int? exitCode = timedOut || stopped ? null : await process.Exited.ConfigureAwait(false);
        return new HookOutcome(exitCode, timedOut, stopped, null, lines.ToArray(), clock.ElapsedMilliseconds);
    }
}
