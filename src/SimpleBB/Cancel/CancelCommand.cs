using System.CommandLine;
using System.Security.Authentication;
using SimpleBB.Hosting;
using SimpleBB.Protocol;

namespace SimpleBB.Cancel;

/// <summary>The command line of simplebb-cancel.</summary>
public static class CancelCommand
{
    /// <summary>Nothing to cancel: the server knows no running or waiting build with that id (on that builder).</summary>
    public const int NothingToCancel = 4;

    public static RootCommand Create()
    {
        var host = EnvOptions.String("--host", ["-H"], "SIMPLEBB_HOST", () => "127.0.0.1", "Server host name or address");
        var port = EnvOptions.Int("--port", ["-p"], "SIMPLEBB_PORT", ProtocolLimits.DefaultPort, 1, 65535, "Server TCP port");
        var timeout = EnvOptions.Int("--timeout", ["-t"], "SIMPLEBB_TIMEOUT", 10, 1, 3600, "Seconds to wait for the server's answer");
        var builder = EnvOptions.String("--builder", ["-b"], "SIMPLEBB_CANCEL_BUILDER", () => "",
            "Cancel the build on this builder only (default: on every builder that has it)");
        var id = new Argument<string>("BUILD_ID") { Description = "The build id that simplebb-suggest printed (e.g. mx5aqw9e-3)" };

        var security = new ClientSecurityOptions();
        var root = new RootCommand(
            """
            simplebb-cancel: asks a SimpleBB server to cancel build BUILD_ID on every builder that has it, or on one
            (--builder). A builder drops the build if it is still waiting, or stops its script (SIGTERM to its process
            group and tree, SIGKILL after the builder's --cancel-grace) if it runs; either way it reports the build as
            CANCELLED, which is never counted as a failure. Needs the server's token, like simplebb-suggest.

            The server's token is read from --token, --token-file or ~/.simplebb/token.

            Exit codes: 0 the server told the builders to cancel; 1 the server refused (such as a missing or wrong
            token, or a server too old to cancel), the TLS check failed, or it sent something invalid; 2 bad command
            line, build id or builder name; 3 no answer: could not connect, or no answer in time; 4 nothing to cancel:
            no connected builder is building BUILD_ID (unknown id, or already reported), the one named with --builder
            is not, or it runs only on builders too old to cancel.
            """)
        {
            host, port, timeout, builder, id,
        };
        security.AddTo(root);
        root.SetAction(async (parse, cancellationToken) =>
        {
            var buildId = parse.GetValue(id)!;
            if (Names.CheckBuildId(buildId) is { } badId)
            {
                await Console.Error.WriteLineAsync($"simplebb-cancel: {badId}");
                return ExitCodes.Usage;
            }
            var only = parse.GetValue(builder) is { Length: > 0 } named ? named : null;
            if (only is not null && Names.CheckBuilderName(only) is { } badName)
            {
                await Console.Error.WriteLineAsync($"simplebb-cancel: {badName}");
                return ExitCodes.Usage;
            }
            if (!security.TryResolve(parse, out var token, out var tls))
            {
                return ExitCodes.Usage;
            }
            Message answer;
            try
            {
                answer = await CancelClient.CancelAsync(parse.GetValue(host)!, parse.GetValue(port), buildId, only,
                    TimeSpan.FromSeconds(parse.GetValue(timeout)), token, tls, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Failure;
            }
            catch (Exception ex) when (ExitCodeFor(ex) is { } code)
            {
                await Console.Error.WriteLineAsync($"simplebb-cancel: {ex.Message}");
                return code;
            }
            switch (answer)
            {
                case CancellingMessage cancelling:
                    Console.Out.WriteLine(Line(cancelling));
                    return ExitCodes.Ok;
                case ErrorMessage { Code: ErrorCodes.UnknownBuild or ErrorCodes.NotRunning or ErrorCodes.CannotCancel } nothing:
                    await Console.Error.WriteLineAsync($"simplebb-cancel: nothing cancelled: {Names.Printable(nothing.Message, 500)}");
                    return NothingToCancel;
                case ErrorMessage error:
                    await Console.Error.WriteLineAsync($"simplebb-cancel: the server refused: {error.Code}: {Names.Printable(error.Message, 500)}");
                    return ExitCodes.Failure;
                default:
                    return ExitCodes.Failure;
            }
        });
        return root;
    }

    /// <summary>"build X: cancelling on b1, b2 (each reports it as CANCELLED)", naming builders too old to cancel.</summary>
    internal static string Line(CancellingMessage cancelling)
    {
        var line = $"build {cancelling.Id}: cancelling on {string.Join(", ", cancelling.Builders)} (each reports it as CANCELLED)";
        return cancelling.Unable is { Length: > 0 } unable
            ? $"{line}; {string.Join(", ", unable)} cannot cancel (protocol 2 or older) and will finish it"
            : line;
    }

    /// <summary>
    /// As for simplebb-suggest: 3 when no answer came (nothing to connect to, silence, connection lost), 1 when the server
    /// (or its certificate) said no. Null for anything else, which is a bug and must not be hidden behind an exit code.
    /// </summary>
    internal static int? ExitCodeFor(Exception failure) => failure switch
    {
        ServerUnreachableException or ServerClosedException or TimeoutException => ExitCodes.NoConnection,
        ServerRefusedException or BadServerMessageException or AuthenticationException => ExitCodes.Failure,
        _ => null,
    };
}
