namespace SimpleBB.Server;

/// <summary>What the server knows about one build's output file while its live output arrives (also the lock for it).</summary>
internal sealed class LiveFile(string path)
{
    public string Path { get; } = path;

    /// <summary>Timestamp (<see cref="System.Diagnostics.Stopwatch"/>) of the first chunk, to find the oldest.</summary>
    public long Started { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Bytes appended to the file so far.</summary>
    public long Bytes { get; set; }

    /// <summary>Something is missing: the builder skipped output, a chunk was lost with a connection, or the file hit its cap.</summary>
    public bool Incomplete { get; set; }

    /// <summary>The cap was reached and said so in the file: later chunks are not written.</summary>
    public bool Full { get; set; }

    /// <summary>The result has been written: chunks arriving later are ignored.</summary>
    public bool Finished { get; set; }

    /// <summary>Appending failed once (logged); later chunks are not written.</summary>
    public bool Failed { get; set; }
}
