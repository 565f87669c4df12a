using System.Text;

namespace SimpleBB.Web;

/// <summary>A shields-style SVG badge: the project's name and its latest build's state in words and colour.</summary>
internal static class Badge
{
    public static string Render(string project, string state)
    {
        var color = state switch
        {
            "passing" => "#2e7d32",
            "failing" => "#c62828",
            "mixed" => "#e65100",
            "running" => "#1565c0",
            _ => "#757575",
        };
        var left = 12 + (int)Math.Ceiling(project.Length * 6.6);
        var right = 12 + (int)Math.Ceiling(state.Length * 6.6);
        var svg = new StringBuilder(700);
        svg.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(left + right).Append("\" height=\"20\" role=\"img\" aria-label=\"")
            .Text(project).Append(": ").Append(state).Append("\"><title>").Text(project).Append(": ").Append(state).Append("</title>")
            .Append("<rect width=\"").Append(left).Append("\" height=\"20\" rx=\"3\" fill=\"#555\"/><rect x=\"").Append(left).Append("\" width=\"").Append(right)
            .Append("\" height=\"20\" rx=\"3\" fill=\"").Append(color).Append("\"/><rect x=\"").Append(left).Append("\" width=\"4\" height=\"20\" fill=\"")
            .Append(color).Append("\"/><g fill=\"#fff\" font-family=\"DejaVu Sans,Verdana,Geneva,sans-serif\" font-size=\"11\">")
            .Append("<text x=\"6\" y=\"14\">").Text(project).Append("</text><text x=\"").Append(left + 6).Append("\" y=\"14\">").Append(state)
            .Append("</text></g></svg>");
        return svg.ToString();
    }
}
