namespace SimpleBB.Server;

/// <summary>What <see cref="ResultHooks"/> runs and how much of it at once.</summary>
internal sealed record HookSettings
{
    /// <summary>The script run for every recorded result.</summary>
    public required string Script { get; init; }

    /// <summary>Hooks running at once (of different projects: one project's hooks run one after another).</summary>
    public int Jobs { get; init; } = 2;

    /// <summary>A hook still running then is killed with its process group.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Results waiting for their hook in memory; more are left in the journal for the next start.</summary>
    public int QueueCapacity { get; init; } = 10_000;

    /// <summary>Folder the output files are under (the folder of server.log); also the hooks' working directory.</summary>
    public required string OutputRoot { get; init; }

    /// <summary>The server's web page base URL (SIMPLEBB_URL), or null.</summary>
    public string? WebBaseUrl { get; init; }
}
