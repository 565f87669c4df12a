namespace SimpleBB.Protocol;

/// <summary>The roles a peer can announce in <see cref="Hello"/>.</summary>
public static class Roles
{
    /// <summary>A machine that runs build scripts and reports results.</summary>
    public const string Builder = "builder";

    /// <summary>A short-lived client that suggests builds.</summary>
    public const string Suggest = "suggest";

    /// <summary>A client that reads the server's state (simplebb-status).</summary>
    public const string Status = "status";
}
