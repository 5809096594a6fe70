namespace Softr.Functions.Events;

/// <summary>A queue message that no retry can make readable.</summary>
public sealed class InvalidEventEnvelopeException : Exception
{
    public InvalidEventEnvelopeException(string message) : base(message)
    {
    }

    public InvalidEventEnvelopeException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
