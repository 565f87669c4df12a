namespace SimpleBB.Web;

/// <summary>A page's HTML and whether what it is about exists (404 otherwise, with a page that says so).</summary>
internal readonly record struct RenderedPage(string Html, bool Found = true);
