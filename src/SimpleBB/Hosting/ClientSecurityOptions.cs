using System.CommandLine;
using SimpleBB.Protocol;

namespace SimpleBB.Hosting;

/// <summary>The token and TLS options that builder and suggest share, and how they become settings.</summary>
public sealed class ClientSecurityOptions
{
    private readonly Option<string> _token = EnvOptions.String("--token", [], "SIMPLEBB_TOKEN", () => "",
        "The server's token (default: read from --token-file, else ~/.simplebb/token)");
    private readonly Option<string> _tokenFile = EnvOptions.String("--token-file", [], "SIMPLEBB_TOKEN_FILE", () => "",
        "File holding the server's token");
    private readonly Option<bool> _tls = EnvOptions.Flag("--tls", "SIMPLEBB_TLS", "Connect with TLS, trusting the system's certificate authorities");
    private readonly Option<string> _tlsCa = EnvOptions.String("--tls-ca", [], "SIMPLEBB_TLS_CA", () => "",
        "Connect with TLS, trusting only this CA certificate (PEM or DER)");
    private readonly Option<string> _tlsFingerprint = EnvOptions.String("--tls-fingerprint", [], "SIMPLEBB_TLS_FINGERPRINT", () => "",
        "Connect with TLS, accepting only the certificate with this SHA-256 fingerprint (as the server logs it)");

    public void AddTo(Command command)
    {
        command.Options.Add(_token);
        command.Options.Add(_tokenFile);
        command.Options.Add(_tls);
        command.Options.Add(_tlsCa);
        command.Options.Add(_tlsFingerprint);
    }

    /// <summary>Reads the token (if any) and the TLS settings; throws <see cref="IOException"/> with a readable message.</summary>
    public (string? Token, ClientTls? Tls) Resolve(ParseResult parse)
    {
        var token = TokenStore.Resolve(parse.GetValue(_token), parse.GetValue(_tokenFile), create: false, out _);
        var ca = parse.GetValue(_tlsCa);
        var fingerprint = parse.GetValue(_tlsFingerprint);
        if (!string.IsNullOrEmpty(ca) && !File.Exists(ca))
        {
            throw new IOException($"CA certificate {ca} does not exist");
        }
        if (!string.IsNullOrEmpty(fingerprint) && ClientTls.NormalizeFingerprint(fingerprint) is { } hex
            && (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit)))
        {
            throw new IOException($"--tls-fingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed)");
        }
        var tls = parse.GetValue(_tls) || !string.IsNullOrEmpty(ca) || !string.IsNullOrEmpty(fingerprint)
            ? new ClientTls { CaFile = NullIfEmpty(ca), Fingerprint = NullIfEmpty(fingerprint) }
            : null;
        return (token, tls);
    }

    /// <summary>As <see cref="Resolve"/>, but a problem is one line on stderr ("simplebb-x: …") and false.</summary>
    public bool TryResolve(ParseResult parse, out string? token, out ClientTls? tls)
    {
        try
        {
            (token, tls) = Resolve(parse);
            return true;
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"{parse.RootCommandResult.Command.Name}: {ex.Message}");
            (token, tls) = (null, null);
            return false;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
