using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SimpleBB.Protocol;

/// <summary>
/// How a client checks a TLS server: against the system's trusted roots (the default), against one CA certificate
/// (<see cref="CaFile"/>), or by the SHA-256 fingerprint of the server's certificate (<see cref="Fingerprint"/>),
/// which lets a self-signed certificate work without any CA.
/// </summary>
public sealed record ClientTls
{
    /// <summary>PEM or DER file of the CA that signed the server's certificate.</summary>
    public string? CaFile { get; init; }

    /// <summary>SHA-256 of the server's certificate in hex; colons and case are ignored.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Normalises a fingerprint as printed by the server or openssl ("AB:CD:…") to lower-case hex.</summary>
    public static string NormalizeFingerprint(string fingerprint) =>
        fingerprint.Replace(":", "", StringComparison.Ordinal).Trim().ToLowerInvariant();

    public SslClientAuthenticationOptions ToOptions(string host)
    {
        var options = new SslClientAuthenticationOptions { TargetHost = host };
        if (Fingerprint is { } pinned)
        {
            var expected = NormalizeFingerprint(pinned);
            options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && Convert.ToHexStringLower(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)) == expected;
        }
        else if (CaFile is { } caFile)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
                {
                    return false;
                }
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }
        return options;
    }
}
