using System.CommandLine;
using SimpleBB.Builder;
using SimpleBB.Cancel;
using SimpleBB.Hosting;
using SimpleBB.Server;
using SimpleBB.Status;
using SimpleBB.Suggest;

namespace SimpleBB.Docs;

/// <summary>
/// One executable as the documentation sees it: its real command line (the same definitions --help prints) plus
/// the few things a man page needs that a command line does not hold (section, one-line summary, files).
/// </summary>
public sealed record DocumentedCommand(string Name, int Section, string Summary, Func<RootCommand> Create, string[] Files)
{
    /// <summary>The four executables, in the order their pages refer to each other.</summary>
    public static IReadOnlyList<DocumentedCommand> All { get; } =
    [
        new("simplebb-server", 8, "accept builders and suggesters, send every build to every builder, record every result",
            () => ServerCommand.Create(),
            [
                "server.log|The log (--log-file): one line per event and per result; rotated parts server.log.1 and up.",
                "history.jsonl|Every result with its output tail, beside the log; reloaded at start.",
                "logs/PROJECT/BUILD-BUILDER.log|Each result's output tail, beside the log.",
                "~/.simplebb/token|The shared secret, created (mode 0600) on first start unless --token, --token-file or --no-auth.",
            ]),
        new("simplebb-builder", 8, "run each suggested build's script and report its result to the server",
            BuilderCommand.Create,
            [
                "~/.simplebb/buildscripts/PROJECT|One executable build script per project, run as PROJECT REVISION (--scripts).",
                "~/.simplebb/builder.log|The builder's own log (--log-file), rolled at 64 MiB.",
                "~/.simplebb/outbox/|Results not yet acknowledged by the server, sent again after a reconnect or restart.",
                "~/.simplebb/logs/PROJECT/BUILD.log|Each build's full output (the newest 50 per project are kept).",
                "~/.simplebb/work/PROJECT/|The folder each build of PROJECT runs in, kept between builds.",
                "~/.simplebb/token|The server's token, unless --token or --token-file.",
            ]),
        new("simplebb-suggest", 1, "suggest builds to a SimpleBB server, from the command line or a git hook",
            SuggestCommand.Create,
            ["~/.simplebb/token|The server's token, unless --token or --token-file."]),
        new("simplebb-status", 1, "show a SimpleBB server's builders and latest results",
            StatusCommand.Create,
            ["~/.simplebb/token|The server's token, unless --token or --token-file."]),
        new("simplebb-cancel", 1, "cancel a build on a SimpleBB server's builders",
            CancelCommand.Create,
            ["~/.simplebb/token|The server's token, unless --token or --token-file."]),
    ];

    /// <summary>The command exactly as the executable builds it, including --version and its -V alias.</summary>
    public RootCommand Command => Cli.Prepare(Create());

    public string ManFile => $"{Name}.{Section}";
}
