using System.Xml.Linq;
using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Softr.Functions.Privacy;

namespace Softr.Functions.Tests.Processing;

/// <summary>The Data Protection keys, wrapped with a key-encryption key that lives only in Key Vault (issue #14, item 1).</summary>
public sealed class KeyVaultKeyWrappingTests
{
    private readonly Mock<SecretClient> _vault = new();

    public KeyVaultKeyWrappingTests() => Version("v1", "first key-encryption key, 0123456789abcdef", latest: true);

    [Fact]
    public void AWrappedKey_HoldsNoPlaintext_AndUnwrapsWhole()
    {
        var wrapping = new KeyVaultKeyWrapping(_vault.Object, "dataprotection-kek");
        var key = new XElement("masterKey", new XElement("value", "c2VjcmV0LWtleS1tYXRlcmlhbA=="));

        var wrapped = wrapping.Wrap(key);

        Assert.DoesNotContain("c2VjcmV0", wrapped.ToString(), StringComparison.Ordinal);
        Assert.Equal("v1", (string?)wrapped.Attribute("version"));
        Assert.Equal(key.ToString(), new KeyVaultKeyWrapping(_vault.Object, "dataprotection-kek").Unwrap(wrapped).ToString());
    }

    [Fact]
    public void AfterARotation_KeysWrappedWithTheOldVersion_StillUnwrap_AndNewOnesUseTheNew()
    {
        var key = new XElement("masterKey", "material");
        var old = new KeyVaultKeyWrapping(_vault.Object, "dataprotection-kek").Wrap(key);
        Version("v2", "second key-encryption key, fedcba9876543210", latest: true);

        var rotated = new KeyVaultKeyWrapping(_vault.Object, "dataprotection-kek");
        var fresh = rotated.Wrap(key);

        Assert.Equal("v2", (string?)fresh.Attribute("version"));
        Assert.Equal(key.ToString(), rotated.Unwrap(old).ToString());
        Assert.Equal(key.ToString(), rotated.Unwrap(fresh).ToString());
    }

    [Fact]
    public void AWrappedKey_TamperedWith_DoesNotUnwrap()
    {
        var wrapping = new KeyVaultKeyWrapping(_vault.Object, "dataprotection-kek");
        var wrapped = wrapping.Wrap(new XElement("masterKey", "material"));
        var value = Convert.FromBase64String(wrapped.Element("value")!.Value);
        value[0] ^= 1;
        wrapped.Element("value")!.Value = Convert.ToBase64String(value);

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => wrapping.Unwrap(wrapped));
    }

    [Fact]
    public void DataProtection_StoresOnlyWrappedKeys_AndReadsThemBack()
    {
        var ring = new InMemoryRing();
        var wrapping = new KeyVaultKeyWrapping(_vault.Object, "dataprotection-kek");
        IDataProtector Protector()
        {
            var services = new ServiceCollection();
            services.AddDataProtection().SetApplicationName("Softr.Functions");
            services.Configure<KeyManagementOptions>(options =>
            {
                options.XmlRepository = ring;
                options.XmlEncryptor = new KeyVaultKeyWrapping.Encryptor(wrapping);
            });
            return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        }

        var sealedText = Protector().Protect("https://portal.softr.app/magic/abc");
        var stored = string.Join("", ring.GetAllElements().Select(element => element.ToString()));
        var opened = Protector().Unprotect(sealedText); // another process: the same ring, read back and unwrapped

        Assert.Contains("wrappedKey", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", stored, StringComparison.Ordinal);
        Assert.Equal("https://portal.softr.app/magic/abc", opened);
    }

    private void Version(string version, string value, bool latest)
    {
        var secret = SecretModelFactory.KeyVaultSecret(SecretModelFactory.SecretProperties(name: "dataprotection-kek", version: version), value);
        var response = Response.FromValue(secret, Mock.Of<Response>());
        _vault.Setup(vault => vault.GetSecret("dataprotection-kek", version, It.IsAny<CancellationToken>())).Returns(response);
        if (latest)
        {
            _vault.Setup(vault => vault.GetSecret("dataprotection-kek", null, It.IsAny<CancellationToken>())).Returns(response);
        }
    }

    private sealed class InMemoryRing : IXmlRepository
    {
        private readonly List<XElement> _elements = [];

        public IReadOnlyCollection<XElement> GetAllElements() => [.. _elements];

        public void StoreElement(XElement element, string friendlyName) => _elements.Add(element);
    }
}
