namespace SimpleBB.Tests.Support;

/// <summary>The faults a test arms on a pretend disk; every <see cref="FaultyFile"/> on it obeys them.</summary>
internal sealed class DiskFaults
{
    private int _appends;
    private int _syncs;

    /// <summary>Fail the Nth append from now (1 = the next); 0 = none.</summary>
    public int FailAppendAt { get; set; }

    /// <summary>How many bytes of a failing append still reach the file (a torn write).</summary>
    public int TornBytes { get; set; }

    /// <summary>Fail the Nth sync from now; 0 = none.</summary>
    public int FailSyncAt { get; set; }

    /// <summary>Every append and sync fails while this is set (a disk that stays full).</summary>
    public bool Full { get; set; }

    public bool AppendFails()
    {
        if (Full)
        {
            return true;
        }
        if (FailAppendAt > 0 && ++_appends == FailAppendAt)
        {
            FailAppendAt = _appends = 0;
            return true;
        }
        return false;
    }

    public bool SyncFails()
    {
        if (Full)
        {
            return true;
        }
        if (FailSyncAt > 0 && ++_syncs == FailSyncAt)
        {
            FailSyncAt = _syncs = 0;
            return true;
        }
        return false;
    }
}
