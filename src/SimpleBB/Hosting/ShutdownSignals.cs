using System.Runtime.InteropServices;

namespace SimpleBB.Hosting;

/// <summary>
/// Ctrl-C, SIGTERM and SIGQUIT for a SimpleBB executable, handled here for every signal so that none takes the default
/// action (which ends the process at once, exit 143, with a build still running and unreported). The first signal
/// starts a clean shutdown (<see cref="Stopping"/>); the second asks it to hurry (<see cref="Hurry"/>: the builder stops
/// running builds now instead of after --shutdown-grace), and the shutdown still reports and exits 0; the third ends
/// the process at once with 128 + the signal number, for a shutdown that is itself stuck.
/// </summary>
public sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _hurry = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _count;

    public ShutdownSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
        ];
        Current = this;
    }

    /// <summary>The handler of this process (set by <see cref="Cli.RunAsync"/>); null in a test that hosts a daemon in-process.</summary>
    public static ShutdownSignals? Current { get; private set; }

    /// <summary>Cancelled by the first signal: stop taking work and shut down cleanly.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Cancelled by the second signal: shut down without waiting for running work.</summary>
    public CancellationToken Hurry => _hurry.Token;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        switch (Interlocked.Increment(ref _count))
        {
            case 1:
                _stopping.Cancel();
                break;
            case 2:
                _hurry.Cancel();
                break;
            default:
                var name = Path.GetFileNameWithoutExtension(Environment.GetCommandLineArgs()[0]);
                Console.Error.WriteLine($"{name}: third signal ({context.Signal}), exiting now");
                Environment.Exit(128 + SignalNumber(context.Signal));
                break;
        }
    }

    private static int SignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        _ => 15,
    };

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        if (Current == this)
        {
            Current = null;
        }
        _stopping.Dispose();
        _hurry.Dispose();
    }
}
