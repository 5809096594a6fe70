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

    /// <summary>
    /// Marks the payload as changed now, without changing it: payloads are kept by their last change (the
    /// retention sweep and, in Azure, the container's lifecycle rule), and one whose event is dead-lettered
    /// must be kept as long as its dead letter, which replays from it. Nothing happens if it is gone.
    /// </summary>
    Task TouchAsync(string reference, CancellationToken cancellationToken = default);

    /// <summary>Deletes the payload (its event was erased, or dropped as erased); nothing happens if it is gone.</summary>
    Task DeleteAsync(string reference, CancellationToken cancellationToken = default);
}
