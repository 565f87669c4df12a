namespace SimpleBB.Web;

/// <summary>A build the dashboard saw suggested (or started), with or without results yet.</summary>
internal sealed record SuggestedBuild(string Id, string Project, string Revision, DateTimeOffset Time);
