using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;

namespace SimpleBB.Hosting;

/// <summary>
/// Runs a root command the same way in every executable: a usage error is one line on stderr and exit code 2,
/// and the first Ctrl-C or SIGTERM cancels the action's token so it can shut down cleanly and choose its exit code
/// (a second signal terminates at once).
/// </summary>
public static class Cli
{
    /// <summary>
    /// Gives a root command what every SimpleBB executable has beyond its own options (--version with -V, printing
    /// name, version and commit); the documentation generator calls it too, so man pages list the same options.
    /// </summary>
    public static RootCommand Prepare(RootCommand root)
    {
        if (root.Options.OfType<VersionOption>().FirstOrDefault() is { } version)
        {
            version.Aliases.Add("-V");
            version.Action = new VersionAction();
        }
        return root;
    }

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parse = Prepare(root).Parse(args);
        if (parse.Action is ParseErrorAction && parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"{root.Name}: {error.Message}");
            }
            await Console.Error.WriteLineAsync($"Try '{root.Name} --help'.");
            return ExitCodes.Usage;
        }

        using var stop = new CancellationTokenSource();
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            if (Interlocked.Increment(ref signals) == 1)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var config = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(config, stop.Token);
    }
}
