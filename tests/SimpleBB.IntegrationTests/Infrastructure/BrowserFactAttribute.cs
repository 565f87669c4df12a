namespace SimpleBB.IntegrationTests.Infrastructure;

/// <summary>
/// A test that needs a real browser. Without Chromium it is skipped with a clear message on a developer's machine;
/// under CI (the CI variable set) it runs anyway and fails with that message, so a missing install is never hidden.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.Found && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = Chromium.Missing;
        }
    }
}
