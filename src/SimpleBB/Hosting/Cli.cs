using System.CommandLine;
using System.CommandLine.Invocation;

namespace SimpleBB.Hosting;

/// <summary>
/// Runs a root command the same way in every executable: a usage error is one line on stderr and exit code 2,
/// and the first Ctrl-C, SIGTERM or SIGQUIT cancels the action's token so it can shut down cleanly and choose its exit
/// code; a second signal only makes the shutdown hurry (<see cref="ShutdownSignals"/>).
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

        // Every signal is handled (see ShutdownSignals): none may take the default action and kill the process mid-shutdown.
        using var signals = new ShutdownSignals();
        var config = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(config, signals.Stopping);
    }
}
