using System.Globalization;
using System.Text;

namespace SimpleBB.Web;

/// <summary>
/// A plain SVG bar chart of build durations, oldest on the left: each bar is a build's longest result, filled by
/// whether it passed everywhere, with a text title per bar and a table beside it for screen readers.
/// </summary>
internal static class DurationChart
{
    private const int Width = 720;
    private const int Height = 180;
    private const int Left = 56;
    private const int Bottom = 22;

    public static void Render(StringBuilder html, IReadOnlyList<BuildView> newestFirst)
    {
        var builds = newestFirst.Where(b => b.Results.Count > 0).Reverse().ToArray();
        if (builds.Length == 0)
        {
            html.Append("<p class=\"empty\">No finished build to chart yet.</p>");
            return;
        }
        var max = Math.Max(1, builds.Max(b => b.LongestMs));
        var plotWidth = Width - Left - 8;
        var plotHeight = Height - Bottom - 10;
        var step = plotWidth / (double)Math.Max(builds.Length, 10);
        var bar = Math.Max(2, step * 0.7);
        var culture = CultureInfo.InvariantCulture;
        html.Append("<figure class=\"chart\"><svg viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height)
            .Append("\" role=\"img\" aria-label=\"Longest duration of each of the last ").Append(builds.Length).Append(" builds\">");
        for (var i = 0; i <= 2; i++)
        {
            var y = 10 + plotHeight - plotHeight * i / 2.0;
            html.Append("<line class=\"grid\" x1=\"").Append(Left).Append("\" x2=\"").Append(Width - 8).Append("\" y1=\"").Append(y.ToString("0.#", culture))
                .Append("\" y2=\"").Append(y.ToString("0.#", culture)).Append("\"/><text class=\"axis\" x=\"").Append(Left - 6).Append("\" y=\"")
                .Append((y + 4).ToString("0.#", culture)).Append("\" text-anchor=\"end\">").Append(Html.Duration(max * i / 2)).Append("</text>");
        }
        for (var i = 0; i < builds.Length; i++)
        {
            var build = builds[i];
            var h = Math.Max(1, plotHeight * build.LongestMs / (double)max);
            var x = Left + i * step + (step - bar) / 2;
            var css = build.Count(false) > 0 ? (build.Count(true) > 0 ? "mixed" : "fail") : build.Count(true) > 0 ? "pass" : "na";
            html.Append("<a href=\"/build/").Append(Html.Url(build.Id)).Append("\"><rect class=\"bar bar-").Append(css).Append("\" x=\"")
                .Append(x.ToString("0.#", culture)).Append("\" y=\"").Append((10 + plotHeight - h).ToString("0.#", culture)).Append("\" width=\"")
                .Append(bar.ToString("0.#", culture)).Append("\" height=\"").Append(h.ToString("0.#", culture)).Append("\"><title>")
                .Text(build.Revision).Append(": ").Append(Html.Duration(build.LongestMs)).Append(", ").Append(css).Append("</title></rect></a>");
        }
        html.Append("<text class=\"axis\" x=\"").Append(Left).Append("\" y=\"").Append(Height - 4).Append("\">older</text><text class=\"axis\" x=\"")
            .Append(Width - 8).Append("\" y=\"").Append(Height - 4).Append("\" text-anchor=\"end\">newer</text></svg>")
            .Append("<figcaption>Longest duration per build; bars: <span class=\"key key-pass\"></span> passed everywhere, ")
            .Append("<span class=\"key key-fail\"></span> failed, <span class=\"key key-mixed\"></span> mixed (machine-specific), ")
            .Append("<span class=\"key key-na\"></span> no verdict. The table below has the same figures.</figcaption></figure>");
    }
}
