using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Softr.Functions.Automations;
using Softr.Functions.Processing;

namespace Softr.Functions.Privacy;

/// <summary>
/// Step results that are credentials (a magic link: anyone holding it signs in as the user), kept
/// encrypted at rest with ASP.NET Core Data Protection. Which results are credentials is the action's
/// to say (<see cref="SoftrAction.SecretOutputs"/>). A step row keeps the others as they are and shows
/// <see cref="Redacted"/> in their place; the encrypted values go in a column of their own, which only
/// processing opens (later steps, retries and replays still get the value). Every read API sees the row
/// as stored, so it shows <see cref="Redacted"/>.
/// </summary>
public sealed class StepSecrets(IDataProtectionProvider provider)
{
    public const string Redacted = "[redacted]";

    // The purpose string isolates these ciphertexts from any other use of the same key ring.
    private readonly IDataProtector _protector = provider.CreateProtector("Softr.Functions.StepOutputs.v1");

    /// <summary>The results fit to store in plain (credentials as <see cref="Redacted"/>), and the credentials encrypted (null when there are none).</summary>
    /// <param name="action">The step's action, which says which of its results are credentials.</param>
    public (IReadOnlyDictionary<string, string?> Shown, string? Sealed) Seal(StepRecord step, SoftrAction action)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(action);
        var secret = action.SecretNames;
        if (secret.Count == 0 || !step.Outputs.Keys.Any(secret.Contains))
        {
            return (step.Outputs, null);
        }
        var shown = new Dictionary<string, string?>(StringComparer.Ordinal);
        var hidden = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in step.Outputs)
        {
            if (secret.Contains(name) && value is not null)
            {
                hidden[name] = value;
                shown[name] = Redacted;
            }
            else
            {
                shown[name] = value;
            }
        }
        return hidden.Count == 0
            ? (step.Outputs, null)
            : (shown, _protector.Protect(JsonSerializer.Serialize<IReadOnlyDictionary<string, string?>>(hidden, ProcessingJsonContext.Default.IReadOnlyDictionaryStringString)));
    }

    /// <summary>The results whole again, for processing: the stored ones with the credentials decrypted into place.</summary>
    public IReadOnlyDictionary<string, string?> Open(IReadOnlyDictionary<string, string?> shown, string? sealedText)
    {
        ArgumentNullException.ThrowIfNull(shown);
        if (string.IsNullOrEmpty(sealedText))
        {
            return shown;
        }
        var hidden = JsonSerializer.Deserialize(_protector.Unprotect(sealedText), ProcessingJsonContext.Default.IReadOnlyDictionaryStringString) ?? new Dictionary<string, string?>();
        var whole = new Dictionary<string, string?>(shown, StringComparer.Ordinal);
        foreach (var (name, value) in hidden)
        {
            whole[name] = value;
        }
        return whole;
    }

    /// <summary>Whether <paramref name="sealedText"/> (a step's sealed results; null: none) can still be opened with the key ring as it is.</summary>
    public bool CanOpen(string? sealedText)
    {
        if (string.IsNullOrEmpty(sealedText))
        {
            return true;
        }
        try
        {
            _ = _protector.Unprotect(sealedText);
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

}
