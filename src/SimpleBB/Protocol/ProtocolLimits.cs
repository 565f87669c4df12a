namespace SimpleBB.Protocol;

/// <summary>Constants every implementation of the protocol agrees on.</summary>
public static class ProtocolLimits
{
    /// <summary>
    /// The highest protocol version this code speaks (hello's <c>maxProtocol</c>). Version 3 adds what a version-2 peer
    /// would not understand: live output, cancelling a build, and the <c>interrupted</c> and <c>cancelled</c> results.
    /// Each side sends those only once the connection's negotiated version is at least 3. Version 4 adds the last
    /// results of a project or builder to <c>status</c> (<see cref="StatusQueryVersion"/>).
    /// </summary>
    public const int Version = 4;

    /// <summary>The first version with live output, cancel and the interrupted and cancelled results.</summary>
    public const int WatchAndStopVersion = 3;

    /// <summary>
    /// The first version whose server answers <c>status</c> with <c>project</c>, <c>builder</c> or <c>last</c> from its
    /// results store. An older server ignores those fields (as it ignores every field it does not know) and sends its
    /// usual snapshot, so a client learns from <c>welcome</c> which of the two it gets.
    /// </summary>
    public const int StatusQueryVersion = 4;

    /// <summary>The most results one status request may ask for (<c>last</c>): a snapshot line stays a few hundred KiB.</summary>
    public const int MaxLastResults = 1000;

    /// <summary>How many results a status request that names a project or builder without <c>last</c> gets.</summary>
    public const int DefaultLastResults = 20;

    /// <summary>The lowest protocol version this code still speaks (hello's <c>minProtocol</c>).</summary>
    public const int MinVersion = 1;

    /// <summary>The default TCP port.</summary>
    public const int DefaultPort = 7900;

    /// <summary>The default maximum line length in bytes, newline excluded.</summary>
    public const int DefaultMaxLineBytes = 64 * 1024;

    /// <summary>How much of a build's output (its tail) a result carries.</summary>
    public const int MaxOutputBytes = 4 * 1024;

    /// <summary>
    /// The longest <c>output</c> a result may carry, in UTF-8 bytes: a 4 KiB tail whose invalid bytes became U+FFFD (three
    /// bytes each) fits.
    /// </summary>
    public const int MaxResultOutputBytes = 16 * 1024;

    /// <summary>Longest uname field or runtime, in UTF-8 bytes (they are written to server.log).</summary>
    public const int MaxTextBytes = 256;

    /// <summary>Longest <c>version</c> in hello, in UTF-8 bytes.</summary>
    public const int MaxVersionBytes = 64;

    /// <summary>
    /// Scripts in one hello or scripts message: 300 entries with 100-byte names take about 56 KiB, so the list always
    /// fits in one line of the default 64 KiB. A builder with more announces the first 300 by name and says so.
    /// </summary>
    public const int MaxScripts = 300;

    /// <summary>Longest <c>data</c> of one <c>output</c> message, in UTF-8 bytes.</summary>
    public const int MaxOutputChunkBytes = 16 * 1024;

    /// <summary>
    /// Raw output bytes a builder puts in one <c>output</c> message: even if every byte were invalid UTF-8 (three bytes as
    /// U+FFFD) it stays under <see cref="MaxOutputChunkBytes"/>, and escaped as JSON (six bytes for a control character)
    /// its line stays under the default line length.
    /// </summary>
    public const int OutputChunkRawBytes = 4 * 1024;
}
