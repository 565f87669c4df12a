using System.Diagnostics;

namespace SimpleBB.Bench;

/// <summary>A real simplebb-builder child with its own HOME, scripts folder and log, connected to the benchmark server.</summary>
public sealed class BuilderProcess : IAsyncDisposable
{
    private readonly Process _process;

    private BuilderProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public long RssBytes => Rss.Of(_process.Id);

    /// <summary>Starts a builder whose only script, <paramref name="project"/>, is a copy of <paramref name="script"/>.</summary>
    public static BuilderProcess Start(string bin, string folder, string name, int port, string project, string script)
    {
        var scripts = Path.Combine(folder, ".simplebb", "buildscripts");
        Directory.CreateDirectory(scripts);
        var target = Path.Combine(scripts, project);
        File.Copy(script, target, overwrite: true);
        File.SetUnixFileMode(target, File.GetUnixFileMode(script));
        var info = new ProcessStartInfo(Path.Combine(bin, "simplebb-builder"))
        {
            WorkingDirectory = folder,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--host", "127.0.0.1", "--port", port.ToString(), "--name", name, "--quiet" })
        {
            info.ArgumentList.Add(arg);
        }
        ServerProcess.ChildEnvironment(info, folder);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BuilderProcess(process, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Terminate(_process.Id);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}
