using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SimpleBB.Server;

/// <summary>
/// Runs one hook script in a process group of its own (through setsid, when the system has it), so that at its
/// timeout the script and everything it started are killed together with one signal to the group.
/// </summary>
internal static class HookProcess
{
    private const int SigKill = 9;
    private const string SetSid = "/usr/bin/setsid";

    /// <summary>How long a hook still running when the server stops may take before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>Environment variables of the server that a hook must not see: its secrets and systemd's socket.</summary>
    private static readonly string[] Hidden = ["SIMPLEBB_TOKEN", "SIMPLEBB_TLS_CERT_PASSWORD", "NOTIFY_SOCKET"];

    public static async Task<HookOutcome> RunAsync(string script, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout, CancellationToken stopping)
    {
        var clock = Stopwatch.StartNew();
        var grouped = OperatingSystem.IsLinux() && File.Exists(SetSid);
        var start = new ProcessStartInfo(grouped ? SetSid : script)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (grouped)
        {
            // --wait: should setsid have to fork, it still ends when the script ends and with its exit code.
            start.ArgumentList.Add("--wait");
            start.ArgumentList.Add(script);
        }
        foreach (var name in Hidden)
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        if (!File.Exists(script))
        {
            return new HookOutcome(null, false, false, $"{script} does not exist", [], clock.ElapsedMilliseconds);
        }
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or IOException or UnauthorizedAccessException)
        {
            return new HookOutcome(null, false, false, ex.Message, [], clock.ElapsedMilliseconds);
        }
        process.StandardInput.Close();
        var lines = new LastLines(3);
        var pumps = Task.WhenAll(lines.PumpAsync(process.StandardOutput.BaseStream), lines.PumpAsync(process.StandardError.BaseStream));

        var timedOut = false;
        var stopped = false;
        using (var deadline = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token).WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                timedOut = true;
            }
            catch (OperationCanceledException)
            {
                // The server is stopping: a hook about to finish may; one that does not runs again after the restart.
                try
                {
                    await process.WaitForExitAsync(CancellationToken.None).WaitAsync(StopGrace).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    stopped = true;
                }
            }
        }
        if (timedOut || stopped)
        {
            Kill(process, grouped);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        // A child that left the group may still hold the pipes: wait for them only briefly.
        await pumps.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        int? exitCode = timedOut || stopped ? null : process.ExitCode;
        return new HookOutcome(exitCode, timedOut, stopped, null, lines.ToArray(), clock.ElapsedMilliseconds);
    }

    private static void Kill(Process process, bool grouped)
    {
        if (grouped)
        {
            _ = kill(-process.Id, SigKill); // the whole group: the script and whatever it started
        }
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Already gone.
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
