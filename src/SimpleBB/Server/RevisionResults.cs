using SimpleBB.Protocol;

namespace SimpleBB.Server;

/// <summary>
/// The latest result of each builder for one project and revision, with running counts of passes and failures so
/// that "does this revision mix them?" needs no scan.
/// </summary>
internal sealed class RevisionResults
{
    private readonly Dictionary<string, LinkedListNode<RecordedResult>> _byBuilder = new(StringComparer.Ordinal);
    private int _passed;
    private int _failed;

    public bool IsEmpty => _byBuilder.Count == 0;

    /// <summary>Some builder passed and another failed (N/A counts as neither).</summary>
    public bool Mixed => _passed > 0 && _failed > 0;

    public IEnumerable<RecordedResult> Results => _byBuilder.Values.Select(node => node.Value);

    public bool Has(string builder) => _byBuilder.ContainsKey(builder);

    public void Add(string builder, LinkedListNode<RecordedResult> node)
    {
        _byBuilder.Add(builder, node);
        Count(node.Value, +1);
    }

    /// <summary>Forgets the builder's result and returns its node, or null when it had none.</summary>
    public LinkedListNode<RecordedResult>? Remove(string builder)
    {
        if (!_byBuilder.Remove(builder, out var node))
        {
            return null;
        }
        Count(node.Value, -1);
        return node;
    }

    private void Count(RecordedResult result, int delta)
    {
        switch (Outcomes.Verdict(result.Outcome))
        {
            case true:
                _passed += delta;
                break;
            case false:
                _failed += delta;
                break;
        }
    }
}
