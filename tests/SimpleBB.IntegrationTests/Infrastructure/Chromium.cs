namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>
/// Finds Debian's headless-capable Chromium and its driver (packages chromium and chromium-driver; .ci/run installs
/// them). SIMPLEBB_CHROMIUM and SIMPLEBB_CHROMEDRIVER point elsewhere.
/// </summary>
internal static class Chromium
{
    public static string? Browser { get; } = First("SIMPLEBB_CHROMIUM", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium");

    public static string? Driver { get; } = First("SIMPLEBB_CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    public static bool Found => Browser is not null && Driver is not null;

    public const string Missing =
        "headless Chromium was not found (looked for /usr/bin/chromium and /usr/bin/chromedriver, or SIMPLEBB_CHROMIUM and SIMPLEBB_CHROMEDRIVER): "
        + "install it with `apt-get install chromium chromium-driver` (.ci/run does)";

    private static string? First(string env, params string[] candidates) =>
        (Environment.GetEnvironmentVariable(env) is { Length: > 0 } given ? [given] : candidates).FirstOrDefault(File.Exists);
}
