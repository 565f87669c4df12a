using System.CommandLine;
using System.Security.Authentication;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Suggest;

/// <summary>The command line of simplebb-suggest.</summary>
public static class SuggestCommand
{
    public static RootCommand Create()
    {
        var host = EnvOptions.String("--host", ["-H"], "SIMPLEBB_HOST", () => "127.0.0.1", "Server host name or address");
        var port = EnvOptions.Int("--port", ["-p"], "SIMPLEBB_PORT", ProtocolLimits.DefaultPort, 1, 65535, "Server TCP port");
        var timeout = EnvOptions.Int("--timeout", ["-t"], "SIMPLEBB_TIMEOUT", 10, 1, 7 * 24 * 3600,
            "Seconds to wait for the server's answers; with --wait, for the results (default then 3600)");
        var wait = new Option<bool>("--wait", "-w") { Description = "Stay connected and print each builder's result as it arrives, then a summary" };
        var output = new Option<bool>("--output")
        {
            Description = "With --wait: also print the builders' output live, line by line (prefixed with the builder's name when there are several); " +
                          "from a server older than protocol 3, each failing builder's output tail",
        };
        var project = new Argument<string>("PROJECT") { Description = "Project to build: the name of the build script on each builder" };
        var revisions = new Argument<string[]>("REVISION")
        {
            Description = "Revisions (branches, tags, commits) to build; none: read git post-receive lines from stdin",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var security = new ClientSecurityOptions();
        var root = new RootCommand(
            """
            simplebb-suggest: asks a SimpleBB server to have every connected builder build PROJECT at each REVISION,
            and prints the build id the server assigned and how many builders received it.
            With no REVISION it reads git post-receive lines ("<old> <new> <ref>") from stdin and suggests every
            created or updated branch, skipping deleted branches, tags and malformed lines (standard input must not be
            a terminal then). A suggestion no builder can build is still accepted, but its line says nothing will be built.

            The server's token is read from --token, --token-file or ~/.simplebb/token.

            Exit codes: 0 every suggestion was accepted; 1 the server answered with an error (such as a missing or
            wrong token), the TLS check failed, or the server sent something invalid; 2 bad command line, project,
            revision or token option; 3 no answer: could not connect, no answer in time, or the connection was lost
            before every suggestion was answered (a hook may retry on 3).
            With --wait: 0 every builder with a script passed; 1 a build failed or timed out; 4 no builder could
            build it (none connected, or none has a script); 5 not every builder answered (deadline, disconnected, or
            INTERRUPTED); 6 none failed but the build was cancelled on a builder.
            """)
        {
            host, port, timeout, wait, output, project, revisions,
        };
        security.AddTo(root);
        root.SetAction(async (parse, cancellationToken) =>
        {
            // An argument takes any token, so "--bogus" would become the project; say what the other tools say instead.
            if (UnknownOption(parse, [parse.GetValue(project) ?? "", .. parse.GetValue(revisions) ?? []]) is { } unknown)
            {
                await Console.Error.WriteLineAsync($"simplebb-suggest: Unrecognized command or argument '{unknown}'.");
                await Console.Error.WriteLineAsync("Try 'simplebb-suggest --help'.");
                return ExitCodes.Usage;
            }
            var name = parse.GetValue(project)!;
            if (Names.CheckProject(name) is { } badProject)
            {
                await Console.Error.WriteLineAsync($"simplebb-suggest: {badProject}");
                return ExitCodes.Usage;
            }
            var wanted = parse.GetValue(revisions) ?? [];
            if (wanted.Length == 0)
            {
                if (!Console.IsInputRedirected)
                {
                    await Console.Error.WriteLineAsync(
                        $"simplebb-suggest: no REVISION given and standard input is a terminal; give one (simplebb-suggest {name} master) or pipe git post-receive lines in");
                    await Console.Error.WriteLineAsync("Try 'simplebb-suggest --help'.");
                    return ExitCodes.Usage;
                }
                wanted = [.. PostReceive.Branches(ReadLines(Console.In)).Where(branch => Usable(branch, quiet: false))];
                if (wanted.Length == 0)
                {
                    // A push of tags or deletions only: normal, so not worded like an error in the pusher's terminal.
                    Console.Out.WriteLine($"{name}: no branch created or updated, no build suggested");
                    return ExitCodes.Ok;
                }
            }
            else if (wanted.FirstOrDefault(r => !Usable(r, quiet: true)) is { } bad)
            {
                await Console.Error.WriteLineAsync($"simplebb-suggest: {Names.CheckRevision(bad)}");
                return ExitCodes.Usage;
            }

            if (!security.TryResolve(parse, out var token, out var tls))
            {
                return ExitCodes.Usage;
            }
            var server = $"{parse.GetValue(host)}:{parse.GetValue(port)}";
            IReadOnlyList<SuggestOutcome> outcomes;
            try
            {
                var waiting = parse.GetValue(wait);
                var seconds = waiting && parse.GetResult(timeout) is null or { Implicit: true }
                    && Environment.GetEnvironmentVariable("SIMPLEBB_TIMEOUT") is null or "" ? 3600 : parse.GetValue(timeout);
                var showOutput = parse.GetValue(output);
                var printer = new WaitPrinter(name, showOutput);
                outcomes = await SuggestClient.SuggestAsync(parse.GetValue(host)!, parse.GetValue(port), "simplebb-suggest",
                    name, wanted, TimeSpan.FromSeconds(seconds), cancellationToken, token, tls, waiting,
                    waiting ? (outcome, message) => printer.Lines(outcome, message).ForEach(Console.Out.WriteLine) : null, showOutput);
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Failure;
            }
            catch (Exception ex) when (ExitCodeFor(ex) is { } code)
            {
                await Console.Error.WriteLineAsync($"simplebb-suggest: {ex.Message}");
                return code;
            }

            if (parse.GetValue(wait) && outcomes.All(o => o.BuildId is not null))
            {
                foreach (var outcome in outcomes)
                {
                    Console.Out.WriteLine(WaitReport.Summary(name, outcome));
                }
                return WaitReport.ExitCode(outcomes);
            }
            var exit = ExitCodes.Ok;
            foreach (var outcome in outcomes)
            {
                if (outcome.BuildId is not null)
                {
                    Console.Out.WriteLine(AcceptedLine(name, outcome));
                }
                else
                {
                    await Console.Error.WriteLineAsync($"simplebb-suggest: {server} refused {name} {outcome.Revision}: {outcome.ErrorCode}: {outcome.Error}");
                    exit = ExitCodes.Failure;
                }
            }
            return exit;
        });
        return root;
    }

    /// <summary>
    /// The exit code for a failed exchange, by what failed: 3 when no answer came (nothing to connect to, silence, or
    /// the connection lost before every answer), so a hook can retry; 1 when the server (or its certificate) said no.
    /// Null for anything else, which is a bug and must not be hidden behind an exit code.
    /// </summary>
    internal static int? ExitCodeFor(Exception failure) => failure switch
    {
        ServerUnreachableException or ServerClosedException or TimeoutException => ExitCodes.NoConnection,
        ServerRefusedException or BadServerMessageException or AuthenticationException => ExitCodes.Failure,
        _ => null,
    };

    /// <summary>
    /// "foo master: build X sent to 2 builders", saying so when nothing will be built: a suggestion that no builder can
    /// build is still accepted (exit 0, so a hook never fails a push), but must not read like a success.
    /// </summary>
    internal static string AcceptedLine(string project, SuggestOutcome outcome)
    {
        var line = $"{project} {outcome.Revision}: build {outcome.BuildId} sent to {outcome.Builders} builder{(outcome.Builders == 1 ? "" : "s")}";
        if (outcome.Builders == 0)
        {
            return $"{line}: no builder is connected, nothing will be built";
        }
        if (outcome.WithScript == 0)
        {
            return $"{line}, but no builder has a script for {project}: nothing will be built";
        }
        return outcome.WithScript < outcome.Builders ? $"{line}, {outcome.WithScript} with a script for {project}" : line;
    }

    /// <summary>The first PROJECT or REVISION that looks like an option and does not follow "--", or null.</summary>
    private static string? UnknownOption(ParseResult parse, string[] arguments)
    {
        foreach (var token in parse.Tokens)
        {
            if (token.Type == System.CommandLine.Parsing.TokenType.DoubleDash)
            {
                return null;
            }
            if (token.Type == System.CommandLine.Parsing.TokenType.Argument && token.Value.Length > 1 && token.Value.StartsWith('-')
                && arguments.Contains(token.Value))
            {
                return token.Value;
            }
        }
        return null;
    }

    private static bool Usable(string revision, bool quiet)
    {
        if (Names.CheckRevision(revision) is not { } problem)
        {
            return true;
        }
        if (!quiet)
        {
            Console.Error.WriteLine($"simplebb-suggest: skipping branch: {problem}");
        }
        return false;
    }

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
