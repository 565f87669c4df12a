namespace SimpleBB.Suggest;

/// <summary>The suggestion could not be delivered: no connection, the server refused the client, or no answer in time.</summary>
public sealed class SuggestException(string message, bool connected) : Exception(message)
{
    /// <summary>False when no connection could be made at all (exit code 3).</summary>
    public bool Connected { get; } = connected;
}
