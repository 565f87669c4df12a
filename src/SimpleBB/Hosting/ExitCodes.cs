namespace SimpleBB.Hosting;

/// <summary>Exit codes shared by the executables; each command's --help lists the ones it uses.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The daemon could not start or stopped on an error (port in use, log not writable); suggest: the server answered with an error.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line or environment variable.</summary>
    public const int Usage = 2;

    /// <summary>Suggest and status: no answer from the server (could not connect, silence, or the connection lost mid-exchange).</summary>
    public const int NoConnection = 3;
}
