using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace SimpleBB.Hosting;

/// <summary>One place that decides what a SimpleBB log line looks like, on file and on the console.</summary>
public static class LogSetup
{
    /// <summary>One readable line per event: local time with offset, level, message.</summary>
    public const string FileTemplate = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Message:lj}{NewLine}{Exception}";

    private const string ConsoleTemplate = "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}";

    public static ITextFormatter FileFormatter() => new MessageTemplateTextFormatter(FileTemplate);

    /// <summary>The server logs to its <see cref="FileLogSink"/> and, unless quiet, to stderr.</summary>
    public static Logger ForServer(FileLogSink file, bool console)
    {
        var config = new LoggerConfiguration().MinimumLevel.Information().WriteTo.Sink(file);
        return WithConsole(config, console).CreateLogger();
    }

    /// <summary>The builder logs to builder.log (rolled by size, a few parts kept) and, unless quiet, to stderr.</summary>
    public static Logger ForBuilder(string logFile, bool console)
    {
        var config = new LoggerConfiguration().MinimumLevel.Information()
            .WriteTo.File(logFile, outputTemplate: FileTemplate, fileSizeLimitBytes: 64L * 1024 * 1024,
                rollOnFileSizeLimit: true, retainedFileCountLimit: 5);
        return WithConsole(config, console).CreateLogger();
    }

    /// <summary>Suggest has no log file: warnings only, on stderr, so stdout stays clean for scripts.</summary>
    public static Logger ForClient(bool verbose) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Warning)
            .WriteTo.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Verbose)
            .CreateLogger();

    /// <summary>
    /// Under systemd the console lines go to the journal, which has its own timestamps and levels
    /// (<see cref="JournalFormatter"/>); at a terminal they carry the time.
    /// </summary>
    private static LoggerConfiguration WithConsole(LoggerConfiguration config, bool console) =>
        !console ? config
        : JournalFormatter.StderrIsJournal() ? config.WriteTo.Console(new JournalFormatter(), standardErrorFromLevel: LogEventLevel.Verbose)
        : config.WriteTo.Console(outputTemplate: ConsoleTemplate, standardErrorFromLevel: LogEventLevel.Verbose);
}
