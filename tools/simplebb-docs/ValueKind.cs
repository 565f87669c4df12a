namespace SimpleBB.Docs;

/// <summary>What an option's value is, so bash completion can offer files, folders or host names.</summary>
public enum ValueKind
{
    /// <summary>A flag: no value.</summary>
    None,
    File,
    Directory,
    HostName,

    /// <summary>A number or free text: nothing to offer.</summary>
    Other,
}
