namespace SimpleBB.Server;

/// <summary>What the server knows about a result's build id before recording it.</summary>
internal enum ResultCheck
{
    /// <summary>This server sent the build to this builder and has no result for it yet.</summary>
    Expected,

    /// <summary>An earlier server instance issued the id (the result waited in the builder's outbox); accepted once.</summary>
    FromEarlierServer,

    /// <summary>This server never sent that build to that builder, or the id is not one a server issued recently.</summary>
    Unknown,

    /// <summary>The id is known but the project or revision differ from what was sent.</summary>
    Mismatch,
}
