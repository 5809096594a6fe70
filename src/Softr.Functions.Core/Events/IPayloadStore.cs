namespace Softr.Functions.Events;

/// <summary>
/// Claim check for payloads a queue message cannot carry (64 KiB, less a third for base64): the payload
/// goes to a blob and the envelope carries its name.
/// </summary>
public interface IPayloadStore
{
    /// <summary>Stores the payload; returns the reference to put in the envelope.</summary>
    Task<string> PutAsync(string eventId, BinaryData payload, CancellationToken cancellationToken = default);

    Task<BinaryData> GetAsync(string reference, CancellationToken cancellationToken = default);
}
