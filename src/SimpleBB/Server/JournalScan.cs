using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>What <see cref="ResultJournal.Open"/> found.</summary>
internal sealed record JournalScan
{
    /// <summary>Entries after the last "derived" marker: their server.log line or output file may be missing.</summary>
    public required IReadOnlyList<ResultStatus> Underived { get; init; }

    /// <summary>Entries read, from both parts.</summary>
    public required int Entries { get; init; }

    /// <summary>Lines that did not parse (skipped).</summary>
    public required int Unparseable { get; init; }

    /// <summary>Bytes of a torn last line cut off (a write interrupted by a crash or a full disk).</summary>
    public required long TruncatedBytes { get; init; }

    /// <summary>Entries after the last <c>{"hooked":"*"}</c> line without their own hook marker: to be hooked now.</summary>
    public long Unhooked { get; init; }

    /// <summary>True when the journal had no hook marker at all (older version): everything in it counts as hooked.</summary>
    public bool HooksSettled { get; init; }
}
