namespace Softr.Functions.Events;

/// <summary>Storage did not confirm the message: the sender must be told to retry.</summary>
public sealed class EventQueueUnavailableException(string message, Exception innerException)
    : Exception(message, innerException);
