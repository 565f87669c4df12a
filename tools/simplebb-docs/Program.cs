using SimpleBB.Docs;

// Writes the man pages (docs/man/) and bash completions (completion/) from the executables' command-line
// definitions. Run from the repository after changing an option:  dotnet run --project tools/simplebb-docs
// A test regenerates them into a temporary folder and fails when the checked-in files differ.
var root = args.Length > 0 ? args[0] : FindRepository();

// Defaults must not depend on who generates the pages: paths under HOME read "~/...", and no SIMPLEBB_* variable
// of this shell may stand in for a built-in default.
Environment.SetEnvironmentVariable("HOME", "~");
foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("SIMPLEBB_", StringComparison.Ordinal)))
{
    Environment.SetEnvironmentVariable(key, null);
}

Directory.CreateDirectory(Path.Combine(root, "docs", "man"));
Directory.CreateDirectory(Path.Combine(root, "completion"));
foreach (var page in DocumentedCommand.All)
{
    File.WriteAllText(Path.Combine(root, "docs", "man", page.ManFile), ManualPage.Render(page));
    File.WriteAllText(Path.Combine(root, "completion", page.Name), BashCompletion.Render(page));
}
Console.WriteLine($"wrote docs/man/ and completion/ in {root}");
return 0;

static string FindRepository()
{
    var dir = new DirectoryInfo(Environment.CurrentDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SimpleBB.sln")))
    {
        dir = dir.Parent;
    }
    return dir?.FullName ?? throw new InvalidOperationException("run this inside the SimpleBB repository, or give the output folder");
}
