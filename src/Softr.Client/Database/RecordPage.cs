namespace Softr.Database;

/// <summary>One page of a list or a search, with where it sits in the whole.</summary>
public sealed record RecordPage(IReadOnlyList<SoftrRecord> Records, int Offset, int Limit, int Total)
{
    /// <summary>Whether records remain after this page (Softr's rule: offset + count &lt; total).</summary>
    public bool HasMore => Records.Count > 0 && Offset + Records.Count < Total;
}
