namespace SimpleBB.Protocol;

/// <summary>The stable codes carried by <see cref="ErrorMessage.Code"/>; docs/protocol.md lists what each means.</summary>
public static class ErrorCodes
{
    public const string EmptyLine = "empty-line";
    public const string BadUtf8 = "bad-utf8";
    public const string BadJson = "bad-json";
    public const string MissingType = "missing-type";
    public const string UnknownType = "unknown-type";
    public const string BadMessage = "bad-message";
    public const string LineTooLong = "line-too-long";
    public const string HelloRequired = "hello-required";
    public const string DuplicateHello = "duplicate-hello";
    public const string HelloTimeout = "hello-timeout";
    public const string HeartbeatTimeout = "heartbeat-timeout";
    public const string UnsupportedProtocol = "unsupported-protocol";
    public const string BadRole = "bad-role";
    public const string BadName = "bad-name";
    public const string BadProject = "bad-project";
    public const string BadRevision = "bad-revision";
    public const string NotAllowed = "not-allowed";
    public const string UnknownBuild = "unknown-build";
    public const string ServerFull = "server-full";
    public const string SlowConsumer = "slow-consumer";
    public const string Unavailable = "unavailable";
    public const string Replaced = "replaced";
    public const string Unauthorized = "unauthorized";
    public const string CannotRecord = "cannot-record";

    /// <summary>A cancel for a build the named builder does not owe (finished, never sent, or not connected).</summary>
    public const string NotRunning = "not-running";

    /// <summary>A cancel for a build owed only by builders whose protocol (below 3) has no cancel.</summary>
    public const string CannotCancel = "cannot-cancel";
}
