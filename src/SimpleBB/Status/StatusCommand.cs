using System.CommandLine;
using System.Security.Authentication;
using System.Text;
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
        var json = new Option<bool>("--json")
        {
            Description = "Print JSON instead of tables: one compact object per line, the protocol's snapshot and event messages (docs/protocol.md)",
        };
        var follow = new Option<bool>("--follow", "-f") { Description = "After the tables, print events live: builders coming and going, builds starting, results, and the running builds' output lines (prefixed with the builder's name)" };
        var security = new ClientSecurityOptions();
        var root = new RootCommand(
            """
            simplebb-status: shows the builders connected to a SimpleBB server (name, address, system, runtime,
            scripts, running build, connected since) and the latest result per project, revision and builder,
            marking revisions that pass on some machines and fail on others as machine-specific.

            Exit codes: 0 printed (with --follow: stopped by Ctrl-C); 1 the server refused, went away or sent
            something invalid; 2 bad command line; 3 could not connect (or TLS failed), or no welcome in time.
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
            var lines = new OutputLines();
            try
            {
                await foreach (var message in StatusClient.ReadAsync(parse.GetValue(host)!, parse.GetValue(port), token, tls,
                                   parse.GetValue(follow), TimeSpan.FromSeconds(10), cancellationToken, output: true))
                {
                    // JSON is the message as it came over the wire, so its schema is the protocol's and one object is one line.
                    Console.Out.Write(message switch
                    {
                        Snapshot or EventMessage or OutputMessage when asJson => Encoding.UTF8.GetString(MessageCodec.Encode(message)),
                        Snapshot snapshot => StatusFormatter.Table(snapshot) + "\n",
                        EventMessage e => StatusFormatter.OutputEnd(lines, e) + StatusFormatter.Line(e) + "\n",
                        OutputMessage chunk => StatusFormatter.Output(lines, chunk),
                        _ => "",
                    });
                    await Console.Out.FlushAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ExitCodeFor(ex) is { } code)
            {
                await Console.Error.WriteLineAsync($"simplebb-status: {ex.Message}");
                return code;
            }
            return ExitCodes.Ok;
        });
        return root;
    }

    /// <summary>
    /// The exit code for a failed exchange, by what failed: 3 when there was no one to talk to (no connection, no TLS
    /// agreement, no welcome in time); 1 when the server refused, went away or sent something invalid. Null for
    /// anything else, which is a bug and must not be hidden behind an exit code.
    /// </summary>
    internal static int? ExitCodeFor(Exception failure) => failure switch
    {
        ServerUnreachableException or AuthenticationException or TimeoutException => ExitCodes.NoConnection,
        ServerRefusedException or ServerClosedException or BadServerMessageException => ExitCodes.Failure,
        IOException => ExitCodes.Failure, // standard output closed (a pipe into head)
        _ => null,
    };
}
