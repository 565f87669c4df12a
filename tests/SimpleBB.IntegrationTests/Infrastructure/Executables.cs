using System.Diagnostics;

namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>Finds and runs the built simplebb-* executables as child processes, the way a user runs them.</summary>
internal static class Executables
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SimpleBB.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("cannot find SimpleBB.sln above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>Path of simplebb-&lt;name&gt;.dll built in the same configuration as these tests.</summary>
    public static string Dll(string name)
    {
        // AppContext.BaseDirectory is .../bin/<Configuration>/<tfm>/
        var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfmDir.Parent!.Name;
        var path = Path.Combine(RepositoryRoot, "src", $"simplebb-{name}", "bin", configuration, tfmDir.Name, $"simplebb-{name}.dll");
        Assert.True(File.Exists(path), $"{path} is not built");
        return path;
    }

    public static ProcessStartInfo StartInfo(string name, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        info.ArgumentList.Add(Dll(name));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("SIMPLEBB_", StringComparison.Ordinal)).ToArray())
        {
            info.Environment.Remove(key);
        }
        // Never the real HOME: the server would create ~/.simplebb/token there.
        info.Environment["HOME"] = Path.Combine(Path.GetTempPath(), "simplebb-test-home");
        // Servers started for other purposes must not all try the dashboard's default port 7901; a test that wants
        // the page passes SIMPLEBB_HTTP (or --http) itself.
        info.Environment["SIMPLEBB_HTTP"] = "off";
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        return info;
    }

    /// <summary>The build configuration of these tests (and so of the executables they run): Debug or Release.</summary>
    public static string Configuration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>Runs to completion (with a deadline) and returns the exit code and both outputs.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string name, IEnumerable<string> args,
        string? stdin = null, IDictionary<string, string>? env = null) =>
        RunAsync(StartInfo(name, args, env), stdin);

    /// <summary>Runs any prepared process to completion (with a deadline) and returns the exit code and both outputs.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(ProcessStartInfo info, string? stdin = null)
    {
        var args = info.ArgumentList;
        var name = info.FileName;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} {string.Join(' ', args)} did not exit");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
