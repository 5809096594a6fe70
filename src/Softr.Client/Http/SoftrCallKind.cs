namespace Softr.Http;

/// <summary>Which of Softr's per-token budgets a call spends: reads (GET and search) or writes.</summary>
public enum SoftrCallKind
{
    /// <summary>GET calls and searches.</summary>
    Read,

    /// <summary>Creates, updates, deletes and every Users API change.</summary>
    Write,
}
