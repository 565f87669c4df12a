using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SimpleBB.Server;

/// <summary>Loads the server's TLS certificate: a PFX/PKCS#12 file, or a PEM certificate with its key (same or separate file).</summary>
public static class ServerCertificate
{
    public static X509Certificate2 Load(string certificateFile, string? keyFile, string? password)
    {
        var pem = keyFile is not null || File.ReadAllText(certificateFile).Contains("-----BEGIN", StringComparison.Ordinal);
        if (!pem)
        {
            return X509CertificateLoader.LoadPkcs12FromFile(certificateFile, password);
        }
        using var fromPem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        // Re-import so the private key is usable by TLS on every platform.
        return X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The certificate's SHA-256 fingerprint as "AB:CD:…", what clients pin with --tls-fingerprint.</summary>
    public static string Fingerprint(X509Certificate2 certificate) =>
        Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + ":" + b);
}
