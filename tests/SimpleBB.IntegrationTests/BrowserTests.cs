using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using SimpleBB.IntegrationTests.Infrastructure;

namespace SimpleBB.IntegrationTests;

/// <summary>The dashboard in a real headless Chromium, driven by Selenium WebDriver.</summary>
public sealed class BrowserTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Screenshots go to the test results folder (and to docs/dashboard.png with SIMPLEBB_UPDATE_SCREENSHOT=1).</summary>
    private static string ResultsFolder => Path.Combine(Executables.RepositoryRoot, "tests", "SimpleBB.IntegrationTests", "TestResults");

    [BrowserFact]
    public async Task An_open_page_shows_a_build_suggested_from_the_command_line_without_reloading()
    {
        Assert.True(Chromium.Found, Chromium.Missing);
        _dir.Script("debian", "foo", "echo compiling foo $1; echo all 42 tests passed; exit 0");
        _dir.Script("debian", "docs", "echo building docs $1; exit 0");
        _dir.Script("debian", "website", "echo building website $1; echo 'error: broken link /about'; exit 2");
        _dir.Script("alpine", "foo", "echo compiling foo $1 with musl; echo 'ld: undefined reference to qsort_r'; exit 1");
        _dir.Script("alpine", "docs", "echo building docs $1; exit 0");
        _dir.Script("alpine", "website", "echo building website $1; echo 'error: broken link /about'; exit 2");
        _dir.Script("fedora", "foo", "echo compiling foo $1; echo all 42 tests passed; exit 0");
        _dir.Script("fedora", "docs", "echo building docs $1; sleep 0.2; exit 0");
        await using var web = await WebFixture.StartAsync(_dir.Path);
        await using var debian = BuilderFixture.Start(_dir.Path, web.Server.Port, "debian-amd64", _dir["debian"]);
        await using var alpine = BuilderFixture.Start(_dir.Path, web.Server.Port, "alpine-arm64", _dir["alpine"]);
        await using var fedora = BuilderFixture.Start(_dir.Path, web.Server.Port, "fedora-x86", _dir["fedora"]);
        await web.Server.WaitForBuildersAsync(3);
        var port = web.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (project, revision) in new[] { ("docs", "v1.0"), ("website", "main"), ("docs", "v1.1") })
        {
            Assert.Equal(0, (await Executables.RunAsync("suggest", ["--port", port, project, revision])).ExitCode);
        }
        await web.Server.WaitForLogAsync("docs/v1.1 on fedora-x86");

        using var driver = Start();
        driver.Navigate().GoToUrl(web.BaseUrl);
        var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(20));
        wait.Until(d => d.FindElement(By.Id("live")).Text.Contains("live", StringComparison.Ordinal));
        ((IJavaScriptExecutor)driver).ExecuteScript("window.simplebbNotReloaded = true;");

        var suggest = await Executables.RunAsync("suggest", ["--port", port, "foo", "master"]);
        Assert.Equal(0, suggest.ExitCode);
        var id = suggest.Stdout.Split(' ')[3];

        string Cell(string builder) =>
            driver.FindElement(By.XPath($"//table[contains(@class,'matrix')]//tr[th/a[text()='foo']]/td[@data-builder='{builder}']")).Text;
        wait.Until(d =>
        {
            try
            {
                return Cell("debian-amd64").Contains("PASS", StringComparison.Ordinal) && Cell("alpine-arm64").Contains("FAIL 1", StringComparison.Ordinal)
                    && Cell("fedora-x86").Contains("PASS", StringComparison.Ordinal);
            }
            catch (StaleElementReferenceException)
            {
                return false;
            }
            catch (NoSuchElementException)
            {
                return false;
            }
        });
        Assert.Equal(true, ((IJavaScriptExecutor)driver).ExecuteScript("return window.simplebbNotReloaded === true;"));
        Assert.Contains("master", driver.FindElement(By.XPath("//tr[th/a[text()='foo']]")).Text, StringComparison.Ordinal);
        Assert.Contains("machine-specific", driver.FindElement(By.XPath("//tr[th/a[text()='foo']]")).Text, StringComparison.Ordinal);
        Assert.Contains("alpine-arm64", driver.FindElement(By.Id("feed")).Text, StringComparison.Ordinal);
        Screenshot(driver, "dashboard.png");

        driver.FindElement(By.XPath("//tr[th/a[text()='foo']]//a[@class='rev']")).Click();
        wait.Until(d => d.Url.EndsWith("/build/" + id, StringComparison.Ordinal));
        var output = driver.FindElement(By.Id("out-alpine-arm64")).Text;
        Assert.Contains("ld: undefined reference to qsort_r", output, StringComparison.Ordinal);
        Assert.Contains("FAIL 1", output, StringComparison.Ordinal);
        Screenshot(driver, "dashboard-build.png");
    }

    [BrowserFact]
    public async Task An_open_page_keeps_working_across_a_server_restart()
    {
        Assert.True(Chromium.Found, Chromium.Missing);
        _dir.Script("scripts", "foo", "echo built $1; exit 0");
        var web = await WebFixture.StartAsync(_dir.Path);
        var httpPort = web.BaseUrl.Port;
        using var driver = Start();
        try
        {
            driver.Navigate().GoToUrl(web.BaseUrl);
            var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(30));
            wait.Until(d => d.FindElement(By.Id("live")).Text.Contains("live", StringComparison.Ordinal));
            ((IJavaScriptExecutor)driver).ExecuteScript("window.simplebbNotReloaded = true;");

            await web.DisposeAsync(); // the server stops: the page notices and keeps trying
            wait.Until(d => d.FindElement(By.Id("live")).Text.Contains("reconnecting", StringComparison.Ordinal));

            web = await WebFixture.StartAsync(_dir.Path, httpPort: httpPort);
            await using var builder = BuilderFixture.Start(_dir.Path, web.Server.Port, "after-restart", _dir["scripts"]);
            await web.Server.WaitForBuildersAsync(1);
            var port = web.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(0, (await Executables.RunAsync("suggest", ["--port", port, "foo", "v2"])).ExitCode);
            wait.Until(d => d.FindElement(By.Id("main")).Text.Contains("after-restart", StringComparison.Ordinal)
                && d.FindElement(By.Id("main")).Text.Contains("v2", StringComparison.Ordinal));
            Assert.Equal(true, ((IJavaScriptExecutor)driver).ExecuteScript("return window.simplebbNotReloaded === true;"));
            Assert.Contains("live", driver.FindElement(By.Id("live")).Text, StringComparison.Ordinal);
        }
        finally
        {
            await web.DisposeAsync();
        }
    }

    private static ChromeDriver Start()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Chromium.Driver)!, Path.GetFileName(Chromium.Driver)!);
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Chromium.Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1440,1000",
            "--force-device-scale-factor=1", "--lang=en-US");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static void Screenshot(ChromeDriver driver, string name)
    {
        Directory.CreateDirectory(ResultsFolder);
        var shot = ((ITakesScreenshot)driver).GetScreenshot();
        shot.SaveAsFile(Path.Combine(ResultsFolder, name));
        if (Environment.GetEnvironmentVariable("SIMPLEBB_UPDATE_SCREENSHOT") == "1")
        {
            shot.SaveAsFile(Path.Combine(Executables.RepositoryRoot, "docs", name));
        }
    }
}
