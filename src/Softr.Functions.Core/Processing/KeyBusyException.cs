namespace Softr.Functions.Processing;

/// <summary>Another event held the lock on the same key for longer than a step may wait (see <see cref="KeyLocks"/>): a transient failure, tried again later.</summary>
public sealed class KeyBusyException(string message) : Exception(message);
