namespace SimpleBB.Store;

/// <summary>
/// How a build ended on one builder, as data rather than words: the store keeps the kind and the exit code, and the
/// words people read ("FAILED 3", "failed", "n-a") are made from them, never parsed back.
/// </summary>
public enum OutcomeKind
{
    /// <summary>The script exited 0.</summary>
    Success,

    /// <summary>The script exited non-zero (the exit code says how).</summary>
    Failed,

    /// <summary>The builder killed the script at its --timeout.</summary>
    Timeout,

    /// <summary>The builder has no script for the project (exit code -1); says nothing about the revision.</summary>
    NotApplicable,

    /// <summary>Someone cancelled the build; says nothing about the revision.</summary>
    Cancelled,

    /// <summary>The builder stopped the build because it was shutting down; says nothing about the revision.</summary>
    Interrupted,

    /// <summary>The builder never reported (the server gave up on it); says nothing about the revision.</summary>
    Lost,
}
