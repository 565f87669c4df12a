using System.CommandLine;
using System.Text.Json;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Status;

/// <summary>The command line of simplebb-status.</summary>
public static class StatusCommand
{
    public static RootCommand Create()
    {
        var host = EnvOptions.String("--host", ["-H"], "SIMPLEBB_HOST", () => "127.0.0.1", "Server host name or address");
        var port = EnvOptions.Int("--port", ["-p"], "SIMPLEBB_PORT", ProtocolLimits.DefaultPort, 1, 65535, "Server TCP port");
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables (with --follow: one JSON object per line)" };
        var follow = new Option<bool>("--follow", "-f") { Description = "After the tables, print events live: builders coming and going, builds starting, results" };
        var security = new ClientSecurityOptions();
        var root = new RootCommand(
            """
            simplebb-status: shows the builders connected to a SimpleBB server (name, address, system, runtime,
            scripts, running build, connected since) and the latest result per project, revision and builder,
            marking revisions that pass on some machines and fail on others as machine-specific.

            Exit codes: 0 printed (with --follow: stopped by Ctrl-C); 1 the server refused or went away;
            2 bad command line; 3 could not connect.
            """)
        {
            host, port, json, follow,
        };
        security.AddTo(root);
        root.SetAction(async (parse, cancellationToken) =>
        {
            if (!security.TryResolve(parse, out var token, out var tls))
            {
                return ExitCodes.Usage;
            }
            var asJson = parse.GetValue(json);
            var connected = false;
            try
            {
                await foreach (var message in StatusClient.ReadAsync(parse.GetValue(host)!, parse.GetValue(port), token, tls,
                                   parse.GetValue(follow), TimeSpan.FromSeconds(10), cancellationToken))
                {
                    connected = true;
                    Console.Out.WriteLine(message switch
                    {
                        Snapshot snapshot when asJson => JsonSerializer.Serialize(snapshot, StatusJsonContext.Default.Snapshot),
                        Snapshot snapshot => StatusFormatter.Table(snapshot),
                        EventMessage e when asJson => JsonSerializer.Serialize(e, ProtocolJsonContext.Default.EventMessage),
                        EventMessage e => StatusFormatter.Line(e),
                        _ => "",
                    });
                    await Console.Out.FlushAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
            catch (IOException ex)
            {
                await Console.Error.WriteLineAsync($"simplebb-status: {ex.Message}");
                return connected || !ex.Message.StartsWith("cannot connect", StringComparison.Ordinal) ? ExitCodes.Failure : ExitCodes.NoConnection;
            }
            return ExitCodes.Ok;
        });
        return root;
    }
}
