namespace SimpleBB.Store;

/// <summary>What <see cref="HistoryImport.ImportOnce"/> did: results added, results the store had already, lines skipped.</summary>
public sealed record ImportCount
{
    public int Imported { get; init; }
    public int AlreadyStored { get; init; }
    public int Skipped { get; init; }
}
