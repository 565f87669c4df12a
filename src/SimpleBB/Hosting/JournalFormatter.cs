using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace SimpleBB.Hosting;

/// <summary>
/// Console lines for the systemd journal: the journal stamps each line itself, so no timestamp, and a
/// <c>&lt;N&gt;</c> syslog priority prefix (sd-daemon(3)) so <c>journalctl -p warning</c> finds the warnings.
/// </summary>
public sealed class JournalFormatter : ITextFormatter
{
    private readonly MessageTemplateTextFormatter _message = new("{Message:lj}{NewLine}{Exception}");

    /// <summary>
    /// True when stderr is the journal stream systemd set up for this process: JOURNAL_STREAM names its
    /// device and inode, and a child that redirected stderr elsewhere must not send prefixes into a file.
    /// </summary>
    public static bool StderrIsJournal()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("JOURNAL_STREAM") is not { } stream
            || stream.Split(':') is not [_, var inode])
        {
            return false;
        }
        try
        {
            return new FileInfo("/proc/self/fd/2").LinkTarget == $"socket:[{inode}]";
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write(logEvent.Level switch
        {
            LogEventLevel.Fatal => "<2>",
            LogEventLevel.Error => "<3>",
            LogEventLevel.Warning => "<4>",
            LogEventLevel.Information => "<6>",
            _ => "<7>",
        });
        _message.Format(logEvent, output);
    }
}
