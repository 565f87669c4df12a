using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
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
        var project = new Option<string>("--project")
        {
            Description = "Print this project's last results instead (newest first, every result the server recorded, not only the latest per revision)",
            HelpName = "name",
        };
        project.Validators.Add(result => AddError(result, "--project", Names.CheckProject(result.GetValueOrDefault<string>())));
        var builder = new Option<string>("--builder", "-b")
        {
            Description = "Print this builder's last results instead (newest first); with --project, that project's on this builder",
            HelpName = "name",
        };
        builder.Validators.Add(result => AddError(result, "--builder", Names.CheckBuilderName(result.GetValueOrDefault<string>())));
        var last = new Option<int?>("--last", "-n")
        {
            Description = $"How many last results to print, 1 to {ProtocolLimits.MaxLastResults} (default {ProtocolLimits.DefaultLastResults} with --project or " +
                "--builder); alone: the last results of any project",
            HelpName = "n",
            CustomParser = ParseLast,
        };
        var security = new ClientSecurityOptions();
        var root = new RootCommand(
            """
            simplebb-status: shows the builders connected to a SimpleBB server (name, address, system, runtime,
            scripts, running build, connected since) and the latest result per project, revision and builder,
            marking revisions that pass on some machines and fail on others as machine-specific.
            With --project, --builder or --last it shows instead the last results of that project and/or builder
            (of any project with --last alone), newest first, from every result the server recorded; a server older
            than protocol 4 knows only its latest result per project, revision and builder, and they are picked from
            those (a note on stderr says so).

            Exit codes: 0 printed (with --follow: stopped by Ctrl-C); 1 the server refused, went away or sent
            something invalid; 2 bad command line; 3 could not connect (or TLS failed), or no welcome in time.
            """)
        {
            host, port, json, follow, project, builder, last,
        };
        root.Validators.Add(result =>
        {
            // The last results are the past, printed once; events are what happens next. Mixing them would print a
            // table of one project followed by every project's events.
            if (result.GetValue(follow) && (result.GetResult(project) ?? result.GetResult(builder) ?? (SymbolResult?)result.GetResult(last)) is not null)
            {
                result.AddError("--follow cannot be combined with --project, --builder or --last (they print past results once)");
            }
        });
        security.AddTo(root);
        root.SetAction(async (parse, cancellationToken) =>
        {
            if (!security.TryResolve(parse, out var token, out var tls))
            {
                return ExitCodes.Usage;
            }
            var asJson = parse.GetValue(json);
            var query = parse.GetValue(project) is null && parse.GetValue(builder) is null && parse.GetValue(last) is null
                ? null
                : new ResultQuery(parse.GetValue(project), parse.GetValue(builder), parse.GetValue(last) ?? ProtocolLimits.DefaultLastResults);
            var lines = new OutputLines();
            try
            {
                await foreach (var message in StatusClient.ReadAsync(parse.GetValue(host)!, parse.GetValue(port), token, tls,
                                   parse.GetValue(follow), TimeSpan.FromSeconds(10), cancellationToken, output: true, query,
                                   notice => Console.Error.WriteLine($"simplebb-status: note: {notice}")))
                {
                    // JSON is the message as it came over the wire, so its schema is the protocol's and one object is one line.
                    Console.Out.Write(message switch
                    {
                        Snapshot or EventMessage or OutputMessage when asJson => Encoding.UTF8.GetString(MessageCodec.Encode(message)),
                        Snapshot snapshot when query is not null => StatusFormatter.LastResults(snapshot, query),
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

    /// <summary>--last: a whole number in the range a server accepts, said the way every numeric option says it.</summary>
    private static int? ParseLast(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= ProtocolLimits.MaxLastResults)
        {
            return value;
        }
        result.AddError($"--last \"{text}\" is not a whole number from 1 to {ProtocolLimits.MaxLastResults}");
        return null;
    }

    private static void AddError(OptionResult result, string option, string? problem)
    {
        if (problem is not null)
        {
            result.AddError($"{option}: {problem}");
        }
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
