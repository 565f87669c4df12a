namespace SimpleBB.Processes;

/// <summary>
/// What to start: <paramref name="Program"/> (run directly, no shell: a script's #! line decides) with
/// <paramref name="Arguments"/>, in <paramref name="WorkingDirectory"/>, with the environment that
/// <see cref="ChildEnvironment"/> makes from the daemon's own and <paramref name="Variables"/>.
/// </summary>
public sealed record ChildStart(string Program, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Variables);
