using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Softr.Functions.Privacy;

/// <summary>
/// Wraps the Data Protection keys with a key-encryption key that lives only in Key Vault, so that the
/// key ring in blob storage is useless without the vault. The key-encryption key is a Key Vault secret
/// (the Bicep sets it; each deployment may add a version): its SHA-256 is an AES-256-GCM key. Each
/// wrapped key records the secret version it was wrapped with, so that a new version (a rotation)
/// leaves the older keys readable. Key Vault's own key wrapping (<c>Azure.Security.KeyVault.Keys</c>)
/// is not on this project's package feed; secrets are.
/// </summary>
public sealed class KeyVaultKeyWrapping(SecretClient vault, string secretName)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    // Versions do not change once written: each is fetched once per process.
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public string SecretName { get; } = secretName;

    public XElement Wrap(XElement plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var secret = vault.GetSecret(SecretName, null, CancellationToken.None).Value;
        var key = _keys.GetOrAdd(secret.Properties.Version, _ => Derive(secret.Value));
        var data = Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var cipher = new byte[data.Length];
        var tag = new byte[TagSize];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, data, cipher, tag);
        }
        return new XElement("wrappedKey",
            new XAttribute("secret", SecretName),
            new XAttribute("version", secret.Properties.Version),
            new XElement("nonce", Convert.ToBase64String(nonce)),
            new XElement("tag", Convert.ToBase64String(tag)),
            new XElement("value", Convert.ToBase64String(cipher)));
    }

    public XElement Unwrap(XElement wrapped)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        var version = (string?)wrapped.Attribute("version") ?? throw new CryptographicException("The wrapped key names no secret version.");
        var key = _keys.GetOrAdd(version, known => Derive(vault.GetSecret((string?)wrapped.Attribute("secret") ?? SecretName, known, CancellationToken.None).Value.Value));
        var nonce = Convert.FromBase64String((string?)wrapped.Element("nonce") ?? "");
        var tag = Convert.FromBase64String((string?)wrapped.Element("tag") ?? "");
        var cipher = Convert.FromBase64String((string?)wrapped.Element("value") ?? "");
        var data = new byte[cipher.Length];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Decrypt(nonce, cipher, tag, data);
        }
        return XElement.Parse(Encoding.UTF8.GetString(data));
    }

    private static byte[] Derive(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Data Protection's side: wraps each new key before it is stored.</summary>
    public sealed class Encryptor(KeyVaultKeyWrapping wrapping) : IXmlEncryptor
    {
        public KeyVaultKeyWrapping Wrapping { get; } = wrapping;

        public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(Wrapping.Wrap(plaintextElement), typeof(Decryptor));
    }

    /// <summary>Data Protection's side: unwraps a stored key. Created by Data Protection, hence the service provider.</summary>
    public sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement) =>
            (services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlEncryptor as Encryptor)?.Wrapping.Unwrap(encryptedElement)
            ?? throw new InvalidOperationException($"A Data Protection key was wrapped by Key Vault, and {PrivacyServiceCollectionExtensions.KeyVaultUriSetting} is not set.");
    }
}
