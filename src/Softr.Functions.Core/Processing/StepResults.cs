using System.Security.Cryptography;
using Softr.Functions.Privacy;

namespace Softr.Functions.Processing;

/// <summary>
/// The results of an automation's steps so far, as later steps' templates see them (<c>steps.{id}.{output}</c>).
/// Results recorded by an earlier attempt keep their credentials sealed until a template uses one: a key
/// ring that lost its key then fails that step, with its cause, instead of every read of the event.
/// </summary>
internal sealed class StepResults(StepSecrets secrets)
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, string?>> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sealed = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> All => _results;

    public void Add(string stepId, IReadOnlyDictionary<string, string?> outputs, string? sealedSecrets)
    {
        _results[stepId] = outputs;
        if (sealedSecrets is { Length: > 0 })
        {
            _sealed[stepId] = sealedSecrets;
        }
        else
        {
            _sealed.Remove(stepId);
        }
    }

    /// <summary>Opens the sealed credentials of the steps <paramref name="references"/> name.</summary>
    /// <exception cref="PermanentFailureException">Cause <see cref="FailureCauses.SecretUnreadable"/>: the key that sealed them is gone.</exception>
    public void Open(IEnumerable<(string StepId, string Output)> references)
    {
        foreach (var (stepId, output) in references)
        {
            if (!_sealed.TryGetValue(stepId, out var sealedText))
            {
                continue;
            }
            try
            {
                _results[stepId] = secrets.Open(_results[stepId], sealedText);
                _sealed.Remove(stepId);
            }
            catch (CryptographicException lost)
            {
                throw new PermanentFailureException(FailureCauses.SecretUnreadable,
                    $"step '{stepId}' made '{output}', a credential kept encrypted, and it can no longer be decrypted: the Data Protection key ring lost the key that sealed it. "
                    + "Replay the event: the step that made it is safe to repeat, runs again and makes a new one.", lost);
            }
        }
    }
}
