using System.Diagnostics;
using SimpleBB.Protocol;

namespace SimpleBB.Bench;

/// <summary>
/// What one side's executables can do, so that a comparison with an older commit shows a phase that commit cannot run
/// as missing instead of failing: the server's options from its --help, its protocol version from a welcome.
/// </summary>
public sealed class Capabilities
{
    private readonly string _serverHelp;
    private readonly int _protocol;

    private Capabilities(string serverHelp, int protocol)
    {
        _serverHelp = serverHelp;
        _protocol = protocol;
    }

    public static async Task<Capabilities> ProbeAsync(string bin, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var info = new ProcessStartInfo(Path.Combine(bin, "simplebb-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--help");
        ServerProcess.ChildEnvironment(info, folder);
        string help;
        using (var process = Process.Start(info)!)
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            help = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await stderr.ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var server = await ServerProcess.StartAsync(bin, Path.Combine(folder, "server"), cancellationToken).ConfigureAwait(false);
        await using var client = await server.ConnectClientAsync(Roles.Status, [], cancellationToken).ConfigureAwait(false);
        return new Capabilities(help, client.Welcome.Protocol);
    }

    /// <summary>Why these executables cannot run <paramref name="phase"/>, or null when they can.</summary>
    public string? Missing(string phase) => phase switch
    {
        "hooks" when !_serverHelp.Contains("--on-result", StringComparison.Ordinal) => "its simplebb-server has no --on-result",
        "web" when !_serverHelp.Contains("--http", StringComparison.Ordinal) => "its simplebb-server has no --http",
        "history" when !_serverHelp.Contains("--store", StringComparison.Ordinal) =>
            "its simplebb-server has no results store (--store): it keeps results in history.jsonl",
        "output" when _protocol < ProtocolLimits.WatchAndStopVersion =>
            $"its server speaks protocol {_protocol}; live output needs {ProtocolLimits.WatchAndStopVersion}",
        _ => null,
    };
}
