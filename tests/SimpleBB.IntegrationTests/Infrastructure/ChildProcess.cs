using System.Diagnostics;
using System.Text;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>A long-running simplebb daemon started as a child process; its output is collected for diagnostics.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
    }

    public static ChildProcess Start(string name, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null) =>
        new(Process.Start(Executables.StartInfo(name, args, env, workingDirectory))!);

    /// <summary>
    /// Starts the daemon in a session and process group of its own (through setsid(1), which execs it: same pid), so a
    /// test can signal its whole group the way a terminal's Ctrl-C or a service manager does.
    /// </summary>
    public static ChildProcess StartInOwnSession(string name, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var info = Executables.StartInfo(name, args, env);
        info.ArgumentList.Insert(0, info.FileName);
        info.FileName = "/usr/bin/setsid";
        return new(Process.Start(info)!);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Sends SIGTERM (a service manager's stop) and waits for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends <paramref name="signal"/> to the process, or with <paramref name="group"/> to its process group (kill -- -pgid).</summary>
    public void Signal(int signal, bool group = false) => _ = Kill(group ? -_process.Id : _process.Id, signal);

    /// <summary>Waits (with a deadline) for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the process did not exit; its output:\n" + Output);
        }
        return _process.ExitCode;
    }

    /// <summary>kill -9: the process gets no chance to clean up.</summary>
    public async Task KillHardAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }
        await _process.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
